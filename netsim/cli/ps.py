"""``ps``: the host's processes, as procps-ng 4.0.2 (Debian 12) prints them.

The forms a student types::

    ps                     the processes of this terminal (pts/0): bash and ps itself
    ps -ef                 every process, full format: UID PID PPID C STIME TTY TIME CMD
    ps aux                 every process, BSD user format: USER PID %CPU %MEM VSZ RSS ...
    ps -p 1031,1032        those PIDs (also -p1031, --pid 1031, bare PIDs: ps 1031)
    ps -o pid,ppid,cmd     chosen columns (spec:WIDTH and spec=HEADER as procps reads them)

plus ``-e``/``-A``, ``-a``, ``-d``, ``-N``, ``-f``, ``-C NAME``, ``-u``/``-U USER``,
``--ppid``, ``--no-headers``, BSD ``a``, ``u``, ``x``, and ``-V``. Errors are
procps's: ``error: process ID list syntax error`` and the usage lines, status 1.
``ps`` itself appears in its own listing, as the real one does: it runs as a child
of the login shell, on ``pts/0``.

Columns are laid out with procps's own algorithm (``show_one_proc``): each column
has a width, a value wider than its column pushes the rest of the line right, and
later right-aligned columns give back the space they can. ``CMD`` (the last column)
is never cut, since output into a pipe has no screen width.

Values come from :class:`~netsim.user.process.Process`: ``STIME``/``START`` from the
start time on the wall clock of :func:`~netsim.user.process.wall_clock`, ``TIME`` from
the CPU time a program reports (0 for most), ``VSZ``/``RSS`` from its fixed sizes.

Left out: threads (``-L``, ``-T``), forests (``-H``, ``f``), long formats (``-l``,
``-F``, ``-j``), sorting, environment (``e``) and most rarely used columns; these are
refused with a message saying so rather than answered wrongly.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.user.getopt import OPERAND, Getopt, GetoptError
from netsim.user.io import Io
from netsim.user.process import MEM_TOTAL_KB, Process, wall_clock
from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.host import Host

VERSION = "ps from procps-ng 4.0.2\n"
USAGE_TAIL = """
Usage:
 ps [options]

 Try 'ps --help <simple|list|output|threads|misc|all>'
  or 'ps --help <s|l|o|t|m|a>'
 for additional help text.

For more details see ps(1).
"""
HELP = """
Usage:
 ps [options]

Basic options:
 -A, -e               all processes
 -a                   all with tty, except session leaders
  a                   all with tty, including other users
 -d                   all except session leaders
 -N, --deselect       negate selection
  r                   only running processes
  T                   all processes on this terminal
  x                   processes without controlling ttys

For more help run 'ps --help <simple|list|output|threads|misc|all>'
 or 'ps --help <s|l|o|t|m|a>'

For more details see ps(1).
"""

PID_WIDTH = 5  # digits of pid_max (32768): the width procps gives PID columns


class PsError(Exception):
    """A command line procps refuses: its message, printed as ``error: MESSAGE``."""


class NotSimulated(Exception):
    """A real ps option or column netsim does not model."""


# ============================================================================ values
def _clock_hms(seconds: float) -> str:
    """pr_time(): cumulative CPU time as ``[DD-]HH:MM:SS``."""
    t = int(seconds)
    days, t = divmod(t, 86400)
    text = f"{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
    return f"{days}-{text}" if days else text


def _elapsed(seconds: float) -> str:
    """pr_etime(): ``[[DD-]HH:]MM:SS``."""
    t = int(seconds)
    days, t = divmod(t, 86400)
    hours, t = divmod(t, 3600)
    text = f"{t // 60:02d}:{t % 60:02d}"
    if days or hours:
        text = f"{hours:02d}:{text}"
    return f"{days}-{text}" if days else text


def _stime(proc: Process, now: float) -> str:
    """pr_stime(): ``HH:MM`` if started today, ``MonDD`` this year, else the year."""
    try:
        started, today = time.gmtime(wall_clock(proc.start_time)), time.gmtime(wall_clock(now))
    except (OverflowError, ValueError, OSError):  # a clock run past what time_t holds
        return "?"
    if started.tm_year != today.tm_year:
        return time.strftime("%Y", started)
    if started.tm_yday != today.tm_yday:
        return time.strftime("%b%d", started)
    return time.strftime("%H:%M", started)


def _pcpu(proc: Process, now: float) -> int:
    """CPU share over the process's life, in tenths of a percent."""
    life = int(now - proc.start_time)
    return int(proc.cpu_seconds * 1000 / life) if life > 0 else 0


