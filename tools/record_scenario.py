#!/usr/bin/env python3
"""Record oracle scenarios on the real Linux kernel (root, ``ip netns``; stdlib only).

    sudo python3 tools/record_scenario.py tests/oracle/scenarios/NAME.json
    sudo python3 tools/record_scenario.py SCEN.json [SCEN.json ...] --out DIR --runs 3

Each scenario is run ``--runs`` times (default 2).  In every run each host of the
scenario is a fresh network namespace ``nsrec-<pid>-<run>-<host>`` in which the
*host init* commands run first (IPv6 off, no IGMP reports for link-local groups, lo
up).  Then the steps:

* ``sh``: ``ip netns exec NS bash -c CMD`` (env: ``NS_<host>``, ``WORK``, ``LC_ALL=C``)
* ``sleep``: real time passes
* ``tap_open`` / ``write_hex`` / ``read`` / ``close``: a helper process started inside
  the namespace (this file, ``--helper tap``) opens ``/dev/net/tun``, does ``TUNSETIFF``
  (IFF_TAP or IFF_TUN, with IFF_NO_PI; IFF_VNET_HDR with ``"vnet_hdr": true``,
  IFF_MULTI_QUEUE with ``"multi_queue": true``) and keeps the fd, taking orders over
  pipes.  With ``"uid"`` / ``"gid"`` the helper first drops root: no supplementary
  groups, then that gid and uid (real, effective, saved) -- and with them every
  capability, as ``setpriv --reuid --regid --clear-groups`` does
* ``capture`` / ``capture_stop``: a helper (``--helper capture DEV``) with an AF_PACKET
  socket bound to DEV (not promiscuous unless ``"promisc": true``) records every frame
  and its pkttype
* ``file``: writes ``$WORK/<file>``
* ``qemu``: ``qemu-system-x86_64 ARGS`` started in the namespace (stdin /dev/null, stdout
  and stderr into ``$WORK/<as>.stdout`` / ``.stderr``); the step waits until QEMU holds
  a ``/dev/net/tun`` fd and then ``settle`` s (1.5), or until it exits, at most ``wait``
  s (8).  ``proc_fd`` lists its ``/proc/PID/fd``; ``kill`` sends SIGTERM from this
  process, waits for the exit, then ``settle`` s (0.5) for the downscripts' output.

The expected file written to ``--out`` (default ``tests/oracle/expected``) holds the
first run's step records; fields that differed between the runs, the step's declared
``volatile`` fields and timer/pid keys are listed in ``volatile``, with ``masks`` where
only a token or an IPv4 id/checksum varied.  Namespaces, helpers and the work folder
are removed at the end (also on error or SIGTERM); namespaces left by a killed earlier
run (``nsrec-<dead pid>-...``) are deleted at start.

Exit status: 0 recorded, 1 a scenario failed, 2 cannot record here (not root, no netns).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve()
DEFAULT_OUT = ROOT / "tests" / "oracle" / "expected"
NS_PREFIX = "nsrec-"

HOST_INIT = [
    "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1",
    "sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0",
    "ip link set lo up",
]
"""Run in every fresh namespace before step 0 (quiet captures: no DAD/RS/MLD/IGMP)."""

TIMER_KEYS = frozenset({
    "used", "updated", "gc_timer", "hello_timer", "tcn_timer", "topology_change_timer",
    "message_age_timer", "forward_delay_timer", "hold_timer", "pid",
})
"""JSON keys whose values are timers or process ids wherever they appear: always volatile."""

CAPTURE_DRAIN = 0.3
"""Seconds a capture keeps reading after the stop order."""

QEMU = "qemu-system-x86_64"


class RecorderError(Exception):
    """A scenario could not be recorded."""


# ============================================================================ helpers
# The functions in this section run in the helper processes, inside a namespace.

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0001, 0x0002, 0x1000, 0x4000
IFF_MULTI_QUEUE = 0x0100
ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1


def errno_text(exc: OSError) -> str:
    """``"EBUSY: Device or resource busy"``."""
    code = exc.errno or 0
    return f"{errno.errorcode.get(code, str(code))}: {os.strerror(code)}"


def _reply(obj: dict[str, Any]) -> None:
    """One JSON answer line to the recorder."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def helper_tap() -> None:
    """Hold a /dev/net/tun fd; orders (one JSON per line): open, write, read, close."""
    import fcntl
    import struct

    fd: int | None = None
    for line in sys.stdin:
        order = json.loads(line)
        op = order.get("op")
        if op == "open":
            if order.get("uid") is not None or order.get("gid") is not None:
                os.setgroups([])
                gid = int(order.get("gid") if order.get("gid") is not None else 0)
                uid = int(order.get("uid") if order.get("uid") is not None else 0)
                os.setresgid(gid, gid, gid)
                os.setresuid(uid, uid, uid)
            try:
                fd = os.open("/dev/net/tun", os.O_RDWR)
            except OSError as e:
                _reply({"fd": None, "ifname": None, "error": "open /dev/net/tun: " + errno_text(e)})
                continue
            flags = (IFF_TAP if order.get("mode", "tap") == "tap" else IFF_TUN) | IFF_NO_PI
            if order.get("vnet_hdr"):
                flags |= IFF_VNET_HDR
            if order.get("multi_queue"):
                flags |= IFF_MULTI_QUEUE
            ifreq = struct.pack("16sH22x", order["name"].encode(), flags)
            try:
                answer = fcntl.ioctl(fd, TUNSETIFF, ifreq)
            except OSError as e:
                os.close(fd)
                fd = None
                _reply({"fd": None, "ifname": None, "error": "TUNSETIFF: " + errno_text(e)})
                continue
            _reply({"fd": fd, "ifname": answer[:16].split(b"\0", 1)[0].decode(), "error": None})
        elif op == "write":
            if fd is None:
                _reply({"written": None, "error": "no fd"})
                continue
            try:
                _reply({"written": os.write(fd, bytes.fromhex(order["hex"])), "error": None})
            except OSError as e:
                _reply({"written": None, "error": errno_text(e)})
        elif op == "read":
            if fd is None:
                _reply({"frames": [], "error": "no fd"})
                continue
            frames: list[str] = []
            error = None
            deadline = time.monotonic() + float(order.get("timeout", 1.0))
            while (left := deadline - time.monotonic()) > 0:
                ready, _, _ = select.select([fd], [], [], left)
                if not ready:
                    break
                try:
                    frames.append(os.read(fd, 65536).hex())
                except OSError as e:
                    error = errno_text(e)
                    break
            _reply({"frames": frames, "error": error})
        elif op == "close":
            if fd is not None:
                os.close(fd)
            _reply({"closed": True})
            return
    # stdin closed: the recorder is gone or cleaning up


