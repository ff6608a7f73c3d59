"""The properties, as functions that return problems instead of raising, and the sweep.

A fuzzing test calls :func:`sweep` with a strategy and a check; every case runs (no
early stop at the first failure), and the problems come back grouped by signature
(:func:`group`) with a shortened reproducer per group (:func:`minimize`), so one run
lists every distinct failure, not just the first.

Properties of a command line run by ``h1.sh(line)`` on a fresh lab
(:func:`check_line`, its ``props``):

``raises``     sh() raises nothing; the status is an int in 0..255; stdout and stderr
               are strings
``internal``   no "internal error" and no "Traceback" on stdout or stderr
``slow``       the call takes under :data:`WALL_LIMIT` seconds of wall time
``silent``     a failing single command says something (stdout or stderr), unless it
               is one of those that fail silently on Linux too (:data:`SILENT_OK`,
               :func:`silent_on_linux_too`)
``world``      a failing single command (:func:`~sturdy_strategies.is_single_command`)
               leaves :func:`~sturdy_lab.snapshot` as it was, except for the
               partial applications :func:`documented_partial` allows

Properties of frames (:func:`check_frames`): writing them on tap0's fd or delivering
them from the cable raises nothing (a tap write of fewer than 14 bytes is refused
with EINVAL, as Linux refuses it), takes under :data:`WALL_LIMIT`, and afterwards the
lab still works: once what the frames taught it is forgotten (FDB entries aged out
after 301 simulated seconds, ``ip neigh flush all`` on both hosts) h1 pings h2 and h2
pings h1.
"""

from __future__ import annotations

import errno
import os
import re
import resource
import signal
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import corpus
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from sturdy_lab import build_lab, snapshot, world_diff
from sturdy_strategies import is_single_command, tokens_of

# Hypothesis keeps caches (unicode tables, constants) in ./.hypothesis even without an
# example database: keep them out of the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "netsim-sturdy-hypothesis")

WALL_LIMIT = 5.0
STOP_AFTER = 12.0  # a call still running after this is stopped (a runaway would stall CI)
MEMORY_CAP = 3 << 30  # and one may allocate this much: past it, MemoryError (a finding)
ALL_PROPS = frozenset({"raises", "internal", "slow", "silent", "world"})

# Commands that fail without a word on Linux too: their status is the answer.
SILENT_OK = {
    "grep", "egrep", "fgrep",       # no line matched: 1
    "test", "[", "[[", "false", "!",  # a condition that is false
    "read",                         # end of input: 1
    "exit", "return",               # the status asked for
    "shift",                        # count > $#: 1, silent unless shopt shift_verbose
    "wait",                         # the status of what it waited for
    "which",                        # not found: 1
    "command",                      # command -v NAME: not found is 1, silent
    "let", "((",                    # the last expression was 0
    "awk", "gawk", "mawk",          # exit N in the program
    "sh", "bash", "dash", "eval", "source", ".", "exec", "env", "printenv",  # what they ran
    "dhclient",                     # ISC dhclient is quiet on stderr unless -v
    "break", "continue",            # outside a loop: 0 in bash, but a status anyway
    "sort",                         # sort -c reports disorder only without -C/-c quiet forms
    "ps",                           # no process matched: 1 (the header goes to stdout)
    "readlink",                     # GNU readlink without -v: not a link, no such file: 1
}


def silent_on_linux_too(tool: str, line: str) -> bool:
    """Whether Linux's own tool fails without a word on this line."""
    if tool in SILENT_OK:
        return True
    if tool == "sysctl":
        # procps-ng 4.0.2's parse_setting_line() drops a setting whose key is shorter
        # than 2 characters without a word, and the status is 1 (checked on the real
        # tool: `sysctl -w 3`, `sysctl =`, `sysctl -q -w ''`)
        # (`sysctl -w $'\0'`: bash's $'...' ends at the NUL, so the key is '' too)
        words, _ = tokens_of(line)
        # (tokens_of() has taken the quotes off: $'\0' arrives as $\0)
        keys = [w[1:].split("\\0")[0] if w.startswith("$") else w
                for w in words[1:] if not w.startswith("-")]
        return any(len(k.partition("=")[0].strip()) < 2 for k in keys)
    return False