@dataclass(frozen=True)
class Column:
    """One format specifier: header, width, alignment, and how to print a value.

    ``align`` is procps's justification: ``right`` (numbers), ``left`` (TTY, STAT),
    ``user`` (a name, cut to the width with ``+`` when not last) or ``unlimited``
    (COMMAND: cut to the width only when another column follows).
    """

    header: str
    width: int
    align: str
    value: Callable[[Process, float], str] = field(compare=False)


_COLUMNS: dict[str, Column] = {}


def _column(names: str, header: str, width: int, align: str,
            value: Callable[[Process, float], str]) -> None:
    for name in names.split():
        _COLUMNS[name] = Column(header, width, align, value)


_column("pid tgid", "PID", PID_WIDTH, "right", lambda p, now: str(p.pid))
_column("ppid", "PPID", PID_WIDTH, "right", lambda p, now: str(p.ppid))
_column("uid_hack", "UID", 8, "user", lambda p, now: p.user)
_column("user euser uname ruser", "USER", 8, "user", lambda p, now: p.user)
_column("group egroup rgroup", "GROUP", 8, "user", lambda p, now: "root")
_column("uid euid ruid", "UID", 5, "right", lambda p, now: "0")
_column("gid egid rgid", "GID", 5, "right", lambda p, now: "0")
_column("c", "C", 2, "right", lambda p, now: f"{min(_pcpu(p, now) // 10, 99):2d}")
_column("pcpu %cpu", "%CPU", 4, "right",
        lambda p, now: f"{_pcpu(p, now) // 10}.{_pcpu(p, now) % 10}")