def helper_capture(dev: str, promisc: bool) -> None:
    """Capture every frame on ``dev`` until a line (or EOF) on stdin, then report them."""
    import struct

    try:
        # protocol 0 until bound: nothing from other devices sneaks in before bind()
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        sock.bind((dev, ETH_P_ALL))
        if promisc:
            mreq = struct.pack("iHH8s", socket.if_nametoindex(dev), PACKET_MR_PROMISC, 0, b"")
            sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
    except OSError as e:
        _reply({"ready": False, "error": errno_text(e)})
        return
    _reply({"ready": True, "error": None})
    frames: list[dict[str, Any]] = []
    error = None
    stdin = sys.stdin.fileno()

    def take() -> None:
        data, addr = sock.recvfrom(65536)
        frames.append({"hex": data.hex(), "pkttype": addr[2]})

    while True:
        ready, _, _ = select.select([sock, stdin], [], [])
        if sock in ready:
            try:
                take()
            except OSError as e:
                error = errno_text(e)
        if stdin in ready:
            os.read(stdin, 4096)
            break
    deadline = time.monotonic() + CAPTURE_DRAIN
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([sock], [], [], left)
        if ready:
            try:
                take()
            except OSError as e:
                error = errno_text(e)
                break
    _reply({"frames": frames, "error": error})