@dataclass
class Problem:
    """One property broken by one case."""

    prop: str            # raises, internal, slow, silent, world, frame
    family: str
    case: object         # the command line, or the frame list
    detail: str          # what happened, in words
    signature: str       # the same signature = the same failure (for grouping)
    extra: list[str] = field(default_factory=list)  # world diff lines, traceback tail


# ============================================================================ one line
@dataclass
class Outcome:
    line: str
    returncode: object = None
    stdout: object = ""
    stderr: object = ""
    exception: BaseException | None = None
    where: str = ""       # the deepest netsim frame of the exception
    wall: float = 0.0
    diff: dict[str, list[str]] = field(default_factory=dict)
    before: dict | None = None
    after: dict | None = None
    stopped: bool = False  # still running after STOP_AFTER seconds: interrupted


class Stopped(BaseException):
    """Raised by the alarm in a call that ran past :data:`STOP_AFTER` (a BaseException,
    so that no ``except Exception`` in netsim turns it into a status)."""


@contextmanager
def stop_after(seconds: float, memory: int = MEMORY_CAP):
    """Interrupt the block with :class:`Stopped` after ``seconds`` of wall time (SIGALRM),
    and let it allocate at most ``memory`` more bytes (RLIMIT_AS: past it, Python raises
    MemoryError where it allocates). In the main thread only -- elsewhere unbounded."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum, frame):
        raise Stopped(f"stopped after {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, ring)
    old_limit = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + memory
    if old_limit[1] == resource.RLIM_INFINITY or cap < old_limit[1]:
        resource.setrlimit(resource.RLIMIT_AS, (cap, old_limit[1]))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        resource.setrlimit(resource.RLIMIT_AS, old_limit)


def _address_space() -> int:
    """This process's virtual memory size in bytes (/proc/self/statm)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def run_line(line: str) -> Outcome:
    """``h1.sh(line)`` on a fresh lab, with the world read before and after."""
    lab = build_lab()
    h1 = lab.hosts["h1"]
    out = Outcome(line)
    out.before = snapshot(lab)
    start = time.perf_counter()
    try:
        with stop_after(STOP_AFTER):
            result = h1.sh(line)
        out.returncode, out.stdout, out.stderr = result.returncode, result.stdout, result.stderr
    except KeyboardInterrupt:
        raise
    except Stopped:
        out.wall = time.perf_counter() - start
        out.stopped = True
        return out  # the lab is mid-way through the call: its world says nothing
    except BaseException as error:  # noqa: BLE001 -- any way out of sh() is the finding
        out.exception = error
        out.where = deepest_netsim_frame(error)
    out.wall = time.perf_counter() - start
    try:
        out.after = snapshot(lab)
        out.diff = world_diff(out.before, out.after)
    except Exception as error:  # the world itself is broken: say so as a change
        out.diff = {"snapshot": [f"snapshot() raised {type(error).__name__}: {error}"]}
    return out


