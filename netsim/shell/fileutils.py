"""File tools: ls, chmod, touch, mkdir, rm, rmdir, ln, readlink/realpath.

They work on the host's :class:`~netsim.user.fs.VirtualFS`, where everyone is root,
files have no timestamps (``ls -l`` shows one fixed date) and hard links are not
modelled. Messages quote names as GNU coreutils 9 does under a UTF-8 locale.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import time

from netsim.shell.errors import _Usage
from netsim.shell.plumbing import _Ctx, _getopts, _quote_name, _utility
from netsim.user.fs import VirtualFS
from netsim.user.getopt import Getopt, GetoptError


def _chmod_mode(spec: str, old: int, is_dir: bool) -> int | None:
    """Apply ``755`` or ``u+x,go-w`` to a mode; None if ``spec`` is not a mode."""
    if re.fullmatch(r"[0-7]{1,4}", spec):
        return int(spec, 8)
    bits = {"u": {"r": 0o400, "w": 0o200, "x": 0o100, "s": 0o4000},
            "g": {"r": 0o40, "w": 0o20, "x": 0o10, "s": 0o2000},
            "o": {"r": 0o4, "w": 0o2, "x": 0o1, "t": 0o1000}}
    mode = old
    for clause in spec.split(","):
        m = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXst]*)+)", clause)
        if not m:
            return None
        who = m.group(1).replace("a", "ugo") or "ugo"
        umask = 0o022 if not m.group(1) else 0
        for op, perms in re.findall(r"([-+=])([rwxXst]*)", m.group(2)):
            value = 0
            for w in who:
                for p in perms:
                    if p == "X":
                        p = "x" if is_dir or mode & 0o111 else ""
                    if p == "t":
                        value |= 0o1000
                    else:
                        value |= bits[w].get(p, 0)
            value &= ~umask
            if op == "+":
                mode |= value
            elif op == "-":
                mode &= ~value
            else:
                clear = sum(sum(bits[w].values()) for w in who)
                mode = (mode & ~clear) | value
    return mode


# chmod's option string: -R -c -f -v, and every letter a mode may start with, taking the
# rest of its word, so that `chmod -w f` reads the mode -w (GNU chmod's own trick); the
# options end at the first operand
_CHMOD_OPTS = "+Rcfv" + "".join(f"{c}::" for c in "rwxXstugoa,+=01234567")


@_utility("chmod")
def _chmod(ctx: _Ctx, argv: list[str]) -> int:
    scan = Getopt("chmod", argv[1:], _CHMOD_OPTS, {})
    recursive = False
    mode: list[str] = []
    try:
        for name, _value in scan:
            if name == "-R":
                recursive = True
            elif name not in ("-c", "-f", "-v"):
                mode.append(scan.args[scan.optind - 1])  # the mode is its whole word
                break  # and every later word an operand
    except GetoptError as err:
        raise _Usage(str(err).rstrip("\n")) from None
    args = mode + scan.operands
    if not args:
        raise _Usage("chmod: missing operand")
    spec, files = args[0], args[1:]
    if not files:
        raise _Usage(f"chmod: missing operand after ‘{spec}’")
    if _chmod_mode(spec, 0, False) is None:
        raise _Usage(f"chmod: invalid mode: ‘{spec}’")
    status = 0
    fs = ctx.sh.fs
    for name in files:
        path = ctx.path(name)
        if not fs.exists(path):
            status = ctx.fail(f"chmod: cannot access {_quote_name(name)}: "
                              "No such file or directory")
            continue
        targets = _walk(fs, path) if recursive else [path]
        for target in targets:
            mode = _chmod_mode(spec, fs.mode(target), fs.is_dir(target)) or 0
            try:
                fs.chmod(target, mode)
            except OSError as e:
                status = ctx.fail(f"chmod: changing permissions of {_quote_name(name)}: "
                                  f"{os.strerror(e.errno or errno.EIO)}")
    return status


def _walk(fs: VirtualFS, path: str) -> list[str]:
    """``path`` and, for a real directory, everything below it."""
    found = [path]
    if fs.is_dir(path) and not fs.is_symlink(path):
        for name in fs.listdir(path):
            found.extend(_walk(fs, f"{path.rstrip('/')}/{name}"))
    return found


@_utility("touch")
def _touch(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("touch", argv[1:], flags="cam")
    if not files:
        raise _Usage("touch: missing file operand")
    status = 0
    for name in files:
        path = ctx.path(name)
        if ctx.sh.fs.exists(path) or "c" in opts:
            continue
        try:
            ctx.sh.fs.write(path, "", append=True)
        except OSError as e:
            status = ctx.fail(f"touch: cannot touch {_quote_name(name)}: "
                              f"{os.strerror(e.errno or errno.EIO)}")
    return status


@_utility("mkdir")
def _mkdir(ctx: _Ctx, argv: list[str]) -> int:
    opts, dirs = _getopts("mkdir", argv[1:], flags="pv", valued="m")
    if not dirs:
        raise _Usage("mkdir: missing operand")
    mode = _chmod_mode(opts["m"][-1], 0o755, True) if "m" in opts else None
    if "m" in opts and mode is None:
        return ctx.fail(f"mkdir: invalid mode ‘{opts['m'][-1]}’")
    status = 0
    for name in dirs:
        path = ctx.path(name)
        try:
            ctx.sh.fs.mkdir(path, parents="p" in opts)
            if mode is not None:
                ctx.sh.fs.chmod(path, mode)
        except OSError as e:
            status = ctx.fail(f"mkdir: cannot create directory ‘{name}’: "
                              f"{os.strerror(e.errno or errno.EIO)}")
    return status


@_utility("rm")
def _rm(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("rm", argv[1:], flags="rRfivd")
    force = "f" in opts
    recursive = "r" in opts or "R" in opts
    if not files:
        if force:
            return 0
        raise _Usage("rm: missing operand")
    status = 0
    for name in files:
        path = ctx.path(name)
        if path == "/" and recursive:
            ctx.err("rm: it is dangerous to operate recursively on '/'\n"
                    "rm: use --no-preserve-root to override this failsafe\n")
            status = 1
            continue
        try:
            ctx.sh.fs.remove(path, recursive=recursive)
        except OSError as e:
            if force and e.errno == errno.ENOENT:
                continue
            status = ctx.fail(f"rm: cannot remove {_quote_name(name)}: "
                              f"{os.strerror(e.errno or errno.EIO)}")
    return status


@_utility("rmdir")
def _rmdir(ctx: _Ctx, argv: list[str]) -> int:
    _opts, dirs = _getopts("rmdir", argv[1:], flags="pv")
    if not dirs:
        raise _Usage("rmdir: missing operand")
    status = 0
    fs = ctx.sh.fs
    for name in dirs:
        path = ctx.path(name)
        if not fs.exists(path) and not fs.is_symlink(path):
            reason = "No such file or directory"
        elif not fs.is_dir(path) or fs.is_symlink(path):
            reason = "Not a directory"
        elif fs.listdir(path):
            reason = "Directory not empty"
        else:
            try:
                fs.remove(path, recursive=True)
                continue
            except OSError as e:
                reason = os.strerror(e.errno or errno.EIO)
        status = ctx.fail(f"rmdir: failed to remove {_quote_name(name)}: {reason}")
    return status


def _perm_string(kind: str, mode: int) -> str:
    """``drwxr-xr-x`` from a kind and mode bits, with s/S/t/T for the special bits."""
    chars = []
    for shift, special, letter in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        r, w, x = (mode >> shift) & 4, (mode >> shift) & 2, (mode >> shift) & 1
        xc = "x" if x else "-"
        if mode & special:
            xc = letter if x else letter.upper()
        chars.append(("r" if r else "-") + ("w" if w else "-") + xc)
    return {"dir": "d", "link": "l", "device": "c"}.get(kind, "-") + "".join(chars)


_LS_DATE = "Jan  1 00:00"  # files have no timestamps here: one fixed date for all
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ls_date(mtime: float | None) -> str:
    """``Jan  1 09:50``: a recent time as ``ls -l`` shows it (UTC); None: the fixed date."""
    if mtime is None:
        return _LS_DATE
    t = time.gmtime(mtime)
    return f"{_MONTHS[t.tm_mon - 1]} {t.tm_mday:2d} {t.tm_hour:02d}:{t.tm_min:02d}"


def _ls_long(fs: VirtualFS, entries: list[tuple[str, str]]) -> tuple[list[str], int]:
    """``ls -l`` lines for (shown name, path) pairs, and the "total" in 1K blocks."""
    rows = []
    blocks = 0
    for shown, path in entries:
        kind = fs.kind(path, follow=False) or "file"
        name = shown
        if kind == "link":
            target = fs.readlink(path)
            perms = _perm_string("link", fs.mode(path, follow=False))
            links, size = 1, str(fs.size(path, follow=False))
            name = f"{shown} -> {target}"
        elif kind == "dir":
            subdirs = 0
            with contextlib.suppress(OSError):
                subdirs = sum(fs.is_dir(f"{path.rstrip('/')}/{n}") for n in fs.listdir(path))
            virtual = fs.mounted(path)  # sysfs/procfs directories take no disk blocks
            perms, links = _perm_string("dir", fs.mode(path)), 2 + subdirs
            size = "0" if virtual else "4096"
            blocks += 0 if virtual else 4
        elif kind == "device":
            perms, links, size = _perm_string("device", fs.mode(path)), 1, "1, 3"
        else:
            byte_size = 0
            with contextlib.suppress(OSError):
                byte_size = fs.size(path)
            perms, links, size = _perm_string("file", fs.mode(path)), 1, str(byte_size)
            blocks += 0 if fs.mounted(path) else -(-byte_size // 4096) * 4
        rows.append((perms, str(links), size, _ls_date(fs.mtime(path)), name))
    w_links = max((len(r[1]) for r in rows), default=1)
    w_size = max((len(r[2]) for r in rows), default=1)
    lines = [f"{p} {n.rjust(w_links)} root root {s.rjust(w_size)} {d} {name}"
             for p, n, s, d, name in rows]
    return lines, blocks


@_utility("ls", usage_status=2)
def _ls(ctx: _Ctx, argv: list[str]) -> int:
    """``ls [-l] [-a] [-A] [-d] [-1]``: one name per line, as ls does into a pipe."""
    opts, operands = _getopts("ls", argv[1:], flags="laAd1hFrt")
    fs = ctx.sh.fs
    long = "l" in opts
    files: list[tuple[str, str]] = []
    dirs: list[tuple[str, str]] = []
    status = 0
    for name in operands or ["."]:
        path = ctx.path(name)
        kind = fs.kind(path)
        if kind is None and not fs.is_symlink(path):
            status = ctx.fail(f"ls: cannot access {_quote_name(name)}: No such file or directory",
                              2)
            continue
        if name.endswith("/") and kind == "dir":
            with contextlib.suppress(OSError):
                path = fs.realpath(path)
        # `ls -l link` shows the link itself; `ls -l link/` the directory it points to.
        as_file = kind != "dir" or "d" in opts or (
            long and fs.is_symlink(path) and not name.endswith("/"))
        (files if as_file else dirs).append((name, path))
    blocks: list[list[str]] = []
    if files:
        files.sort()
        blocks.append(_ls_long(fs, files)[0] if long else [n for n, _ in files])
    for name, path in sorted(dirs):
        names = fs.listdir(path)
        if "a" in opts:
            names = [".", "..", *names]
        elif "A" not in opts:
            names = [n for n in names if not n.startswith(".")]
        if "r" in opts:
            names.reverse()
        entries = [(n, fs.resolve(n, path)) for n in names]
        lines = []
        if long:
            rows, total = _ls_long(fs, entries)
            lines = [f"total {total}", *rows]
        else:
            lines = names
        if len(operands) > 1 or files or status:
            lines = [f"{name}:", *lines]
        blocks.append(lines)
    ctx.out("\n".join("".join(line + "\n" for line in block) for block in blocks))
    return status


@_utility("readlink", "realpath")
def _readlink(ctx: _Ctx, argv: list[str]) -> int:
    opts, names = _getopts(argv[0], argv[1:], flags="femnqsvz")
    canonical = "f" in opts or "e" in opts or "m" in opts or argv[0] == "realpath"
    status = 0
    for name in names:
        try:
            path = ctx.path(name)
            result = ctx.sh.fs.realpath(path) if canonical else ctx.sh.fs.readlink(path)
            if "e" in opts and not ctx.sh.fs.exists(path):
                raise FileNotFoundError(errno.ENOENT, "")
        except OSError as e:
            if argv[0] == "realpath":
                ctx.err(f"realpath: {name}: {os.strerror(e.errno or errno.EIO)}\n")
            status = 1
            continue
        ctx.out(result + "\n")
    return status


@_utility("ln")
def _ln(ctx: _Ctx, argv: list[str]) -> int:
    """``ln -s TARGET LINK`` (hard links are not modelled)."""
    opts, args = _getopts("ln", argv[1:], flags="sfnvT")
    if "s" not in opts:
        return ctx.fail("ln: hard links are not modelled in netsim; use ln -s")
    if not args:
        raise _Usage("ln: missing file operand")
    target = args[0]
    link = args[1] if len(args) > 1 else target.rstrip("/").rsplit("/", 1)[-1]
    fs = ctx.sh.fs
    path = ctx.path(link)
    if fs.is_dir(path) and "n" not in opts and "T" not in opts:
        path = fs.resolve(target.rstrip("/").rsplit("/", 1)[-1], path)
    try:
        if "f" in opts and (fs.exists(path) or fs.is_symlink(path)) and not fs.is_dir(path):
            fs.remove(path)
        fs.symlink(target, path)
    except OSError as e:
        return ctx.fail(f"ln: failed to create symbolic link {_quote_name(link)}: "
                        f"{os.strerror(e.errno or errno.EIO)}")
    return 0