# ============================================================================ recorder side
def run_cmd(argv: list[str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing its text output."""
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)


def netns_problem() -> str | None:
    """Why namespaces cannot be used here (None when they can)."""
    if os.geteuid() != 0:
        return "must run as root (it creates network namespaces)"
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is not installed"
    probe = f"{NS_PREFIX}{os.getpid()}-probe"
    try:
        res = run_cmd(["ip", "netns", "add", probe])
    except (OSError, subprocess.SubprocessError) as e:
        return f"ip netns is unavailable: {e}"
    if res.returncode != 0:
        return f"ip netns is unavailable: {res.stderr.strip() or f'rc {res.returncode}'}"
    run_cmd(["ip", "netns", "del", probe])
    return None


def cleanup_stale() -> list[str]:
    """Delete namespaces of an earlier recorder that died (our prefix, dead pid)."""
    removed = []
    res = run_cmd(["ip", "netns", "list"])
    for line in res.stdout.splitlines():
        name = line.split(" ", 1)[0]
        m = re.match(re.escape(NS_PREFIX) + r"(\d+)-", name)
        if m and int(m.group(1)) != os.getpid() and not Path(f"/proc/{m.group(1)}").exists():
            run_cmd(["ip", "netns", "del", name])
            removed.append(name)
    return removed


def versions() -> dict[str, str | None]:
    """Kernel and tool versions, for the expected file."""
    def first_line(argv: list[str]) -> str | None:
        try:
            res = run_cmd(argv, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return None
        text = (res.stdout.strip() or res.stderr.strip())
        return text.splitlines()[0] if text else None

    return {
        "kernel": os.uname().release,
        "iproute2": first_line(["ip", "-V"]),
        "bridge-utils": first_line(["brctl", "--version"]),
        "iptables": first_line(["iptables", "--version"]),
        "qemu": first_line(["qemu-system-x86_64", "--version"]),
    }


def load_frames_format() -> Any:
    """The project's frame decoder (tests/oracle/frames_format.py, stdlib only)."""
    sys.path.insert(0, str(ROOT / "tests" / "oracle"))
    import frames_format

    return frames_format


class Helper:
    """A helper process inside a namespace, spoken to with JSON lines."""

    def __init__(self, argv: list[str], env: dict[str, str], stderr_path: Path) -> None:
        with open(stderr_path, "wb") as err:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=err, env=env)
        self.buf = b""

    def send(self, obj: dict[str, Any] | str) -> None:
        """Send one order line."""
        assert self.proc.stdin is not None
        text = obj if isinstance(obj, str) else json.dumps(obj)
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def receive(self, timeout: float) -> dict[str, Any]:
        """Wait up to ``timeout`` s for one answer line."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RecorderError(f"helper {self.proc.args} did not answer in {timeout} s")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise RecorderError(f"helper {self.proc.args} exited "
                                        f"(rc {self.proc.poll()})")
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def ask(self, obj: dict[str, Any] | str, timeout: float = 30) -> dict[str, Any]:
        """Send an order and wait for its answer."""
        try:
            self.send(obj)
        except OSError as e:
            raise RecorderError(f"helper {self.proc.args} is gone: {e}") from e
        return self.receive(timeout)

    def stop(self) -> None:
        """Close its stdin (it exits by itself), then kill it by pid if it lingers."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


class Run:
    """One run of a scenario: fresh namespaces, the steps, then everything removed."""

    def __init__(self, scenario: dict[str, Any], tag: str, frames_format: Any) -> None:
        self.scenario = scenario
        self.ff = frames_format
        self.ns = {h: f"{NS_PREFIX}{os.getpid()}-{tag}-{h}" for h in scenario["hosts"]}
        self.work = tempfile.mkdtemp(prefix="nsrec-work-")
        self.helpers: dict[str, Helper] = {}
        self.qemus: dict[str, subprocess.Popen[bytes]] = {}
        self.capture_max: dict[str, int | None] = {}
        self.capture_failed: dict[str, str] = {}
        self.env = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C", "LC_ALL": "C", "HOME": os.environ.get("HOME", "/root"),
            "TERM": "dumb", "WORK": self.work,
        }
        self.env.update({f"NS_{h}": n for h, n in self.ns.items()})
        self.created: list[str] = []

    # ------------------------------------------------------------ lifecycle
    def setup(self) -> None:
        """Create the namespaces and run the host init in each."""
        for host, name in self.ns.items():
            res = run_cmd(["ip", "netns", "add", name])
            if res.returncode != 0:
                raise RecorderError(f"ip netns add {name}: {res.stderr.strip()}")
            self.created.append(name)
            for cmd in HOST_INIT:
                res = run_cmd(["ip", "netns", "exec", name, "bash", "-c", cmd])
                if res.returncode != 0:
                    raise RecorderError(f"host init of {host} failed: {cmd}: {res.stderr}")

    def cleanup(self) -> None:
        """Stop the helpers (by pid), delete the namespaces and the work folder."""
        for helper in self.helpers.values():
            helper.stop()
        self.helpers.clear()
        for proc in self.qemus.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        self.qemus.clear()
        for name in self.created:
            run_cmd(["ip", "netns", "del", name])
        self.created.clear()
        shutil.rmtree(self.work, ignore_errors=True)

    def run(self) -> list[dict[str, Any]]:
        """Set up, execute every step, clean up; the step records."""
        records = []
        try:
            self.setup()
            for i, step in enumerate(self.scenario["steps"]):
                rec: dict[str, Any] = {"i": i}
                rec.update({k: v for k, v in step.items()
                            if k not in ("volatile", "volatile_mask")})
                rec.update(self.normalize(self.step(step)))
                records.append(rec)
        finally:
            self.cleanup()
        return records

    # ------------------------------------------------------------ placeholders
    def normalize(self, value: Any) -> Any:
        """Real names back to placeholders: namespaces, work folder, python path."""
        if isinstance(value, dict):
            return {k: self.normalize(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.normalize(v) for v in value]
        if not isinstance(value, str):
            return value
        value = value.replace(self.work, "$WORK").replace(sys.executable, "$PYTHON")
        for host, name in sorted(self.ns.items(), key=lambda kv: -len(kv[1])):
            value = value.replace(name, f"$NS_{host}")
        return value

    def in_ns(self, host: str) -> list[str]:
        """The command prefix that runs something inside ``host``'s namespace."""
        if host not in self.ns:
            raise RecorderError(f"unknown host {host!r} (hosts: {list(self.ns)})")
        return ["ip", "netns", "exec", self.ns[host]]

    def helper(self, step: dict[str, Any]) -> Helper:
        """The helper process a step names with ``as``."""
        if step["as"] not in self.helpers:
            raise RecorderError(f"no process {step['as']!r} (open it with tap_open first)")
        return self.helpers[step["as"]]

    # ------------------------------------------------------------ steps
    def step(self, st: dict[str, Any]) -> dict[str, Any]:
        """Execute one step; the keys it records."""
        if "sh" in st:
            return self.do_sh(st)
        if "sleep" in st:
            time.sleep(float(st["sleep"]))
            return {}
        if "file" in st:
            path = Path(self.work) / st["file"]
            path.write_text(st["content"])
            path.chmod(int(str(st.get("mode", "644")), 8))
            return {}
        if "tap_open" in st:
            return self.do_tap_open(st)
        if "write_hex" in st:
            return self.helper(st).ask({"op": "write", "hex": st["write_hex"]})
        if "read" in st:
            ans = self.helper(st).ask({"op": "read", "timeout": float(st["read"])},
                                      timeout=float(st["read"]) + 30)
            return {"frames": [self.ff.frame_record(bytes.fromhex(h)) for h in ans["frames"]],
                    "error": ans.get("error")}
        if st.get("close"):
            helper = self.helpers.pop(st["as"], None)
            if helper is None:
                raise RecorderError(f"close of unknown process {st['as']!r}")
            ans = helper.ask({"op": "close"})
            helper.stop()
            return {"closed": bool(ans.get("closed"))}
        if "capture" in st:
            return self.do_capture(st)
        if "capture_stop" in st:
            return self.do_capture_stop(st)
        if "qemu" in st:
            return self.do_qemu(st)
        if st.get("proc_fd"):
            return self.do_proc_fd(st)
        if st.get("kill"):
            return self.do_kill(st)
        raise RecorderError(f"unknown step {st!r}")

    # ------------------------------------------------------------ qemu
    def _qemu_output(self, name: str) -> dict[str, str]:
        work = Path(self.work)
        return {"stdout": (work / f"{name}.stdout").read_text(errors="replace"),
                "stderr": (work / f"{name}.stderr").read_text(errors="replace")}

    def do_qemu(self, st: dict[str, Any]) -> dict[str, Any]:
        """Start QEMU and let it settle: running, rc, pid, stdout, stderr."""
        name = st["as"]
        if name in self.qemus or name in self.helpers:
            raise RecorderError(f"process name {name!r} used twice")
        work = Path(self.work)
        # bash expands $WORK / $NS_x in the arguments, then execs QEMU itself: the pid
        # that Popen knows is QEMU's, and QEMU's fds 0-2 are the files, as recorded.
        argv = self.in_ns(st["host"]) + ["bash", "-c", f"exec {QEMU} {st['qemu']}"]
        with open(work / f"{name}.stdout", "wb") as out, \
                open(work / f"{name}.stderr", "wb") as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    env=self.env)
        self.qemus[name] = proc
        deadline = time.monotonic() + float(st.get("wait", 8))
        settle = float(st.get("settle", 1.5))
        while time.monotonic() < deadline and proc.poll() is None:
            if "/dev/net/tun" in (t for _fd, t in _proc_fds(proc.pid)):
                time.sleep(settle)
                break
            time.sleep(0.05)
        rc = proc.poll()
        return {"running": rc is None, "rc": rc, "pid": proc.pid, **self._qemu_output(name)}

    def _qemu(self, st: dict[str, Any]) -> subprocess.Popen[bytes]:
        if st["as"] not in self.qemus:
            raise RecorderError(f"no qemu {st['as']!r} (start it with a qemu step first)")
        return self.qemus[st["as"]]

    def do_proc_fd(self, st: dict[str, Any]) -> dict[str, Any]:
        """``/proc/PID/fd`` of a qemu or tap process: fds, tun_fds."""
        pid = self._qemu(st).pid if st["as"] in self.qemus else self.helper(st).proc.pid
        fds = [{"fd": fd, "target": target} for fd, target in _proc_fds(pid)]
        return {"fds": fds, "tun_fds": [e["fd"] for e in fds if e["target"] == "/dev/net/tun"]}

    def do_kill(self, st: dict[str, Any]) -> dict[str, Any]:
        """SIGTERM from this process, wait, settle: rc, stdout, stderr."""
        proc = self._qemu(st)
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        try:
            rc = proc.wait(float(st.get("wait", 8)))
        except subprocess.TimeoutExpired:
            rc = None
        time.sleep(float(st.get("settle", 0.5)))
        out = self._qemu_output(st["as"])
        # QEMU names the sender: this process, by pid and argv[0]
        out["stderr"] = re.sub(r"from pid \d+ \([^)]*\)", "from pid $PID ($PYTHON)",
                               out["stderr"])
        return {"rc": rc, **out}

    def do_sh(self, st: dict[str, Any]) -> dict[str, Any]:
        """``bash -c CMD`` in the namespace: rc, stdout, stderr (+ json)."""
        try:
            res = subprocess.run(self.in_ns(st["host"]) + ["bash", "-c", st["sh"]],
                                 capture_output=True, text=True, env=self.env, check=False,
                                 timeout=float(st.get("timeout", 60)))
            rec: dict[str, Any] = {"rc": res.returncode, "stdout": res.stdout,
                                   "stderr": res.stderr}
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else e.stdout
            rec = {"rc": None, "stdout": out or "", "stderr": "TIMEOUT"}
        text = rec["stdout"].strip()
        if text.startswith(("[", "{")):
            with contextlib.suppress(ValueError):
                rec["json"] = json.loads(text)
        return rec

    def start_helper(self, st: dict[str, Any], name: str, args: list[str]) -> Helper:
        """Start this file in helper mode inside the step's namespace."""
        argv = self.in_ns(st["host"]) + [sys.executable, "-u", str(THIS), "--helper"] + args
        safe = re.sub(r"[^\w.-]", "_", name)
        helper = Helper(argv, self.env, Path(self.work) / f"{safe}.helper.stderr")
        if name in self.helpers:
            raise RecorderError(f"process name {name!r} used twice")
        self.helpers[name] = helper
        return helper

    def do_tap_open(self, st: dict[str, Any]) -> dict[str, Any]:
        """A helper opens /dev/net/tun: fd, ifname, error."""
        helper = self.start_helper(st, st["as"], ["tap"])
        order = {"op": "open", "name": st["tap_open"], "mode": st.get("mode", "tap"),
                 "vnet_hdr": bool(st.get("vnet_hdr", False))}
        if st.get("multi_queue"):
            order["multi_queue"] = True
        for key in ("uid", "gid"):
            if st.get(key) is not None:
                order[key] = int(st[key])
        return helper.ask(order)

    def do_capture(self, st: dict[str, Any]) -> dict[str, Any]:
        """A capture helper binds its AF_PACKET socket: ready, error."""
        name = st.get("as", f"{st['host']}:{st['capture']}")
        args = ["capture", st["capture"]] + (["promisc"] if st.get("promisc") else [])
        helper = self.start_helper(st, name, args)
        self.capture_max[name] = st.get("max")
        ans = helper.receive(30)
        if not ans.get("ready"):
            self.capture_failed[name] = ans.get("error") or "capture did not start"
        return {"ready": bool(ans.get("ready")), "error": ans.get("error")}

    def do_capture_stop(self, st: dict[str, Any]) -> dict[str, Any]:
        """Stop a capture: its frames with pkttype, error."""
        name = st["capture_stop"]
        helper = self.helpers.pop(name, None)
        if helper is None:
            raise RecorderError(f"capture_stop of unknown capture {name!r}")
        if name in self.capture_failed:
            ans: dict[str, Any] = {"frames": [], "error": self.capture_failed.pop(name)}
        else:
            ans = helper.ask("stop", timeout=30)
        helper.stop()
        frames = ans.get("frames", [])
        rec: dict[str, Any] = {}
        limit = self.capture_max.pop(name, None)
        if limit is not None:
            rec["frames_total_volatile"] = len(frames)
            frames = frames[:int(limit)]
        rec["frames"] = [self.ff.frame_record(bytes.fromhex(f["hex"]), f["pkttype"])
                         for f in frames]
        rec["error"] = ans.get("error")
        return rec