def deepest_netsim_frame(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/netsim/" in f.filename]
    if not frames:
        return "(outside netsim)"
    f = frames[-1]
    return f"{f.filename.split('/netsim/', 1)[1]}:{f.lineno} in {f.name}"


@contextmanager
def _debug_mode():
    """NETSIM_DEBUG: the shell re-raises a program's Python error instead of printing
    "internal error", so the traceback says where it came from."""
    old = os.environ.get("NETSIM_DEBUG")
    os.environ["NETSIM_DEBUG"] = "1"
    try:
        yield
    finally:
        if old is None:
            del os.environ["NETSIM_DEBUG"]
        else:
            os.environ["NETSIM_DEBUG"] = old


def internal_error_origin(line: str) -> str:
    """Where the Python error behind an "internal error" message was raised."""
    lab = build_lab()
    try:
        with _debug_mode(), stop_after(STOP_AFTER):
            lab.hosts["h1"].sh(line)
    except KeyboardInterrupt:
        raise
    except Stopped:
        return "(stopped under NETSIM_DEBUG)"
    except BaseException as error:  # noqa: BLE001
        return f"{type(error).__name__} at {deepest_netsim_frame(error)}"
    return "(not raised again under NETSIM_DEBUG)"


def tool_of(line: str) -> str:
    """The command's name: the first word after assignments, its basename."""
    words, _ = tokens_of(line)
    for word in words:
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*\+?=", word):
            continue
        return word.rsplit("/", 1)[-1] if "/" in word and not word.endswith("/") else word
    return ""


def subcommand_of(line: str) -> str:
    """The first word after the tool that looks like a subcommand or option (for grouping)."""
    words, _ = tokens_of(line)
    for word in words[1:3]:
        if re.fullmatch(r"-{0,2}[A-Za-z][A-Za-z0-9_-]{0,20}", word):
            return word
    return ""


def check_line(line: str, props: Iterable[str] = ALL_PROPS) -> list[Problem]:
    props = set(props)
    out = run_line(line)
    return problems_of(out, props)


def problems_of(out: Outcome, props: set[str]) -> list[Problem]:
    line = out.line
    family = corpus.family_of(line)
    tool, sub = tool_of(line), subcommand_of(line)
    problems: list[Problem] = []

    def add(prop: str, detail: str, signature: str, extra: list[str] | None = None) -> None:
        problems.append(Problem(prop, family, line, detail, signature, extra or []))

    if out.stopped:
        if "slow" in props:
            add("slow", f"still running after {out.wall:.1f} s of wall time: stopped",
                f"slow: {family} {sub}")
        return problems
    if "raises" in props:
        if out.exception is not None:
            err = out.exception
            add("raises", f"sh() raised {type(err).__name__}: {_cut(str(err))}",
                f"raises {type(err).__name__} at {out.where}")
        else:
            rc = out.returncode
            if type(rc) is not int or not 0 <= rc <= 255:
                add("raises", f"status {rc!r} is not an int in 0..255",
                    f"bad status {family} {tool}")
            if not isinstance(out.stdout, str) or not isinstance(out.stderr, str):
                add("raises", "stdout/stderr are not strings", f"bad output type {family}")
    text = f"{out.stdout}\n{out.stderr}" if out.exception is None else ""
    if "internal" in props and isinstance(text, str):
        match = re.search(r"internal error|Traceback", text)  # no [^\n]* around it:
        if match:                                              # quadratic on long lines
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            said = text[start:end if end >= 0 else len(text)]
            origin = internal_error_origin(line)
            message = re.sub(r"\d+", "N", said[:200])[:120]
            add("internal", _cut(said), f"internal error: {origin}", [f"message: {message}"])
    if "slow" in props and out.wall > WALL_LIMIT:
        add("slow", f"{out.wall:.2f} s of wall time (status {out.returncode})",
            f"slow: {family} {sub}")
    failed = out.exception is None and out.returncode != 0
    # (single commands only: a list's status may come from a part that fails silently
    # by design, `set -e; (false); echo x`, `grep -q x f && y`)
    if ("silent" in props and failed and not text.strip() and is_single_command(line)
            and not silent_on_linux_too(tool, line) and not tool.startswith("(")):
        add("silent", f"status {out.returncode} with nothing on stdout or stderr",
            f"silent failure: {tool} {sub} rc={out.returncode}")
    if "world" in props and failed and out.diff and is_single_command(line):
        allowed = documented_partial(line, out.before, out.after)
        if allowed is None:
            sections = ", ".join(sorted(k.split("/", 1)[-1] for k in out.diff))
            extra = [f"{k}: {row}" for k, rows in out.diff.items() for row in rows[:6]]
            add("world", f"status {out.returncode}, yet changed: {sections}; "
                         f"stderr: {_cut(str(out.stderr).strip(), 200)}",
                f"world changed: {tool} {sub} -> {sections}", extra)
    return problems


# ============================================================================ allow-list
def documented_partial(line: str, before: dict | None, after: dict | None) -> str | None:
    """Why a failing command may have changed the world (the real tool applies part of
    it before it fails), or None when it may not. Each rule keeps the change to what
    the documented behaviour touches."""
    if before is None or after is None:
        return None
    words, _ = tokens_of(line)
    tool = tool_of(line)
    operands = [w for w in words[1:] if not w.startswith("-")]
    changed = {key.split("/", 1)[-1] for key in world_diff(before, after)}

    # sysctl (procps) reads or writes each argument on its own, in order: one that fails
    # gives status 255 and the others stay written; -p/--system load files line by line.
    if tool == "sysctl" and changed <= {"sysctl"}:
        loads = any(w in ("-p", "--load", "--system") or w.startswith(("-p", "--load="))
                    for w in words[1:])
        if len(operands) >= 2 or loads:
            return "sysctl applies its arguments one by one"

    # brctl addif/delif take several interfaces and do them in order, stopping at the
    # first that fails (bridge-utils brctl_cmd.c): the ones before stay added/removed.
    if (tool == "brctl" and len(words) >= 5 and words[1] in ("addif", "delif")
            and changed <= {"devices", "fdb"}):
        return f"brctl {words[1]} works through its interfaces in order"

    # A DHCP client configures its interface before it asks for a lease, lease or no
    # lease: dhclient-script PREINIT brings the link up; udhcpc's default.script
    # `deconfig` brings it up and flushes its IPv4 addresses and routes (and the kernel
    # then forgets the device's neighbours, permanent ones too, with its last address);
    # dhclient -r/-x releases (flushes) the address. Only the interfaces the line names
    # (udhcpc's default eth0; dhclient without one: every interface) may change so.
    if tool in ("dhclient", "udhcpc") and changed <= {"devices", "fdb", "routes",
                                                      "addresses", "neighbours"}:
        names = set(words[1:])
        if tool == "udhcpc" and not any(w.startswith(("-i", "--interface")) for w in words):
            names.add("eth0")
        if tool == "dhclient" and not [w for w in operands if w in _devices_of(before)]:
            names |= _devices_of(before)
        if _only_interfaces_configured(before, after, names):
            return f"{tool} configures its interface before it asks for a lease"

    # The kernel's br_setport() sets a port's flags (learning, flood, hairpin...) before
    # it checks cost, priority and state, and does not undo them when those fail:
    # `bridge link set dev eth0 learning off cost 70000` leaves learning off with status
    # 255 on Linux 6.18 (checked; netsim's bridge/netlink.py models it so). Only the
    # port settings of the device the line names may change.
    if ((tool == "bridge" and words[1:3] == ["link", "set"]
         or tool == "ip" and "bridge_slave" in words) and changed <= {"devices"}
            and _only_port_settings(before, after, set(words))):
        return "br_setport() sets the port flags before it checks cost, priority, state"

    # kill signals each PID in turn: one that does not exist fails the command, the
    # others are signalled (util-linux and bash's builtin alike).
    if tool == "kill" and changed <= {"processes"} and len(operands) >= 2:
        return "kill signals its PIDs one by one"

    # A ping that sends and then fails (no reply, an error) changes only what traffic
    # teaches -- learned neighbours and FDB entries, which the snapshot leaves out -- so
    # it needs no rule here. Neither does a daemon a command legitimately left running:
    # the commands that start one (dnsmasq, a background udhcpc, qemu -daemonize) succeed.
    return None


def _only_port_settings(before: dict, after: dict, names: set[str]) -> bool:
    for key in before:
        if before[key] == after.get(key):
            continue
        if not key.endswith("/devices") or set(before[key]) != set(after[key]):
            return False
        for name, row in before[key].items():
            a, b = dict(row), dict(after[key][name])
            differ = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
            if differ and (name not in names or differ != {"port"}):
                return False
    return True


def _devices_of(snap: dict) -> set[str]:
    return {name for key, rows in snap.items() if key.endswith("/devices") for name in rows}


def _only_interfaces_configured(before: dict, after: dict, names: set[str]) -> bool:
    """Whether every change is a DHCP client's configuring of one of ``names``: the link
    up (flags, port state, the multicast groups an up device joins), its addresses and
    the routes through it gone, its neighbours gone, kernel routes come or gone."""
    for key in before:
        section = key.partition("/")[2]
        old, new = before[key], after.get(key)
        if old == new:
            continue
        if section == "devices":
            if set(old) != set(new):
                return False
            for name in old:
                a, b = dict(old[name]), dict(new[name])
                differ = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
                if differ and (name not in names or differ - {"flags", "port"}):
                    return False
        elif section == "fdb":
            if not old <= new or any(not row[3] or not int(row[1][:2], 16) & 1
                                     for row in new - old):
                return False  # only multicast groups joined by a device coming up
        elif section in ("addresses", "neighbours"):
            if not new <= old or any(row[0] not in names for row in old - new):
                return False  # only removals, on the interfaces named
        elif section == "routes":
            if any(row[4] != "kernel" and (row in new or row[2] not in names)
                   for row in old ^ new):
                return False
        else:
            return False
    return True


# ============================================================================ frames
def write_frame(lab, entry: str, data: bytes) -> None:
    """A frame into the lab: written on tap0's fd, or arriving from the cable."""
    if entry == "tap":
        lab.tap_file.write(data)
        return
    h1eth0, h2eth0 = lab.hosts["h1"].ns.get("eth0"), lab.hosts["h2"].ns.get("eth0")
    receiver = h1eth0 if entry == "wire-h1" else h2eth0
    sender = receiver.cable_peer
    if len(data) < 60:  # every transmitter pads a short frame to the minimum (ETH_ZLEN)
        data += bytes(60 - len(data))
    receiver.cable.transmit(sender, data, lab.new_frame_id())


def check_frames(case: list[tuple[str, bytes]]) -> list[Problem]:
    return _check_frames(build_lab(hold_tap=True), case)


def _check_frames(lab, case: list[tuple[str, bytes]]) -> list[Problem]:
    problems: list[Problem] = []

    def add(detail: str, signature: str, extra: list[str] | None = None) -> None:
        problems.append(Problem("frame", "frames", case, detail, signature, extra or []))

    for index, (entry, data) in enumerate(case):
        start = time.perf_counter()
        try:
            with stop_after(STOP_AFTER):
                write_frame(lab, entry, data)
                lab.run(0.05)
        except Stopped:
            add(f"frame {index} ({entry}): still running after {STOP_AFTER:.0f} s: stopped",
                f"frame slow: {entry}", [f"frame {index}: {data[:80].hex()}"])
            return problems
        except OSError as error:
            if not (entry == "tap" and len(data) < 14 and error.errno == errno.EINVAL):
                add(f"frame {index} ({entry}, {len(data)} bytes): OSError {error}",
                    f"frame {entry}: OSError errno {error.errno}")
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001
            where = deepest_netsim_frame(error)
            add(f"frame {index} ({entry}, {len(data)} bytes): {type(error).__name__}: "
                f"{_cut(str(error))}", f"frame raises {type(error).__name__} at {where}",
                [f"frame {index}: {data[:80].hex()}"])
            return problems  # the lab may be half-way through an event: stop here
        wall = time.perf_counter() - start
        if wall > WALL_LIMIT:
            add(f"frame {index} ({entry}): {wall:.2f} s of wall time", f"frame slow: {entry}")
    try:
        with stop_after(STOP_AFTER):
            lab.run(301)  # dynamic FDB entries age out (300 s)
        for name, target in (("h1", "10.0.0.2"), ("h2", "10.0.0.1")):
            host = lab.hosts[name]
            with stop_after(STOP_AFTER):
                result = host.sh(f"ip neigh flush all; ping -c 1 -W 1 {target}")
            if result.returncode != 0 or "internal error" in result.stdout + result.stderr:
                add(f"afterwards {name} cannot ping {target}: status {result.returncode}, "
                    f"{_cut((result.stdout + result.stderr).strip(), 300)}",
                    f"frames broke the lab: {name} -> {target}")
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001
        add(f"afterwards: {type(error).__name__}: {_cut(str(error))}",
            f"after frames raises {type(error).__name__} at {deepest_netsim_frame(error)}")
    return problems


# ============================================================================ sweeping
def sweep_settings(max_examples: int) -> settings:
    """A fixed-seed run of exactly the generate phase: no shrinking (the report groups
    and shortens on its own), no example database, no deadline (the wall-time limit
    is a property of its own)."""
    return settings(max_examples=max_examples, derandomize=True, database=None,
                    deadline=None, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck), print_blob=False,
                    report_multiple_bugs=False, verbosity=Verbosity.quiet)


