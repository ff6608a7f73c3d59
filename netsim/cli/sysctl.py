"""``sysctl`` (procps-ng 4.0.2): read and write kernel parameters through /proc/sys.

sysctl is a thin program: ``net.ipv4.ip_forward`` is turned into the path
``/proc/sys/net/ipv4/ip_forward`` (dots become slashes), and reading or writing the
parameter is reading or writing that file. This one does the same through the host's
file system (:mod:`netsim.pseudofs.sysctl` serves /proc/sys from ``host.ns.sysctl``), so
every message comes from the same place as on Linux::

    sysctl net.ipv4.ip_forward            net.ipv4.ip_forward = 0
    sysctl -w net.ipv4.ip_forward=1       net.ipv4.ip_forward = 1     (also sets
                                          net.ipv4.conf.*.forwarding, like the kernel)
    sysctl -n net.ipv4.ip_forward         0
    sysctl net.ipv4.foo                   sysctl: cannot stat /proc/sys/net/ipv4/foo:
                                          No such file or directory   (exit 1)

Options: ``-a`` ``-n`` ``-N`` ``-b`` ``-e`` ``-q`` ``-w`` ``-p [FILE]`` ``--system``
``-r REGEX`` ``--dry-run`` ``--deprecated`` ``-V`` ``-h``. Exit status as procps: a
failed write counts 1, failed reads *add up* (``sysctl a b c`` exits 3).

Options are read by glibc's getopt_long (:mod:`netsim.user.getopt`); its names
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.cli.cnum import c_argv
from netsim.user.getopt import GetoptError, getopt_long
from netsim.user.io import Io

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.fs import VirtualFS

VERSION = "sysctl from procps-ng 4.0.2\n"
PROC_PATH = "/proc/sys/"
DEFAULT_PRELOAD = "/etc/sysctl.conf"
SYSTEM_DIRS = ("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
               "/usr/lib/sysctl.d", "/lib/sysctl.d")
DEPRECATED = ("base_reachable_time", "retrans_time")

USAGE = """
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
"""


# ================================================================== the program
def slashdot(name: str, old: str, new: str, warn: list[str]) -> str:
    """procps' slashdot(): swap ``old`` separators for ``new`` ones (and back).

    If the first separator already is ``new`` the name is left alone -- that is how
    ``net/ipv4/conf/eth0.100/rp_filter`` keeps the dot of the VLAN device. Repeated
    separators earn a warning (appended to ``warn``) and are kept.
    """
    first = min((name.find(c) for c in "/." if c in name), default=-1)
    if first < 0 or name[first] == new:
        return name
    chars = list(name)
    warned = False
    for k in range(first, len(chars)):
        c = chars[k]
        if c not in "/.":
            continue
        if not warned and k + 1 < len(chars) and chars[k + 1] in "/.":
            warn.append(f"separators should not be repeated: {name[k:]}")
            warned = True
        chars[k] = new if c == old else old
    return "".join(chars)


@dataclass
class _Setting:
    key: str
    path: str
    value: str | None
    ignore_failure: bool = False
    glob_exclude: bool = False


@dataclass
class SysctlRun:
    """One run of sysctl: its options, streams and the host's files."""

    host: Host
    io: Io
    prog: str = "sysctl"
    print_name: bool = True
    print_newline: bool = True
    ignore_error: bool = False
    quiet: bool = False
    name_only: bool = False
    ignore_deprecated: bool = True
    dry_run: bool = False
    pattern: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def fs(self) -> VirtualFS:
        return self.host.fs

    def matches_pattern(self, text: str) -> bool:
        """pattern_match(): -r's regular expression; one that does not compile matches nothing."""
        if self.pattern is None:
            return True
        try:
            return re.search(self.pattern, text) is not None
        except re.error:
            return False

    # ------------------------------------------------------------------ messages
    def warnx(self, text: str) -> None:
        """xwarnx(): ``sysctl: text``."""
        self.io.error(f"{self.prog}: {text}\n")

    def warn(self, text: str, err: OSError | int) -> None:
        """xwarn(): ``sysctl: text: strerror(errno)``."""
        code = err if isinstance(err, int) else (err.errno or 0)
        self.io.error(f"{self.prog}: {text}: {os.strerror(code)}\n")

    def _slashdot(self, name: str, old: str, new: str) -> str:
        out = slashdot(name, old, new, self.warnings)
        for text in self.warnings:
            self.warnx(text)
        self.warnings.clear()
        return out

    # ------------------------------------------------------------------ files
    def _stat(self, path: str) -> tuple[str, int] | OSError:
        """(kind, mode) of a path, or the error stat(2) would give."""
        try:
            kind = self.fs.kind(path)
            if kind is None:
                self.fs.read(path)  # let the file system say why (ENOENT, ENOTDIR)
                return FileNotFoundError(2, os.strerror(2))
            return kind, self.fs.mode(path)
        except OSError as err:
            return err

    def _is_proc_path(self, path: str) -> bool:
        """realpath() must stay below /proc/sys/, else a warning and failure."""
        try:
            real = self.fs.realpath(path)
        except OSError:
            return False
        if (real + "/").startswith(PROC_PATH):
            return True
        self.warnx(f"Path is not under {PROC_PATH}: {path}")
        return False

    # ------------------------------------------------------------------ reading
    def read_setting(self, name: str) -> int:
        """ReadSetting(): print one parameter, or every one below a directory."""
        if not name:
            self.warnx(f'"{name}" is an unknown key')
            return -1
        # procps converts the display name twice (a copy-paste in ReadSetting): with
        # repeated separators its warning shows twice too
        outname = self._slashdot(name, "/", ".")
        path = PROC_PATH + self._slashdot(name, ".", "/")
        outname = self._slashdot(name, "/", ".")
        st = self._stat(path)
        if isinstance(st, OSError):
            if not self.ignore_error:
                self.warn(f"cannot stat {path}", st)
                return 1
            return 0
        kind, mode = st
        if not mode & 0o400:
            return 0
        if not self._is_proc_path(path):
            return -1
        if kind == "dir":
            return self.display_all(path + "/")
        if not self.matches_pattern(outname):
            return 0
        if self.name_only:
            self.io.write(f"{outname}\n")
            return 0
        try:
            text = self.fs.read(path)
        except OSError as err:
            if err.errno == 2:
                if not self.ignore_error:
                    self.warnx(f'"{outname}" is an unknown key')
                    return 1
                return 0
            if err.errno == 13:
                self.warnx(f"permission denied on key '{outname}'")
            else:
                self.warn(f'reading key "{outname}"', err)
            return 1
        if not text:
            return 0
        if self.print_name:
            self.io.write(f"{outname} = {text}" + ("" if text.endswith("\n") else "\n"))
        elif self.print_newline:
            self.io.write(text)
        else:
            self.io.write("".join(line.split("\n", 1)[0]
                                  for line in text.splitlines(keepends=True)))
        return 0

    def display_all(self, path: str) -> int:
        """DisplayAll(): every readable parameter below ``path``, recursively."""
        rc = 0
        try:
            names = self.fs.listdir(path)
        except OSError:
            self.warnx(f'unable to open directory "{path}"')
            return 1
        for name in names:
            if self.ignore_deprecated and name in DEPRECATED:
                continue
            full = path + name
            if self.fs.kind(full) == "dir":
                self.display_all(full + "/")
            else:
                rc |= self.read_setting(full[len(PROC_PATH):])
        return rc

    # ------------------------------------------------------------------ writing
    def parse_setting_line(self, where: str, linenum: int, line: str) -> _Setting | None:
        """parse_setting_line(): ``key = value``, ``-key = value`` (ignore failure),
        comments (``#``, ``;``) and ``-key`` (exclude); None when nothing to do."""
        key = line.lstrip()
        if len(key) < 2 or key[0] in "#;":
            return None
        if not self.matches_pattern(key):
            return None
        ignore_failure = glob_exclude = False
        value: str | None
        if "=" not in key:
            if key[0] != "-":
                self.warnx(f"{where}({linenum}): invalid syntax, continuing...")
                return None
            glob_exclude, key, value = True, key[1:].rstrip(), None
        else:
            key, _, value = key.partition("=")
            if key.startswith("-"):
                ignore_failure, key = True, key[1:]
            value = value.strip()
            key = key.rstrip()
        rel = key[1:] if key.startswith("-") else key
        path = PROC_PATH + self._slashdot(rel, ".", "/")
        return _Setting(key, path, value, ignore_failure, glob_exclude)

    def write_setting(self, s: _Setting) -> int:
        """WriteSetting(): write one value and echo it (unless -q)."""
        suffix = ", ignoring" if s.ignore_failure else ""
        st = self._stat(s.path)
        if isinstance(st, OSError):
            if not self.ignore_error:
                self.warn(f"cannot stat {s.path}", st)
                return 1
            return 0
        if not self._is_proc_path(s.path):
            return 1
        dotted = self._slashdot(s.path[len(PROC_PATH):], "/", ".")
        kind, mode = st
        if not mode & 0o200 or kind == "dir":
            # procps warns with whatever errno realpath() left: EINVAL, and succeeds
            self.warn(f'setting key "{dotted}"', 22)
            return 0
        value = s.value or ""
        if not self.dry_run:
            try:
                self.fs.write(s.path, value + "\n")
            except FileNotFoundError:
                if self.ignore_error:
                    return 0
                self.warnx(f'"{dotted}" is an unknown key{suffix}')
                return 0 if s.ignore_failure else 1
            except PermissionError:
                self.warnx(f'permission denied on key "{dotted}"{suffix}')
                return 0 if s.ignore_failure else 1
            except OSError as err:
                self.warn(f'setting key "{dotted}"', err)
                return 1
        if not self.quiet or self.dry_run:
            if self.name_only:
                self.io.write(f"{value}\n")
            elif self.print_name:
                self.io.write(f"{dotted} = {value}\n")
            else:
                self.io.write(value + ("\n" if self.print_newline else ""))
        return 0

    def write_settings(self, settings: list[_Setting]) -> int:
        """write_setting_list(): every setting but the exclusions (no globbing here)."""
        rc = 0
        for s in settings:
            if not s.glob_exclude:
                rc |= self.write_setting(s)
        return rc

    def preload(self, filename: str, settings: list[_Setting]) -> int:
        """Preload(): read ``key = value`` lines from a file (``-`` is standard input)."""
        if filename == "-":
            text = self.io.stdin
        else:
            try:
                text = self.fs.read(self.fs.resolve(filename, self.io.cwd))
            except OSError as err:
                self.warn(f'cannot open "{filename}"', err)
                return 1
        for n, line in enumerate(text.splitlines(keepends=True), start=1):
            if len(line) < 2:
                continue
            setting = self.parse_setting_line(filename, n, line.rstrip("\n"))
            if setting is not None:
                settings.append(setting)
        return 0

    def preload_system(self, settings: list[_Setting]) -> int:
        """--system: *.conf of the sysctl.d directories (first name wins), then sysctl.conf."""
        found: dict[str, str] = {}
        for directory in SYSTEM_DIRS:
            try:
                names = self.fs.listdir(directory)
            except OSError:
                continue
            for name in names:
                if len(name) >= 5 and name.endswith(".conf") and name not in found:
                    found[name] = f"{directory}/{name}"
        rc = 0
        for name in sorted(found):
            if not self.quiet:
                self.io.write(f"* Applying {found[name]} ...\n")
            rc |= self.preload(found[name], settings)
        if self.fs.is_file(DEFAULT_PRELOAD):
            if not self.quiet:
                self.io.write(f"* Applying {DEFAULT_PRELOAD} ...\n")
            rc |= self.preload(DEFAULT_PRELOAD, settings)
        return rc