def _proc_fds(pid: int) -> list[tuple[int, str]]:
    """(fd, link target) of a process, socket/pipe inode numbers removed."""
    out = []
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        for entry in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(FileNotFoundError):
                target = os.readlink(f"/proc/{pid}/fd/{entry}")
                out.append((int(entry), re.sub(r"^(socket|pipe):\[\d+\]$", r"\1:[]", target)))
    return sorted(out)


# ============================================================================ volatility
def _child(path: str, key: str | int) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"


def differing_paths(a: Any, b: Any, path: str, out: set[str]) -> None:
    """Add to ``out`` every path where the records ``a`` and ``b`` differ."""
    if type(a) is not type(b):
        out.add(path)
    elif isinstance(a, dict):
        for key in a.keys() | b.keys():
            if key in a and key in b:
                differing_paths(a[key], b[key], _child(path, key), out)
            else:
                out.add(_child(path, key))
    elif isinstance(a, list):
        if len(a) != len(b):
            out.add(path)
        else:
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                differing_paths(x, y, _child(path, i), out)
    elif a != b:
        out.add(path)


def timer_paths(value: Any, path: str, out: set[str]) -> None:
    """Add every path of a TIMER_KEYS key."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if key in TIMER_KEYS:
                out.add(_child(path, key))
            else:
                timer_paths(sub, _child(path, key), out)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            timer_paths(sub, _child(path, i), out)


def value_at(steps: list[dict[str, Any]], path: str) -> Any:
    """The value at ``steps[..]...`` or None when the path does not exist."""
    value: Any = {"steps": steps}
    for idx, key in re.findall(r"\[(\d+)\]|([^.\[\]]+)", path):
        if key:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        else:
            if not isinstance(value, list) or int(idx) >= len(value):
                return None
            value = value[int(idx)]
    return value


def _below(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((prefix + ".", prefix + "["))


TIMER_TOKEN = re.compile(r"\d+\.\d\d")
IPV4_ID_CSUM = (18, 19, 24, 25)   # byte offsets in an untagged Ethernet + IPv4 frame


def hex_mask(values: list[str]) -> str | None:
    """``??`` over the IPv4 id and header checksum when only they differ between runs."""
    if len({len(v) for v in values}) != 1 or len(values[0]) < 68:
        return None
    if any(v[24:28] != "0800" for v in values):
        return None
    raw = [bytes.fromhex(v) for v in values]
    differ = {j for j in range(len(raw[0])) if len({r[j] for r in raw}) > 1}
    if not differ or not differ <= set(IPV4_ID_CSUM):
        return None
    return "".join("??" if j in IPV4_ID_CSUM else f"{b:02x}" for j, b in enumerate(raw[0]))


def text_mask(values: list[str], mask_timers: bool) -> str | None:
    """``<*>`` for every token that differs between runs (and timer-like tokens when
    ``mask_timers``); None when the runs differ in their whitespace or token count."""
    split = [re.split(r"(\s+)", v) for v in values]
    if len({len(s) for s in split}) != 1:
        return None
    parts = []
    for index, column in enumerate(zip(*split, strict=True)):
        first = column[0]
        if index % 2:                       # a whitespace run between tokens
            if len(set(column)) != 1:
                return None
            parts.append(first)
        elif len(set(column)) > 1:
            if not all(column):             # a token present in one run only
                return None
            parts.append("<*>")
        elif mask_timers and TIMER_TOKEN.fullmatch(first):
            parts.append("<*>")
        else:
            parts.append(first)
    return "".join(parts)


def make_mask(values: list[Any], declared: bool) -> str | None:
    """A mask matching every run's value, or None."""
    if not values or not all(isinstance(v, str) for v in values):
        return None
    if all(re.fullmatch(r"[0-9a-f]+", v) for v in values):
        mask = hex_mask(values)
        return mask
    mask = text_mask(values, mask_timers=declared)
    if mask is None or "<*>" not in mask:
        return mask if declared else None
    if not declared and not re.sub(r"\s+", "", mask.replace("<*>", "")):
        return None   # nothing but wildcards left: useless
    return mask