@dataclass
class SweepResult:
    cases: int
    problems: list[Problem]
    seconds: float
    walls: list[float] = field(default_factory=list)
    families: Counter = field(default_factory=Counter)  # lines checked, per family

    def __repr__(self) -> str:  # short: pytest prints it when an assertion fails
        return (f"<SweepResult {self.cases} cases, {len(self.problems)} problems, "
                f"{self.seconds:.1f} s>")

    def only(self, prop: str) -> SweepResult:
        """The same sweep with only the problems of one property."""
        return SweepResult(self.cases, [p for p in self.problems if p.prop == prop],
                           self.seconds, self.walls, self.families)

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(self.cases + other.cases, self.problems + other.problems,
                           self.seconds + other.seconds, self.walls + other.walls,
                           self.families + other.families)


def save_report(name: str, text: str) -> None:
    """Append a slow run's report to the file named by $STURDY_REPORT, if set (the
    report is also printed: ``pytest -m slow -s`` shows it)."""
    path = os.environ.get("STURDY_REPORT")
    if path:
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as out:
            out.write(f"## {name}\n\n{text}\n\n")


def assert_no_problems(result: SweepResult, **report_options) -> None:
    """Fail with the grouped report (pytest.fail: no introspection of huge cases)."""
    import pytest

    if result.problems:
        pytest.fail(report(result, **report_options), pytrace=False)


