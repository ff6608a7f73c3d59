#!/usr/bin/env python3
"""Build netsim's JupyterLite site: the notebooks in a browser, with nothing installed.

    python tools/lite/build.py                  # -> build/lite (open build/lite/index.html
    python tools/lite/build.py --out DIR        #    through any static web server)
    python -m http.server -d build/lite -b 127.0.0.1 8000

The site runs Python in the browser with pyodide (CPython compiled to WebAssembly) and
holds everything it loads: no request leaves the student's machine or the site's
server. What goes in, and from where (only the package registries are used):

* the JupyterLite front end and the pyodide kernel: the ``jupyterlite-core`` and
  ``jupyterlite-pyodide-kernel`` Python packages (the ``lite`` extra) that run the build;
* pyodide's core (the interpreter, its standard library): the npm package ``pyodide``;
* pure-Python wheels for the browser's Python: simpy, networkx, what the kernel itself
  installs at start (micropip, ipython and their dependencies) from PyPI, a pure PyYAML
  wheel made here from PyYAML's sdist (PyPI has only compiled ones), and netsim's own
  wheel built from this checkout;
* the notebooks (``notebooks/*.ipynb``, ``notebooks/labs/*.ipynb``, globbed at build
  time) and ``lite/00_welcome.ipynb``, which says what works in the browser.

matplotlib is left out: neither it nor numpy has a WebAssembly wheel on the registries
we can reach, so netsim's pictures say so in the browser; the player (HTML + JS, no
matplotlib) and every text view work.

Downloads are kept in a cache folder (``--cache``, default ``~/.cache/netsim-lite``) and
checked against pinned hashes, so a second build needs no network at all. Stdlib plus
``packaging``; the ``jupyter lite`` command comes from ``pip install -e '.[lite]'``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Iterable
from email.parser import Parser
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[2]
LITE_DIR = ROOT / "lite"

# pyodide 314.0.6 (CPython 3.14.2): the version jupyterlite-pyodide-kernel 0.8.6 was made
# for (its constants.PYODIDE_VERSION). Its npm package holds the core only -- pyodide.mjs,
# the wasm interpreter, the stdlib zip and a lock naming 356 packages whose wheels live
# only on pyodide's CDN, which we cannot reach; our own lock replaces that list.
PYODIDE_VERSION = "314.0.6"
PYODIDE_INTEGRITY = ("sha512-BKDTJyIqFxC4BExLqeRS3f5xvXZIjOt8C3zGLN/Cc7tFxSwvKVhVkchQQ2AGLOtR4Y"
                     "rVOIFxbV8poyDOOmWwxQ==")  # npm's "dist.integrity" of that tarball
NPM_REGISTRY = "https://registry.npmjs.org"
# What the kernel needs of the npm package: it loads pyodide.mjs in a module worker
# (pyodide.js, the classic script, is not used from 314 on).
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                "pyodide-lock.json")

# The browser's Python, for evaluating the wheels' dependency markers (PEP 508).
BROWSER_ENV = {
    "python_version": "3.14", "python_full_version": "3.14.2", "implementation_name":
    "cpython", "platform_python_implementation": "CPython", "implementation_version": "3.14.2",
    "sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
    "platform_machine": "wasm32", "platform_release": "", "platform_version": "", "extra": "",
}

# Pure wheels from PyPI, pinned: the closure that worked in the trial recorded in the
# project's notes (pip resolved it for --python-version 3.14 --platform any). Pinned so
# that a build is the same every time and a cached one needs no index at all; the
# lock step below fails if a pinned wheel needs something missing from this list.
PYPI_WHEELS = (
    # what netsim imports
    "simpy==4.1.2", "networkx==3.7",
    # pyodide's package installer: the kernel calls loadPackage(["micropip"]) at start
    "micropip==0.11.1",
    # the kernel then installs these (its initKernel: ipykernel shim, comm, jedi, ipython)
    "comm==0.2.3", "jedi==0.20.1", "parso==0.8.7", "ipython==9.12.0",
    "ipython-pygments-lexers==1.1.1", "decorator==5.3.2", "matplotlib-inline==0.2.2",
    "prompt-toolkit==3.0.53", "wcwidth==0.9.5", "pygments==2.21.0", "stack-data==0.6.3",
    "asttokens==3.0.2", "executing==2.3.0", "pure-eval==0.2.4", "traitlets==5.16.1",
)

# PyYAML (netsim.labs reads the lab files with it): PyPI has compiled wheels only, none
# for wasm; its sdist holds the pure-Python package (lib/yaml), which is all it needs
# when the C LibYAML binding is absent (yaml.cyaml is then simply not importable).
PYYAML_VERSION = "6.0.3"
PYYAML_SDIST_SHA256 = "d76623373421df22fb4cf8817020cbb7ef15c725b9d5e45f17e189bfc384190f"

# Dependencies of netsim's wheel that the browser goes without (see the module docstring).
LEFT_OUT = {"matplotlib": "no WebAssembly wheel of matplotlib or numpy on PyPI or npm"}

WELCOME = "00_welcome.ipynb"


def log(message: str) -> None:
    print(f"lite: {message}", flush=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(cmd: list[str], **kw) -> None:
    """Run a command, showing its output only when it fails (pip is chatty)."""
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode:
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit(f"lite: failed ({res.returncode}): {' '.join(cmd)}")


# -- pyodide's core, from npm ---------------------------------------------------------------

def check_integrity(data: bytes, integrity: str | None = None) -> None:
    algo, _, want = (integrity or PYODIDE_INTEGRITY).partition("-")
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != want:
        raise SystemExit(f"lite: the pyodide tarball's {algo} is {got}, expected {want}")


def fetch_pyodide(cache: Path) -> Path:
    """The npm tarball of pyodide, checked against its pinned integrity.

    ``npm pack`` when npm is there (it honours the user's npm configuration: registry,
    proxy, certificates); otherwise the registry's HTTP API, which is what npm itself
    reads: the version's document names the tarball's address.
    """
    tgz = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if tgz.exists():
        check_integrity(tgz.read_bytes())
        return tgz
    cache.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    if npm:
        log(f"npm pack pyodide@{PYODIDE_VERSION}")
        run([npm, "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", str(cache)])
        data = tgz.read_bytes()
    else:
        data = fetch_npm_tarball("pyodide", PYODIDE_VERSION)
    check_integrity(data)
    tgz.write_bytes(data)
    return tgz


def fetch_npm_tarball(name: str, version: str, registry: str = NPM_REGISTRY) -> bytes:
    """Without npm: the tarball whose address the registry gives for name@version."""
    log(f"no npm: fetching {name}@{version} from {registry}")
    with urllib.request.urlopen(f"{registry}/{name}/{version}", timeout=120) as r:
        doc = json.load(r)
    with urllib.request.urlopen(doc["dist"]["tarball"], timeout=300) as r:
        return r.read()


def unpack_core(tgz: Path, dest: Path) -> dict:
    """Put pyodide's core files in ``dest``; return the npm lock (its ``info`` is reused)."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tgz) as tar:
        for name in PYODIDE_CORE:
            member = tar.extractfile(f"package/{name}")
            assert member is not None, name
            (dest / name).write_bytes(member.read())
    return json.loads((dest / "pyodide-lock.json").read_text())