def mask_ok(mask: str, value: str) -> bool:
    """Does a value match the mask it was made from (sanity check)."""
    if "??" in mask and re.fullmatch(r"(?:[0-9a-f]{2}|\?\?)*", mask):
        return len(mask) == len(value) and all(
            mask[j:j + 2] in ("??", value[j:j + 2]) for j in range(0, len(mask), 2))
    pattern = r"\S+".join(re.escape(p) for p in mask.split("<*>"))
    return re.fullmatch(pattern, value, flags=re.DOTALL) is not None


def volatility(scenario: dict[str, Any],
               runs: list[list[dict[str, Any]]]) -> tuple[list[str], dict[str, str]]:
    """The ``volatile`` paths and ``masks`` of a scenario recorded ``len(runs)`` times."""
    first = runs[0]
    differ: set[str] = set()
    for other in runs[1:]:
        if len(other) != len(first):
            raise RecorderError("runs have different numbers of steps")
        for i, (a, b) in enumerate(zip(first, other, strict=True)):
            differing_paths(a, b, f"steps[{i}]", differ)
    declared: set[str] = set()       # volatile by the scenario's word: no mask
    mask_wanted: set[str] = set()    # volatile_mask: always try a mask
    for i, st in enumerate(scenario["steps"]):
        vol = st.get("volatile")
        if vol is True:
            declared.add(f"steps[{i}]")
        elif vol:
            declared.update(f"steps[{i}].{k}" for k in vol)
        mask_wanted.update(f"steps[{i}].{k}" for k in st.get("volatile_mask", []))
    others: set[str] = set()
    for i, rec in enumerate(first):
        timer_paths(rec, f"steps[{i}]", others)
        if "frames_total_volatile" in rec:
            others.add(f"steps[{i}].frames_total_volatile")
    everything = differ | declared | mask_wanted | others
    for i, rec in enumerate(first):   # raw stdout of JSON output: compare "json" instead
        if "json" in rec and any(_below(p, f"steps[{i}].json") for p in everything):
            declared.add(f"steps[{i}].stdout")
            everything.add(f"steps[{i}].stdout")
    kept: list[str] = []
    for path in sorted(everything, key=lambda p: (len(p), p)):
        if not any(_below(path, k) for k in kept):
            kept.append(path)
    kept.sort()
    masks: dict[str, str] = {}
    for path in kept:
        if path in declared:
            continue
        values = [value_at(r, path) for r in runs]
        if any(v is None for v in values):
            continue
        mask = make_mask(values, declared=path in mask_wanted)
        if mask is not None and all(mask_ok(mask, v) for v in values):
            masks[path] = mask
        elif path in mask_wanted:
            print(f"  warning: no mask fits {path} in every run; it stays volatile",
                  file=sys.stderr)
    return kept, masks