def sweep(strategy: st.SearchStrategy, check: Callable[[object], list[Problem]],
          cases: int, max_examples: int | None = None) -> SweepResult:
    """Run ``check`` on the first ``cases`` distinct cases of a fixed-seed draw (at most
    ``max_examples`` draws, by default twice ``cases``: Hypothesis draws some cases more
    than once); collect every problem. ``cases`` in the result counts the cases checked."""
    wanted = cases
    problems: list[Problem] = []
    walls: list[float] = []
    families: Counter = Counter()
    seen: set[str] = set()
    progress = os.environ.get("STURDY_PROGRESS")
    start = time.perf_counter()

    @sweep_settings(max_examples or 3 * cases)
    @given(strategy)
    def run(case: object) -> None:
        if len(walls) >= wanted:
            raise _Enough  # stops the draws (each costs ~10 ms of generation)
        key = repr(case)
        if key in seen:  # Hypothesis draws some cases twice: check each once
            return
        seen.add(key)
        if progress:  # the case about to run, for when a run dies (the OOM killer)
            with open(progress, "w", encoding="utf-8", errors="backslashreplace") as out:
                out.write(key[:20_000])
        if isinstance(case, str):
            families[corpus.family_of(case)] += 1
        t = time.perf_counter()
        problems.extend(check(case))
        walls.append(time.perf_counter() - t)

    with suppress(_Enough):
        run()
    return SweepResult(len(walls), problems, time.perf_counter() - start, walls, families)