# -- the wheels ---------------------------------------------------------------------------

def pip(*args: str) -> None:
    run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "-q"])


def _key(pin: str) -> tuple[str, str]:
    name, _, version = pin.partition("==")
    return canonicalize_name(name), version


def _cached_wheels(folder: Path) -> dict[tuple[str, str], Path]:
    found = {}
    for whl in folder.glob("*.whl"):
        name, version, _, _ = parse_wheel_filename(whl.name)
        found[(str(name), str(version))] = whl
    return found


def fetch_pypi_wheels(cache: Path, pins: Iterable[str] = PYPI_WHEELS) -> list[Path]:
    """The pinned pure wheels, from the cache or (the missing ones) from PyPI."""
    folder = cache / "wheels"
    pins = list(pins)
    missing = [p for p in pins if _key(p) not in _cached_wheels(folder)]
    if missing:
        log(f"pip download {len(missing)} wheel(s) for the browser's Python 3.14")
        # --no-deps: the pins are the whole closure (checked when the lock is written);
        # py/none/any: only pure wheels, the kind pyodide can load from PyPI.
        pip("download", "--dest", str(folder), "--no-deps", "--only-binary=:all:",
            "--python-version", "3.14", "--implementation", "py", "--abi", "none",
            "--platform", "any", *missing)
    have = _cached_wheels(folder)
    if still := [p for p in pins if _key(p) not in have]:
        raise SystemExit(f"lite: pip gave no wheel for {still}")
    return [have[_key(p)] for p in pins]


def pure_pyyaml_wheel(cache: Path) -> Path:
    """A ``py3-none-any`` wheel of PyYAML made from its sdist's pure-Python package."""
    out = cache / "made" / f"pyyaml-{PYYAML_VERSION}-py3-none-any.whl"
    if out.exists():
        return out
    sdists = cache / "sdists"
    sdist = sdists / f"pyyaml-{PYYAML_VERSION}.tar.gz"
    if not sdist.exists():
        log(f"pip download the PyYAML {PYYAML_VERSION} sdist")
        # --no-binary only for pyyaml: its build tools still come as wheels (with
        # :all: pip compiles Cython from source first, minutes instead of seconds).
        pip("download", "--dest", str(sdists), "--no-deps", "--no-binary", "pyyaml",
            f"PyYAML=={PYYAML_VERSION}")
    if sha256(sdist) != PYYAML_SDIST_SHA256:
        raise SystemExit(f"lite: {sdist.name}'s sha256 is not the pinned one")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_pyyaml_wheel(sdist, out)
    return out