# ============================================================================ main
def record(scenario: dict[str, Any], set_name: str, n_runs: int, tag: str,
           frames_format: Any) -> dict[str, Any]:
    """Run a scenario ``n_runs`` times; the expected document."""
    runs = [Run(scenario, f"{tag}{'abcdefghij'[r % 10]}", frames_format).run()
            for r in range(n_runs)]
    vol, masks = volatility(scenario, runs)
    return {"name": scenario["name"], "about": scenario.get("about", ""), "set": set_name,
            "hosts": scenario["hosts"], "versions": versions(), "runs": n_runs,
            "host_init": HOST_INIT, "steps": runs[0], "volatile": vol, "masks": masks}


def _on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", type=Path, help="scenario JSON files")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for expected files")
    ap.add_argument("--runs", type=int, default=2, help="runs per scenario (default 2)")
    ap.add_argument("--set", default="public", help="set name stored in the file")
    ap.add_argument("--helper", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.helper:
        if args.helper[0] == "tap":
            helper_tap()
        elif args.helper[0] == "capture" and len(args.helper) >= 2:
            helper_capture(args.helper[1], "promisc" in args.helper[2:])
        else:
            ap.error(f"unknown helper {args.helper}")
        return 0

    if not args.scenarios:
        ap.error("no scenario given")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    problem = netns_problem()
    if problem:
        print(f"record_scenario.py: cannot record here: {problem}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    for name in cleanup_stale():
        print(f"removed stale namespace {name}", file=sys.stderr)
    frames_format = load_frames_format()
    failed = 0
    for n, path in enumerate(args.scenarios):
        t0 = time.monotonic()
        try:
            scenario = json.loads(path.read_text())
            doc = record(scenario, args.set, args.runs, str(n), frames_format)
        except (RecorderError, OSError, ValueError, KeyError) as e:
            print(f"{path.stem}: FAILED: {e}", file=sys.stderr)
            failed += 1
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / f"{path.stem}.json"
        target.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        print(f"{path.stem}: {len(doc['steps'])} steps, {len(doc['volatile'])} volatile, "
              f"{len(doc['masks'])} masks, {time.monotonic() - t0:.1f}s -> {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