class _Enough(Exception):
    """Raised by a sweep's test function once it has checked enough cases: Hypothesis
    takes it for a failure and stops drawing (no shrinking: the phases are explicit and
    generate only), and :func:`sweep` catches it."""


def group(problems: list[Problem]) -> dict[str, list[Problem]]:
    """Problems by signature, each group's cases shortest first."""
    groups: dict[str, list[Problem]] = {}
    for p in problems:
        groups.setdefault(p.signature, []).append(p)
    for members in groups.values():
        members.sort(key=lambda p: len(repr(p.case)))
    return dict(sorted(groups.items(), key=lambda kv: (kv[1][0].prop, kv[0])))


def report(result: SweepResult, *, minimize_lines: bool = False, limit: int = 80) -> str:
    """The problems as text: one paragraph per distinct failure."""
    groups = group(result.problems)
    lines = [f"{result.cases} cases in {result.seconds:.1f} s: {len(result.problems)} "
             f"problems, {len(groups)} distinct"]
    if result.families:
        lines.append("lines per family: " + ", ".join(
            f"{name} {count}" for name, count in result.families.most_common()))
    for signature, members in list(groups.items())[:limit]:
        first = members[0]
        case = first.case
        if minimize_lines and isinstance(case, str):
            case = minimize(case, signature, {first.prop})
        elif minimize_lines and isinstance(case, list):
            case = minimize_frames(case, signature)
        lines.append(f"\n[{first.prop}] {signature}  (x{len(members)}, family {first.family})")
        lines.append(f"  reproducer: {_show(case)}")
        lines.append(f"  {first.detail}")
        lines += [f"    {x}" for x in first.extra[:8]]
    return "\n".join(lines)