def write_pyyaml_wheel(sdist: Path, out: Path) -> None:
    """Repack ``lib/yaml/*.py`` of the sdist as a wheel (the format is a zip: PEP 427).

    The C binding's parts are left out: ``lib/_yaml`` (a shim over the compiled
    ``yaml._yaml``) and nothing else; ``yaml/__init__.py`` already tries ``cyaml`` and
    carries on without it, as it does on any machine without LibYAML.
    """
    top = f"pyyaml-{PYYAML_VERSION}"
    files: dict[str, bytes] = {}
    with tarfile.open(sdist) as tar:
        for m in tar.getmembers():
            if m.isfile() and m.name.startswith(f"{top}/lib/yaml/") and m.name.endswith(".py"):
                files[m.name.removeprefix(f"{top}/lib/")] = tar.extractfile(m).read()
            elif m.name in (f"{top}/PKG-INFO", f"{top}/LICENSE"):
                files[m.name.split("/")[-1]] = tar.extractfile(m).read()
    info = f"pyyaml-{PYYAML_VERSION}.dist-info"
    files[f"{info}/METADATA"] = files.pop("PKG-INFO")
    files[f"{info}/licenses/LICENSE"] = files.pop("LICENSE")
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: netsim tools/lite/build.py\n"
                              b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    files[f"{info}/top_level.txt"] = b"yaml\n"
    record = [f"{name},sha256={_urlsafe_digest(data)},{len(data)}"
              for name, data in sorted(files.items())] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            # a fixed date: the same sdist gives the same bytes, hence the same sha256
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data,
                       zipfile.ZIP_DEFLATED)
    tmp.replace(out)


def _urlsafe_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def netsim_wheel(dest: Path) -> Path:
    """netsim's own wheel, built from this checkout (hatchling, as pyproject.toml says)."""
    log("pip wheel netsim (this checkout)")
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("netsim_edu-*.whl"):
        old.unlink()
    # With hatchling installed (the lite extra has it) pip uses it as it is: no index is
    # asked for a build environment, so a build with a full cache needs no network.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    pip("wheel", "--no-deps", *isolation, "--wheel-dir", str(dest), str(ROOT))
    (whl,) = dest.glob("netsim_edu-*.whl")
    return whl


# -- the lock ------------------------------------------------------------------------------

def wheel_metadata(whl: Path) -> tuple[dict[str, list[str] | str], list[str]]:
    """(the METADATA headers we use, the wheel's top-level import names)."""
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        msg = Parser().parsestr(z.read(meta_name).decode())
        top_level = next((n for n in names if n.endswith(".dist-info/top_level.txt")), None)
        tops = (z.read(top_level).decode().split() if top_level else
                sorted({n.split("/")[0].removesuffix(".py") for n in names
                        if not n.split("/")[0].endswith((".dist-info", ".data"))
                        and (n.endswith(".py") or "/" in n)}))
    meta = {"name": msg["Name"], "version": msg["Version"],
            "requires": msg.get_all("Requires-Dist") or []}
    return meta, [t for t in tops if t.isidentifier()]


def browser_depends(requires: list[str]) -> list[str]:
    """The Requires-Dist entries that apply in the browser's Python, as package names."""
    out = []
    for line in requires:
        req = Requirement(line)
        if req.marker is None or Marker(str(req.marker)).evaluate(BROWSER_ENV):
            out.append(canonicalize_name(req.name))
    return sorted(set(out))


def write_lock(core_lock: dict, wheels: list[Path], dest: Path) -> dict:
    """pyodide-lock.json naming exactly our wheels, so ``import simpy`` loads simpy.

    Each entry's ``imports`` drive pyodide's loading on import and ``depends`` what
    comes along; a dependency that none of our wheels provides stops the build, unless
    it is one the browser goes without on purpose (LEFT_OUT), which is then dropped.
    """
    packages = {}
    for whl in wheels:
        meta, imports = wheel_metadata(whl)
        name = canonicalize_name(meta["name"])
        packages[name] = {
            "name": name, "version": meta["version"], "file_name": whl.name,
            "install_dir": "site", "sha256": sha256(whl), "package_type": "package",
            "imports": imports, "depends": browser_depends(meta["requires"]),
            "unvendored_tests": False,
        }
    for name, entry in packages.items():
        missing = [d for d in entry["depends"] if d not in packages and d not in LEFT_OUT]
        if missing:
            raise SystemExit(f"lite: {name} needs {missing}: add them to PYPI_WHEELS")
        for dropped in sorted(set(entry["depends"]) & set(LEFT_OUT)):
            log(f"{name}: leaving out {dropped} ({LEFT_OUT[dropped]})")
        entry["depends"] = [d for d in entry["depends"] if d in packages]
    lock = {"info": core_lock["info"], "packages": dict(sorted(packages.items()))}
    dest.write_text(json.dumps(lock, indent=1) + "\n")
    return lock