def _pmem(proc: Process, now: float) -> str:
    """pr_pmem(): resident memory over MemTotal, ``%2u.%u``."""
    tenths = min(proc.rss_kb * 1000 // MEM_TOTAL_KB, 999)
    return f"{tenths // 10:2d}.{tenths % 10}"


_column("pmem %mem", "%MEM", 4, "right", _pmem)
_column("vsz vsize", "VSZ", 6, "right", lambda p, now: str(p.vsz_kb))
_column("rss rssize rsz", "RSS", 5, "right", lambda p, now: str(p.rss_kb))
_column("tname tty8 longtname", "TTY", 8, "left", lambda p, now: p.tty)
_column("tty tt", "TT", 8, "left", lambda p, now: p.tty)
_column("stat", "STAT", 4, "left", lambda p, now: p.state + p.stat_flags)
_column("s state", "S", 1, "left", lambda p, now: p.state)
_column("stime", "STIME", 5, "right", _stime)
_column("start_time", "START", 5, "right", _stime)
_column("time cputime", "TIME", 8, "right", lambda p, now: _clock_hms(p.cpu_seconds))
_column("bsdtime", "TIME", 6, "right",
        lambda p, now: f"{int(p.cpu_seconds) // 60:3d}:{int(p.cpu_seconds) % 60:02d}")
_column("etime", "ELAPSED", 11, "right", lambda p, now: _elapsed(now - p.start_time))
_column("etimes", "ELAPSED", 7, "right", lambda p, now: str(int(now - p.start_time)))
_column("args command", "COMMAND", 27, "unlimited", lambda p, now: p.args)
_column("cmd", "CMD", 27, "unlimited", lambda p, now: p.args)
_column("comm ucomm", "COMMAND", 15, "unlimited", lambda p, now: p.comm)
_column("ucmd", "CMD", 15, "unlimited", lambda p, now: p.comm)
_column("nlwp thcount", "NLWP", 4, "right", lambda p, now: str(p.threads))
_column("ni nice", "NI", 3, "right", lambda p, now: "0")

# Real procps specifiers netsim does not model: refused as "not simulated".
_KNOWN_ELSEWHERE = frozenset({
    "addr", "blocked", "caught", "cgname", "cgroup", "class", "cls", "drs", "environ", "eip",
    "esp", "f", "flag", "flags", "ignored", "ipcns", "label", "lastcpu", "lim", "lstart",
    "lwp", "lxc", "machine", "maj_flt", "majflt", "min_flt", "minflt", "mntns", "netns",
    "nsignals", "nsigs", "nwchan", "opri", "ouid", "pending", "pgid", "pgrp", "pidns",
    "policy", "pri", "priority", "psr", "rtprio", "sched", "seat", "sess", "session", "sgi_p",
    "sid", "sig", "sig_block", "sig_catch", "sig_ignore", "sig_pend", "sigcatch", "sigignore",
    "sigmask", "size", "slice", "spid", "start", "sz", "tid", "tpgid", "trs", "tsig", "unit",
    "userns", "utsns", "uunit", "wchan", "wname",
})

# The formats behind ps's option letters (procps's macro names in brackets)
FORMAT_SYSV = "pid,tname,time,ucmd"  # [DefSysV] ps, ps -e, ps -p
FORMAT_FULL = "uid_hack,pid,ppid,c,stime,tname,time,cmd"  # [Std_f] ps -f, ps -ef
FORMAT_BSD = "pid,tname,stat,bsdtime,args"  # [DefBSD] ps x, ps ax
FORMAT_USER = "user,pid,pcpu,pmem,vsz,rss,tname,stat,start_time,bsdtime,args"  # [OL_u] aux


@dataclass
class Field:
    """A column as a command line asked for it (width and header may be overridden)."""

    column: Column
    width: int
    header: str


def parse_format(text: str) -> list[Field]:
    """``-o`` text -> fields: items split at commas and blanks, ``spec:WIDTH=HEADER``."""
    if not text:
        raise PsError("format specification must follow -o")
    items = re.split(r"[,\s]", text)
    if items[-1] == "" and text.endswith(","):
        items.pop()  # procps tolerates one trailing comma
    if not items or any(item == "" for item in items):
        raise PsError("improper format list")
    fields = []
    for item in items:
        spec, has_header, header = item.partition("=")
        name, has_width, width_text = spec.partition(":")
        column = _COLUMNS.get(name)
        if column is None:
            if name in _KNOWN_ELSEWHERE:
                raise NotSimulated(f'format specifier "{name}"')
            raise PsError(f'unknown user-defined format specifier "{name}"')
        width = column.width
        if has_width:
            width = _column_width(width_text)
        fields.append(Field(column, width, header if has_header else column.header))
    return fields


def _column_width(text: str) -> int:
    """procps's width check: digits, no leading 0, and atoi() > 0 -- C's atoi, so a
    number past INT_MAX wraps (``4294967297`` is 1) and any longer one is refused."""
    if not (text.isascii() and text.isdigit()) or text.startswith("0"):
        raise PsError("column widths must be unsigned decimal numbers")
    parsed = strtol(text, 10)
    assert parsed is not None
    width = ((parsed.value + (1 << 31)) % (1 << 32)) - (1 << 31)  # (int) of a long
    if width <= 0:
        raise PsError("column widths must be unsigned decimal numbers")
    return width


# ============================================================================ layout
_SPACE_AMOUNT = 144  # procps pads a column with at most this many spaces
def _escaped(text: str) -> str:
    """procps's escape_str(): an unprintable character shows as ``?``."""
    return "".join(c if c.isprintable() else "?" for c in text)


def show_one(cells: list[str], fields: list[Field], header: bool = False) -> str:
    """procps's show_one_proc(): lay one row (or the header) out on a line.

    ``correct`` is where the next column should start, ``actual`` where the text has
    got to. A column's padding is what it needs to get from ``actual`` to where it
    should end; at least one space separates columns. So a too-wide value pushes the
    line right, and later right-aligned columns absorb the excess from their padding.
    Headers are never cut; a name or command in a row is, unless in the last column.
    """
    correct = actual = 0
    dospace = 0
    out = []
    for i, (cell, f) in enumerate(zip(cells, fields, strict=True)):
        last = i == len(fields) - 1
        text = _escaped(cell)
        cut = not (header or last)
        if cut and f.column.align == "unlimited":
            text = text[: f.width]  # max_rightward: a command is cut to its column
        elif cut and f.column.align == "user" and len(text) > f.width:
            text = text[: f.width - 1] + "+" if f.width > 1 else "+"
        leftpad = max(f.width - len(text), 0) if f.column.align == "right" else 0
        space = correct - actual + leftpad
        if space < 1:
            space = dospace
        space = min(space, _SPACE_AMOUNT)
        out.append(" " * space + text)
        if last:
            break
        actual += space + len(text)
        correct += f.width + 1
        dospace = 1
    return "".join(out)


def render(fields: list[Field], procs: list[Process], now: float, headers: bool = True) -> str:
    """The whole listing: the header line (unless every header is empty), then rows."""
    lines = []
    if headers and any(f.header for f in fields):
        lines.append(show_one([f.header for f in fields], fields, header=True))
    for proc in procs:
        lines.append(show_one([f.column.value(proc, now) for f in fields], fields))
    return "".join(line + "\n" for line in lines)


# ============================================================================ options
@dataclass
class Request:
    """What the command line asked for: which processes, which columns."""

    all: bool = False  # -e, -A
    sysv_a: bool = False  # -a: every process with a terminal, but session leaders
    not_leaders: bool = False  # -d: every process but session leaders
    bsd_a: bool = False  # BSD a: lift the "only mine" restriction
    bsd_x: bool = False  # BSD x: lift the "only with a terminal" restriction
    negate: bool = False  # -N
    pids: list[int] = field(default_factory=list)
    ppids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    full: bool = False  # -f
    bsd: bool = False  # any BSD-style option: its default format
    user_format: bool = False  # BSD u
    fields: list[Field] = field(default_factory=list)  # -o
    headers: bool = True

    @property
    def selects(self) -> bool:
        return bool(self.all or self.sysv_a or self.not_leaders or self.bsd_a or self.bsd_x
                    or self.pids or self.ppids or self.names or self.users)


def _list_items(text: str) -> list[str]:
    """procps's parse_list(): items between single blanks, tabs or commas; an empty
    item (two separators, one at either end) is an "improper list"."""
    items = re.split(r"[ ,\t]", text)
    if "" in items:
        raise PsError("improper list")
    return items


def _pid_list(text: str, option: str) -> list[int]:
    """procps's parse_pid() on each item: strtoul in base 0 (``0x1f``, ``010``), the
    whole item, 1..0x7fffffff -- any number of digits costs a scan."""
    if not text:
        raise PsError(f"list of process IDs must follow {option}")
    pids = []
    for item in _list_items(text):
        parsed = strtol(item, 0, unsigned=True)
        if parsed is None or parsed.end != len(item):
            raise PsError("process ID list syntax error")
        if not 0 < parsed.value <= 0x7FFFFFFF:
            raise PsError("process ID out of range")
        pids.append(parsed.value)
    return pids


def _name_list(text: str, what: str, option: str) -> list[str]:
    if not text:
        raise PsError(f"list of {what} must follow {option}")
    return _list_items(text)


def _user_list(text: str, option: str) -> list[str]:
    """procps's parse_uid(): a number (strtoul, base 0) up to 0xfffffffe, or a user
    name; each as its UID in decimal (only root exists here)."""
    uids = []
    for item in _name_list(text, "users", option):
        parsed = strtol(item, 0, unsigned=True)
        if parsed is None or parsed.end != len(item):
            if item != "root":
                raise PsError("user name does not exist")
            uids.append("0")
        elif parsed.value > 0xFFFFFFFE:
            raise PsError("user ID out of range")
        else:
            uids.append(str(parsed.value))
    return uids


_SYSV_SIMPLE = {"e": "all", "A": "all", "a": "sysv_a", "d": "not_leaders", "N": "negate",
                "f": "full", "x": "bsd_x"}
_SYSV_VALUED = "pqoCuUgGst"  # letters that take an argument
_SYSV_IGNORED = "w"  # wide output: every line is whole already
_SYSV_REAL = set("AaCcdeFfGgHjLlMmNnOoPpqsTtUuVwXyZ")  # everything procps accepts
_BSD_REAL = set("aceEfgGhjklLmnNOopqrsStTuUvVwxXZ")


def _apply_valued(req: Request, letter: str, value: str, option: str) -> None:
    if letter in "pq":
        req.pids += _pid_list(value, option)
    elif letter == "o":
        req.fields += parse_format(value)
    elif letter == "C":
        req.names += _name_list(value, "command names", option)
    elif letter in "uU":
        req.users += _user_list(value, option)
    else:
        raise NotSimulated(f"option {option}")


_SHORTOPTS = "-" + "".join(  # in order: BSD words and PIDs come back where they stand
    letter + (":" if letter in _SYSV_VALUED else "")
    for letter in sorted(_SYSV_REAL | set(_SYSV_SIMPLE) | {"V"}))
_LONG_VALUED = ("pid", "ppid", "format", "quick-pid", "user", "User")
_LONG_NOT_SIMULATED = ("sort", "cols", "columns", "width", "lines", "rows", "forest", "headers",
                       "sid", "tty", "group", "Group", "context", "cumulative")
# procps looks long names up whole, and ignores "=..." after one that takes no value
_LONGOPTS = {**{name: "::" for name in ("help", "info", "version", "no-headers", "no-heading",
                                        "no-header", "deselect", *_LONG_NOT_SIMULATED)},
             **{name: ":" for name in _LONG_VALUED}}


def parse_args(args: list[str]) -> Request | str:
    """Read ps's options into a :class:`Request` (or ``"help"``/``"version"``).

    procps reads its words in order, each by its look: ``--name`` (GNU), ``-abc``
    (SysV letters; one that takes a value takes the rest of the word or the next
    word), a bare word of letters (BSD) or of PIDs. The scanning is getopt's,
    in-order (:mod:`netsim.user.getopt`); the errors are procps's own.
    """
    req = Request()
    scan = Getopt("ps", args, _SHORTOPTS, _LONGOPTS, exact=True)
    try:
        for name, value in scan:
            result = _apply_option(req, name, value)
            if result is not None:
                return result
    except GetoptError as err:
        if err.kind == GetoptError.MISSING:  # -p at the end: an empty list
            _apply_valued(req, err.option, "", f"-{err.option}")
            return req
        if err.kind == GetoptError.NEEDS_ARGUMENT:  # --pid at the end
            _apply_long(req, err.option[2:], "")
            return req
        raise PsError("unsupported SysV option" if err.kind == GetoptError.INVALID
                      else "unknown gnu long option") from None
    if scan.dashdash:  # "--" is no option to procps
        raise PsError("unknown gnu long option")
    return req


def _apply_option(req: Request, name: str, value: str | None) -> str | None:
    """One option into ``req``; "help" or "version" when it asks for that."""
    if name.startswith("--"):
        long_name = name[2:]
        if long_name in ("help", "info"):
            return "help"
        if long_name == "version":
            return "version"
        if long_name in ("no-headers", "no-heading", "no-header"):
            req.headers = False
        elif long_name == "deselect":
            req.negate = True
        elif long_name in _LONG_VALUED:
            _apply_long(req, long_name, value or "")
        else:
            raise NotSimulated(f"option {name}")
        return None
    if name == OPERAND:
        _apply_bsd(req, value or "")
        return None
    letter = name[1]
    if letter in _SYSV_SIMPLE:
        setattr(req, _SYSV_SIMPLE[letter], True)
        req.bsd = req.bsd or letter == "x"  # procps takes -x as BSD x
    elif letter in _SYSV_VALUED:
        _apply_valued(req, letter, value or "", name)
    elif letter == "V":
        return "version"
    elif letter not in _SYSV_IGNORED:
        raise NotSimulated(f"option {name}")
    return None


def _apply_long(req: Request, name: str, value: str) -> None:
    if name in ("pid", "quick-pid"):
        req.pids += _pid_list(value, f"--{name}")
    elif name == "ppid":
        req.ppids += _pid_list(value, "--ppid")
    elif name == "format":
        req.fields += parse_format(value)
    else:
        _apply_valued(req, "u", value, f"--{name}")


def _apply_bsd(req: Request, arg: str) -> None:
    """A word without a dash: BSD options (``aux``) or PIDs (``1031,1032``)."""
    if arg[:1].isascii() and arg[:1].isdigit():  # bare PIDs are a BSD-style selection
        req.pids += _pid_list(arg, "p")
        req.bsd = True
        return
    for letter in arg:
        if letter == "a":
            req.bsd_a = True
        elif letter == "x":
            req.bsd_x = True
        elif letter == "u":
            req.user_format = True
        elif letter == "w":
            pass
        elif letter in _BSD_REAL:
            raise NotSimulated(f"BSD option {letter}")
        else:
            raise PsError("unsupported option (BSD syntax)")
    req.bsd = True


# ============================================================================ selection
def select(procs: list[Process], req: Request, me: Process) -> list[Process]:
    """The processes a request lists, by PID.

    With no selection at all, ps shows the caller's own terminal (same user, same
    tty). Selections add up (``-p 1 -C bash`` lists either); BSD ``a`` lifts the
    "only mine" restriction and ``x`` the "only with a terminal" one, so ``ax`` is
    everything and ``x`` alone all of my processes; ``-N`` inverts the choice.
    """

    def chosen(p: Process) -> bool:
        if not req.selects:
            return p.user == me.user and p.tty == me.tty
        leader = "s" in p.stat_flags
        return (req.all
                or (req.bsd_a and req.bsd_x)
                or (req.bsd_a and p.tty != "?")
                or (req.bsd_x and p.user == me.user)
                or (req.sysv_a and p.tty != "?" and not leader)
                or (req.not_leaders and not leader)
                or p.pid in req.pids or p.ppid in req.ppids or p.comm in req.names
                or ("0" in req.users and p.user == "root"))

    return [p for p in procs if chosen(p) != req.negate]


def default_fields(req: Request) -> list[Field]:
    if req.fields:
        return req.fields
    if req.user_format:
        fmt = FORMAT_USER
    elif req.full:
        fmt = FORMAT_FULL
    elif req.bsd:
        fmt = FORMAT_BSD
    else:
        fmt = FORMAT_SYSV
    return parse_format(fmt)


# ============================================================================ main
def main(host: Host, argv: list[str], io: Io) -> int:
    """``ps [options]``: list the host's processes; 1 if none matched or on error."""
    try:
        req = parse_args(argv[1:])
    except PsError as e:
        io.error(f"error: {e}\n{USAGE_TAIL}")
        return 1
    except NotSimulated as e:
        io.error(f"ps: {e} is not simulated by netsim\n")
        return 1
    if req == "version":
        io.write(VERSION)
        return 0
    if req == "help":
        io.write(HELP)
        return 0
    assert isinstance(req, Request)
    table = host.processes
    # ps is a process too: a child of the shell, in the foreground of its terminal
    # unless host.spawn started it (like `ps &`)
    foreground = table.forked is None
    me = table.fork_exec(argv)
    me.state, me.vsz_kb, me.rss_kb = "R", 11_084, 4_480
    me.stat_flags = "+" if foreground else ""
    status = 1
    try:
        chosen = select(table.running(), req, me)
        io.write(render(default_fields(req), chosen, table.now(), req.headers))
        status = 0 if chosen else 1
    finally:
        me.exit(status)
    return status
