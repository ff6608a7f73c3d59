"""tools/lite/build.py's parts, without the network: the lock, the PyYAML wheel, npm.

The whole build, run in a browser, is tests/browser/test_lite.py's.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load():
    spec = importlib.util.spec_from_file_location("lite_build", ROOT / "tools/lite/build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load()


def make_wheel(folder: Path, name: str, version: str, requires: list[str],
               files: dict[str, str], top_level: str | None = None) -> Path:
    whl = folder / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(whl, "w") as z:
        for path, text in files.items():
            z.writestr(path, text)
        z.writestr(f"{info}/METADATA", meta)
        if top_level is not None:
            z.writestr(f"{info}/top_level.txt", top_level)
    return whl


def test_dependencies_are_those_of_the_browsers_python():
    requires = [
        "simpy>=4.1", "PyYAML>=6.0",
        'pexpect>4.3; sys_platform != "win32" and sys_platform != "emscripten"',
        'typing_extensions>=4.6; python_version < "3.12"',  # the browser has 3.14
        'colorama; sys_platform == "win32"',
        'pytest; extra == "test"',
        'tomli; python_version < "3.11"',
        'exceptiongroup; python_version < "3.15"',
    ]
    assert build.browser_depends(requires) == ["exceptiongroup", "pyyaml", "simpy"]


def test_the_lock_names_each_wheel_its_imports_and_its_browser_dependencies(tmp_path):
    a = make_wheel(tmp_path, "Alpha_Pkg", "1.0", ["beta", 'gamma; sys_platform == "win32"',
                                                  "matplotlib>=3.7"],
                   {"alpha/__init__.py": "", "alpha/sub.py": "", "_alpha_c.py": ""})
    b = make_wheel(tmp_path, "beta", "2.0", [], {"b_mod/__init__.py": ""}, top_level="b_mod\n")
    lock = build.write_lock({"info": {"python": "3.14.2"}}, [a, b], tmp_path / "lock.json")
    assert lock == json.loads((tmp_path / "lock.json").read_text())
    assert lock["info"] == {"python": "3.14.2"}
    alpha = lock["packages"]["alpha-pkg"]
    assert alpha["imports"] == ["_alpha_c", "alpha"]
    assert alpha["depends"] == ["beta"]       # gamma is Windows-only, matplotlib left out
    assert alpha["file_name"] == a.name and alpha["install_dir"] == "site"
    assert alpha["sha256"] == hashlib.sha256(a.read_bytes()).hexdigest()
    assert lock["packages"]["beta"]["imports"] == ["b_mod"]


def test_a_dependency_no_wheel_provides_stops_the_build(tmp_path):
    a = make_wheel(tmp_path, "alpha", "1.0", ["delta"], {"alpha/__init__.py": ""})
    with pytest.raises(SystemExit, match=r"alpha needs \['delta'\]"):
        build.write_lock({"info": {}}, [a], tmp_path / "lock.json")


def fake_pyyaml_sdist(path: Path) -> Path:
    top = f"pyyaml-{build.PYYAML_VERSION}"
    members = {
        f"{top}/PKG-INFO": ("Metadata-Version: 2.1\nName: PyYAML\n"
                            f"Version: {build.PYYAML_VERSION}\n"),
        f"{top}/LICENSE": "MIT",
        f"{top}/setup.py": "raise SystemExit",
        f"{top}/lib/_yaml/__init__.py": "from yaml._yaml import *",
        f"{top}/lib/yaml/__init__.py": "from .loader import load\n__with_libyaml__ = False\n",
        f"{top}/lib/yaml/loader.py": "def load(text):\n    return {'read': text}\n",
        f"{top}/yaml/_yaml.pyx": "# the C binding",
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_the_pyyaml_wheel_holds_the_pure_package_and_imports(tmp_path, monkeypatch):
    sdist = fake_pyyaml_sdist(tmp_path / "pyyaml.tar.gz")
    out = tmp_path / f"pyyaml-{build.PYYAML_VERSION}-py3-none-any.whl"
    build.write_pyyaml_wheel(sdist, out)
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        info = f"pyyaml-{build.PYYAML_VERSION}.dist-info"
        assert {"yaml/__init__.py", "yaml/loader.py", f"{info}/METADATA", f"{info}/WHEEL",
                f"{info}/RECORD", f"{info}/top_level.txt"} <= names
        assert not any(n.startswith("_yaml") or n.endswith(".pyx") for n in names)
        assert "Tag: py3-none-any" in z.read(f"{info}/WHEEL").decode()
        for row in z.read(f"{info}/RECORD").decode().splitlines():   # PEP 376 hashes
            name, digest, size = row.split(",")
            if digest:
                data = z.read(name)
                want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
                assert digest == "sha256=" + want.decode() and int(size) == len(data)
    first = out.read_bytes()
    build.write_pyyaml_wheel(sdist, out)
    assert out.read_bytes() == first     # the same sdist, the same sha256 in the lock
    meta, imports = build.wheel_metadata(out)
    assert meta["name"] == "PyYAML" and imports == ["yaml"]
    monkeypatch.syspath_prepend(str(out))   # a wheel of pure modules imports as a zip
    for name in [m for m in sys.modules if m == "yaml" or m.startswith("yaml.")]:
        monkeypatch.delitem(sys.modules, name)  # the real PyYAML, if a test loaded it
    import yaml
    assert yaml.load("x") == {"read": "x"} and yaml.__file__.startswith(str(out))


def test_without_npm_the_tarball_comes_from_the_registrys_http_api(tmp_path, monkeypatch):
    data = b"pretend tarball"
    served = {f"{build.NPM_REGISTRY}/pyodide/{build.PYODIDE_VERSION}": json.dumps(
                  {"dist": {"tarball": "https://registry.example/pyodide.tgz"}}).encode(),
              "https://registry.example/pyodide.tgz": data}
    asked = []

    def urlopen(url, timeout):
        asked.append(url)
        return io.BytesIO(served[url])

    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    monkeypatch.setattr(build.urllib.request, "urlopen", urlopen)
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    monkeypatch.setattr(build, "PYODIDE_INTEGRITY", integrity)
    tgz = build.fetch_pyodide(tmp_path)
    assert tgz.read_bytes() == data and len(asked) == 2
    assert build.fetch_pyodide(tmp_path) == tgz and len(asked) == 2   # cached: no request


def test_a_tarball_that_is_not_the_pinned_one_is_refused():
    with pytest.raises(SystemExit, match="sha512"):
        build.check_integrity(b"something else")


def test_the_contents_are_globbed_and_the_welcome_comes_first(tmp_path, monkeypatch):
    (tmp_path / "notebooks" / "labs").mkdir(parents=True)
    for rel in ("notebooks/01_a.ipynb", "notebooks/labs/fix.ipynb", "notebooks/notes.md"):
        (tmp_path / rel).write_text("{}")
    found = build.notebooks(tmp_path)
    assert list(found) == [build.WELCOME, "01_a.ipynb", "labs/fix.ipynb"]
    (tmp_path / "notebooks" / build.WELCOME).write_text("{}")
    with pytest.raises(SystemExit, match="two notebooks"):
        build.notebooks(tmp_path)


def test_the_pins_are_one_each_and_exact():
    names = [p.split("==")[0] for p in build.PYPI_WHEELS]
    assert all("==" in p for p in build.PYPI_WHEELS)
    assert len(set(names)) == len(names)
    assert {"simpy", "networkx", "micropip", "ipython", "comm", "jedi"} <= set(names)