def minimize_frames(case: list[tuple[str, bytes]], signature: str) -> list[tuple[str, bytes]]:
    """The one frame that fails alone with the same signature, or the frames up to the
    first problem."""
    for frame in case:
        if any(p.signature == signature for p in check_frames([frame])):
            return [frame]
    return case


def _show(case: object, limit: int = 400) -> str:
    if isinstance(case, list) and all(isinstance(f, tuple) for f in case):
        return "; ".join(f"{entry} {len(data)} bytes {data[:160].hex()}"
                         f"{'...' if len(data) > 160 else ''}" for entry, data in case)
    text = repr(case)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


def _cut(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def minimize(line: str, signature: str, props: set[str], budget: int = 150) -> str:
    """A shorter line with the same failure: drop words, then halve long words, while the
    signature stays (greedy, at most ``budget`` runs)."""
    from sturdy_strategies import join

    def same(candidate: str) -> bool:
        nonlocal budget
        if budget <= 0 or not candidate.strip():
            return False
        budget -= 1
        return any(p.signature == signature for p in check_line(candidate, props))

    words, parsed = tokens_of(line)
    if not words:
        return line
    quoted = parsed

    def text(ws: list[str]) -> str:
        return join(ws, quoted)

    if not same(text(words)):
        return line  # the line does not survive re-quoting: keep it as it came
    i = 1
    while i < len(words) and budget > 0:
        trial = words[:i] + words[i + 1:]
        if same(text(trial)):
            words = trial
        else:
            i += 1
    for i, word in enumerate(words):
        while len(word) > 16 and budget > 0:
            shorter = word[: len(word) // 2]
            if not same(text(words[:i] + [shorter] + words[i + 1:])):
                break
            word = words[i] = shorter
    return text(words)