# -- the site ------------------------------------------------------------------------------

def notebooks(root: Path = ROOT) -> dict[str, Path]:
    """The site's contents: {path in the site: file}. Globbed: new notebooks come along."""
    found = {WELCOME: LITE_DIR / WELCOME}
    for pattern in ("notebooks/*.ipynb", "notebooks/labs/*.ipynb"):
        for nb in sorted(root.glob(pattern)):
            rel = nb.relative_to(root / "notebooks").as_posix()
            if rel in found:
                raise SystemExit(f"lite: two notebooks would be {rel} in the site")
            found[rel] = nb
    return found


STAMP = ".netsim-lite-inputs"  # in the site: the fingerprint of what it was built from


def fingerprint() -> str:
    """A hash of everything a site is built from that lives here or is installed.

    The downloads are pinned (their hashes are checked), so they need not be in it.
    """
    from importlib.metadata import version

    h = hashlib.sha256()
    files = [Path(__file__), ROOT / "pyproject.toml", *sorted(LITE_DIR.rglob("*")),
             *notebooks().values(), *sorted((ROOT / "netsim").rglob("*"))]
    for f in files:
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(f"{f.relative_to(ROOT)}\0".encode() + sha256(f).encode())
    for dist in ("jupyterlite-core", "jupyterlite-pyodide-kernel"):
        h.update(f"{dist}=={version(dist)}".encode())
    return h.hexdigest()


def build(out: Path, cache: Path, reuse: bool = False) -> Path:
    """Build the site in ``out``; with ``reuse``, keep one built from the same inputs."""
    stamp = fingerprint()
    if reuse and (out / STAMP).exists() and (out / STAMP).read_text() == stamp:
        log(f"{out} is up to date")
        return out
    started = time.monotonic()
    cache.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="stage-", dir=cache))
    try:
        pyodide = stage / "static" / "pyodide"   # the kernel addon's well-known place
        core_lock = unpack_core(fetch_pyodide(cache), pyodide)
        wheels = [*fetch_pypi_wheels(cache), pure_pyyaml_wheel(cache),
                  netsim_wheel(stage / "netsim-wheel")]
        for whl in wheels:
            shutil.copy2(whl, pyodide / whl.name)
        write_lock(core_lock, wheels, pyodide / "pyodide-lock.json")
        files = stage / "files"
        for rel, src in notebooks().items():
            (files / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, files / rel)
        shutil.copy2(LITE_DIR / "jupyter-lite.json", stage / "jupyter-lite.json")
        (stage / "jupyter_lite_config.json").write_text(json.dumps({"LiteBuildConfig": {
            "contents": ["files"], "no_sourcemaps": True}}))
        if out.exists():
            shutil.rmtree(out)
        log(f"jupyter lite build -> {out}")
        run([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(stage),
             "--output-dir", str(out.resolve())], cwd=stage)
        front_door(out / "index.html")
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    (out / STAMP).write_text(stamp)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    log(f"built {out} in {time.monotonic() - started:.1f} s: {size / 1e6:.0f} MB, "
        f"{sum(1 for _ in out.rglob('*'))} files")
    return out


def front_door(index: Path) -> None:
    """The site's front door opens JupyterLab (the file list on the left) on the welcome
    notebook, instead of JupyterLab's empty launcher.

    The page stays JupyterLite's own: every page of the site reads its settings from the
    ``jupyter-config-data`` block in it. Only its last step, a jump to the app, changes:
    to the app with the welcome notebook open (``?path=``).
    """
    page = index.read_text(encoding="utf-8")
    jump = "await import('./config-utils.js');"
    if page.count(jump) != 1:
        raise SystemExit(f"lite: {index} is not the page this build knows (no {jump!r})")
    index.write_text(page.replace(
        jump, f"window.location.replace('./lab/index.html?path={WELCOME}');"), encoding="utf-8")
    # The apps set their icon from a script, after the browser has already asked for the
    # site's /favicon.ico (a 404 and a console error on every page): give it one.
    shutil.copy2(index.parent / "lab" / "favicon.ico", index.parent / "favicon.ico")


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "netsim-lite"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "lite",
                    help="the site's folder (replaced; default build/lite)")
    ap.add_argument("--cache", type=Path, default=default_cache(),
                    help="downloads kept between builds (default ~/.cache/netsim-lite)")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the site in --out if it was built from the same inputs")
    args = ap.parse_args(argv)
    build(args.out, args.cache, reuse=args.reuse)


if __name__ == "__main__":
    main()