SHORT_OPTS = "bneNwfp::qoxaAXr:Vdh"
LONG_OPTS = {"all": "", "deprecated": "", "dry-run": "", "binary": "", "ignore": "",
             "names": "", "values": "", "load": "::", "quiet": "", "write": "", "system": "",
             "pattern": ":", "help": "", "version": ""}
_LONG_TO_SHORT = {"--all": "-a", "--binary": "-b", "--ignore": "-e", "--names": "-N",
                  "--values": "-n", "--load": "-p", "--quiet": "-q", "--write": "-w",
                  "--pattern": "-r", "--help": "-h", "--version": "-V"}


def main(host: Host, argv: list[str], io: Io) -> int:
    """sysctl's main(): options in the order given, then each argument."""
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    run = SysctlRun(host, io, prog=argv[0] if argv else "sysctl")
    if len(argv) < 2:
        io.error(USAGE)
        return 1
    try:
        options, operands = getopt_long(run.prog, argv[1:], SHORT_OPTS, LONG_OPTS)
        bad = None
    except GetoptError as err:
        options, operands, bad = err.options, [], str(err)
    write_mode = display_all = preload = False
    preload_file: str | None = None
    for opt, value in options:
        opt = _LONG_TO_SHORT.get(opt, opt)
        if opt == "-b":
            run.print_newline = run.print_name = False
        elif opt == "-n":
            run.print_name = False
        elif opt == "-e":
            run.ignore_error = True
        elif opt == "-N":
            run.name_only = True
        elif opt == "-w":
            write_mode = True
        elif opt in ("-f", "-p"):
            preload, preload_file = True, value or preload_file
        elif opt == "-q":
            run.quiet = True
        elif opt in ("-a", "-A", "-X"):
            display_all = True
        elif opt == "--deprecated":
            run.ignore_deprecated = False
        elif opt == "--dry-run":
            run.dry_run = True
        elif opt == "--system":
            run.ignore_error = True
            settings: list[_Setting] = []
            rc = run.preload_system(settings)
            return rc | run.write_settings(settings)
        elif opt == "-r":
            run.pattern = value
        elif opt == "-V":
            io.write(VERSION)
            return 0
        elif opt in ("-d", "-h"):
            io.write(USAGE)
            return 0
    if bad is not None:
        io.error(bad)
        io.write(USAGE)  # procps sends '?' to Usage(stdout): exit status 0
        return 0
    if display_all:
        return run.display_all(PROC_PATH) & 0xFF
    if preload:
        settings = []
        rc = 0
        if preload_file is None and not operands:
            rc |= run.preload(DEFAULT_PRELOAD, settings)
        elif preload_file is not None:
            rc |= run.preload(preload_file, settings)
        for name in operands:
            rc |= run.preload(name, settings)
        return (rc | run.write_settings(settings)) & 0xFF
    if not operands:
        io.error(f"{run.prog}: no variables specified\n"
                 f"Try `{run.prog} --help' for more information.\n")
        return 1
    if run.name_only and run.quiet:
        io.error(f"{run.prog}: options -N and -q cannot coexist\n"
                 f"Try `{run.prog} --help' for more information.\n")
        return 1
    status = 0
    for arg in operands:
        if write_mode or "=" in arg:
            setting = run.parse_setting_line("command line", 0, arg)
            status |= run.write_setting(setting) if setting is not None else 1
        else:
            status += run.read_setting(arg)
    return status & 0xFF
