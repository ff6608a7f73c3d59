"""Replay an oracle scenario in netsim and record what happened, step by step.

:func:`run_scenario` takes an expected document (``tests/oracle/expected/*.json``),
builds a :class:`netsim.Lab` with one host per recorded namespace, runs the recorded
``host_init`` commands in every host, executes the steps and returns step records with
the same keys the real-kernel recorder wrote, ready for :func:`compare.compare`.

How the step kinds map onto netsim:

============================  ==========================================================
``sh``                        ``host.sh(cmd)`` -> ``rc``, ``stdout``, ``stderr`` (+ ``json``)
``sleep``                     ``lab.run(seconds)``
``tap_open``                  ``host.open_tun(name, mode, vnet_hdr, multi_queue, uid, gid)``
                              -> ``fd``, ``ifname``,
                              ``error`` ("TUNSETIFF: EBUSY: Device or resource busy")
``write_hex``                 ``tunfile.write(bytes)`` -> ``written``, ``error``
``read``                      ``tunfile.read(timeout)`` -> ``frames``, ``error``
``close``                     ``tunfile.close()`` -> ``closed``
``capture`` (start)           ``host.capture(dev, promisc)`` -> ``ready``, ``error``
``capture_stop``              0.3 s drain, ``capture.stop()`` -> ``frames`` (with pkttype),
                              ``error`` (+ ``frames_total_volatile`` with ``max``)
``proc_fd``                   ``process.fds()`` of a tap or qemu process -> ``fds``, ``tun_fds``
``file``                      ``host.write_file("$WORK/NAME", content, mode)`` in every host
``qemu``                      ``host.spawn("qemu-system-x86_64 ARGS")`` (stdout/stderr into
                              ``$WORK/AS.stdout|stderr`` as the recorder does), ``settle`` s
                              -> ``running``, ``rc``, ``pid``, ``stdout``, ``stderr``
``kill``                      ``process.kill()`` (SIGTERM), ``settle`` s -> ``rc``, ``stdout``,
                              ``stderr`` (the sender's pid and command read ``$PID ($PYTHON)``)
============================  ==========================================================

Placeholders: ``$NS_<host>`` becomes the host's name (netsim host names are netns
names) and ``$WORK`` the folder :data:`WORK_DIR`; recorded strings get ``$WORK`` back.

Time: an ``sh`` step takes :data:`STEP_TIME`, as the recorder's commands do, a
``write_hex`` step :data:`WRITE_TIME`.

Storms: a loop of bridges without STP storms on the real kernel until a cable is cut,
and the commands go on meanwhile (a ping into the loop still gets its answer). The lab
is made with ``bridge_storm_stops = False``: netsim's storm guard then drops the
circulating frame without stopping the run (see :mod:`netsim.bridge.storm`); what it
said is in :attr:`Replay.storms`.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from frames_format import frame_record  # noqa: E402

import netsim  # noqa: E402

WORK_DIR = "/tmp/work"
"""What ``$WORK`` stands for inside netsim hosts (they have their own virtual fs)."""

CAPTURE_DRAIN = 0.3
"""Seconds a capture keeps collecting after it is told to stop (as the recorder did)."""

STEP_TIME = 0.005
"""Simulated seconds an ``sh`` step takes. A simulated command takes no time at all; the
recorder's ``ip netns exec NS bash -c CMD`` takes about 6 ms, in which the kernel has
long delivered what the command set off (a BPDU a new priority sends, an ARP reply)."""

WRITE_TIME = 0.001
"""Simulated seconds a ``write_hex`` step takes: the recorder's order to its helper, the
write() and the answer take about a millisecond, in which the kernel has handled what
the write set off (a veth peer's backlog has run, a reply is queued)."""

STEP_KEYS = frozenset({
    "host", "sh", "timeout", "note", "sleep", "tap_open", "mode", "as", "vnet_hdr",
    "multi_queue", "uid", "gid",
    "write_hex", "read", "close", "capture", "start", "promisc", "max", "capture_stop",
    "file", "content", "qemu", "settle", "wait", "proc_fd", "kill",
})
"""Keys a scenario step may carry; every other key of a step record was recorded."""

UNMODELLED: tuple[str, ...] = ()
"""Step kinds this harness does not replay yet."""


def scenario_steps(expected_doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The scenario's own steps, recovered from the expected records (``i`` and the
    recorded keys removed)."""
    return [{k: v for k, v in rec.items() if k in STEP_KEYS} for rec in expected_doc["steps"]]


def error_text(exc: OSError) -> str:
    """``"EBUSY: Device or resource busy"`` for an OSError, as the recordings write it."""
    code = exc.errno
    if code is None:
        return str(exc)
    return f"{errno.errorcode.get(code, str(code))}: {os.strerror(code)}"


def parse_json_output(stdout: str) -> tuple[bool, Any]:
    """``(True, value)`` when stdout is one JSON array or object (``ip -j``, ``bridge -j``)."""
    text = stdout.strip()
    if not text.startswith(("[", "{")):
        return False, None
    try:
        return True, json.loads(text)
    except ValueError:
        return False, None


class Replay:
    """One replay of a scenario in a fresh lab."""

    def __init__(self, expected_doc: Mapping[str, Any], seed: int = 0) -> None:
        self.doc = expected_doc
        self.lab = netsim.Lab(seed=seed)
        self.lab.hints = False  # the real tools' output, byte for byte
        self.lab.bridge_storm_stops = False  # the kernel's commands go on during a storm
        self.hosts = {name: self.lab.host(name) for name in expected_doc["hosts"]}
        self.tuns: dict[str, Any] = {}       # "as" name -> TunFile (None: open failed)
        self.procs: dict[str, Any] = {}      # "as" name -> a qemu Process
        self.captures: dict[str, Any] = {}   # "as" name -> Capture (None: start failed)
        self.capture_info: dict[str, dict[str, Any]] = {}

    # -------------------------------------------------------------- placeholders
    def expand(self, text: str) -> str:
        """Replace ``$NS_<host>`` and ``$WORK`` by their netsim values."""
        def ns_name(m: re.Match[str]) -> str:
            name = m.group(1)
            return name if name in self.hosts else m.group(0)

        text = re.sub(r"\$NS_(\w+)", ns_name, text)
        return text.replace("$WORK", WORK_DIR)

    def normalize(self, value: Any) -> Any:
        """Recorded strings use ``$WORK`` for the work folder and ``$NS_<host>`` for a
        namespace's name (``link-netns $NS_h1`` in ``ip link show``)."""
        if isinstance(value, str):
            value = value.replace(WORK_DIR, "$WORK")
            if "link-netns " in value:
                value = re.sub(r"(?<=link-netns )(\S+)",
                               lambda m: f"$NS_{m[1]}" if m[1] in self.hosts else m[1], value)
        return value

    # -------------------------------------------------------------- running
    def pass_time(self, seconds: float) -> None:
        """``lab.run(seconds)``."""
        self.lab.run(seconds)

    @property
    def storms(self) -> list[str]:
        """What the storm guard said, bridge by bridge, in every host."""
        return [report for host in self.hosts.values() for dev in host.ns.in_order()
                for report in getattr(dev, "storm_reports", ())]

    def init_hosts(self) -> None:
        """Run ``host_init`` (IPv6 off, no IGMP reports, lo up) in every host."""
        for name, host in self.hosts.items():
            for cmd in self.doc.get("host_init", []):
                res = host.sh(cmd)
                if res.returncode != 0:
                    raise RuntimeError(f"host_init failed in {name}: {cmd!r} -> rc "
                                       f"{res.returncode}, stderr {res.stderr!r}")

    def run(self) -> list[dict[str, Any]]:
        """Execute every step; the list of step records."""
        self.init_hosts()
        out = []
        for i, step in enumerate(scenario_steps(self.doc)):
            rec: dict[str, Any] = {"i": i}
            rec.update(step)
            try:
                rec.update(self.step(step))
            except NotImplementedError as e:
                raise NotImplementedError(f"{self.doc.get('name')} step {i}: {e}") from None
            out.append(rec)
        return out

    def step(self, st: dict[str, Any]) -> dict[str, Any]:
        """Execute one step and return its recorded keys."""
        for kind in UNMODELLED:
            if st.get(kind):
                shown = json.dumps(st)
                raise NotImplementedError(
                    f"oracle step kind {kind!r} is not modelled by the replay harness yet: "
                    f"{shown if len(shown) < 100 else shown[:100] + '...'}")
        if "sh" in st:
            return self.do_sh(st)
        if "sleep" in st:
            self.pass_time(float(st["sleep"]))
            return {}
        if "tap_open" in st:
            return self.do_tap_open(st)
        if st.get("proc_fd"):
            return self.do_proc_fd(st)
        if "file" in st:
            return self.do_file(st)
        if "qemu" in st:
            return self.do_qemu(st)
        if st.get("kill"):
            return self.do_kill(st)
        if "write_hex" in st:
            return self.do_write(st)
        if "read" in st:
            return self.do_read(st)
        if st.get("close"):
            return self.do_close(st)
        if "capture" in st:
            return self.do_capture_start(st)
        if "capture_stop" in st:
            return self.do_capture_stop(st)
        raise NotImplementedError(f"unknown oracle step kind: {st!r}")

    def do_sh(self, st: dict[str, Any]) -> dict[str, Any]:
        """``host.sh``: rc, stdout, stderr (+ json)."""
        res = self.hosts[st["host"]].sh(self.expand(st["sh"]))
        self.pass_time(STEP_TIME)
        rec: dict[str, Any] = {"rc": res.returncode, "stdout": self.normalize(res.stdout),
                               "stderr": self.normalize(res.stderr)}
        ok, value = parse_json_output(rec["stdout"])
        if ok:
            rec["json"] = value
        return rec

    def do_tap_open(self, st: dict[str, Any]) -> dict[str, Any]:
        """``host.open_tun``: fd, ifname, error."""
        host = self.hosts[st["host"]]
        # The recorder's helper process has its stdin and stdout on pipes and its stderr
        # in a file of the work folder; the simulated process is started the same way.
        stdio = ("pipe:[]", "pipe:[]", f"{WORK_DIR}/{st['as']}.helper.stderr")
        try:
            f = host.open_tun(st["tap_open"], mode=st.get("mode", "tap"),
                              vnet_hdr=bool(st.get("vnet_hdr", False)),
                              multi_queue=bool(st.get("multi_queue", False)),
                              uid=int(st.get("uid", 0)), gid=int(st.get("gid", 0)),
                              stdio=stdio)
        except OSError as e:
            self.tuns[st["as"]] = None
            return {"fd": None, "ifname": None, "error": "TUNSETIFF: " + error_text(e)}
        self.tuns[st["as"]] = f
        return {"fd": f.fd, "ifname": f.ifname, "error": None}

    def do_file(self, st: dict[str, Any]) -> dict[str, Any]:
        """A file in the work folder, in every host (the recorder shares one folder)."""
        for host in self.hosts.values():
            host.sh(f"mkdir -p {WORK_DIR}")
            host.write_file(f"{WORK_DIR}/{st['file']}", self.expand(st["content"]),
                            mode=int(str(st.get("mode", "644")), 8))
        return {}

    def do_qemu(self, st: dict[str, Any]) -> dict[str, Any]:
        """Start QEMU in the background, let it settle: running, rc, pid, stdout, stderr."""
        host = self.hosts[st["host"]]
        host.sh(f"mkdir -p {WORK_DIR}")
        name = st["as"]
        stdio = ("/dev/null", f"{WORK_DIR}/{name}.stdout", f"{WORK_DIR}/{name}.stderr")
        proc = host.spawn("qemu-system-x86_64 " + self.expand(st["qemu"]), stdio=stdio)
        self.procs[name] = proc
        self.lab.run(float(st.get("settle", 1.5)))
        return {"running": proc.running, "rc": None if proc.running else proc.returncode,
                "pid": proc.pid, "stdout": self.normalize(proc.stdout),
                "stderr": self.normalize(proc.stderr)}

    def do_kill(self, st: dict[str, Any]) -> dict[str, Any]:
        """SIGTERM, then settle: rc, stdout, stderr."""
        proc = self.procs[st["as"]]
        proc.kill()
        self.lab.run(float(st.get("settle", 0.5)))
        stderr = re.sub(r"from pid \d+ \([^)]*\)", "from pid $PID ($PYTHON)", proc.stderr)
        return {"rc": proc.returncode, "stdout": self.normalize(proc.stdout),
                "stderr": self.normalize(stderr)}

    def do_proc_fd(self, st: dict[str, Any]) -> dict[str, Any]:
        """``ls -l /proc/PID/fd`` of a tap or qemu process: fds, tun_fds."""
        proc = self.procs.get(st["as"]) or self._tun(st).process
        fds = [{"fd": fd, "target": self.normalize(target)} for fd, target in proc.fds()]
        return {"fds": fds, "tun_fds": [e["fd"] for e in fds if e["target"] == "/dev/net/tun"]}

    def _tun(self, st: dict[str, Any]) -> Any:
        if st["as"] not in self.tuns:
            raise KeyError(f"step uses {st['as']!r} before a tap_open step created it")
        return self.tuns[st["as"]]

    def do_write(self, st: dict[str, Any]) -> dict[str, Any]:
        """``write`` on the tap fd: written, error."""
        f = self._tun(st)
        if f is None:
            return {"written": None, "error": "no fd"}
        try:
            rec = {"written": f.write(bytes.fromhex(st["write_hex"])), "error": None}
        except OSError as e:
            rec = {"written": None, "error": error_text(e)}
        self.pass_time(WRITE_TIME)
        return rec

    def do_read(self, st: dict[str, Any]) -> dict[str, Any]:
        """``read`` on the tap fd for the step's seconds: frames, error."""
        f = self._tun(st)
        if f is None:
            return {"frames": [], "error": "no fd"}
        try:
            frames = f.read(timeout=float(st["read"]))
        except OSError as e:
            return {"frames": [], "error": error_text(e)}
        return {"frames": [frame_record(bytes(data)) for data in frames], "error": None}

    def do_close(self, st: dict[str, Any]) -> dict[str, Any]:
        """Close the tap fd: closed."""
        f = self._tun(st)
        if f is not None:
            f.close()
        return {"closed": True}

    def do_capture_start(self, st: dict[str, Any]) -> dict[str, Any]:
        """``host.capture``: ready, error."""
        name = st.get("as", f"{st['host']}:{st['capture']}")
        self.capture_info[name] = {"max": st.get("max")}
        try:
            cap = self.hosts[st["host"]].capture(st["capture"], promisc=bool(st.get("promisc")))
        except OSError as e:
            self.captures[name] = None
            self.capture_info[name]["error"] = error_text(e)
            return {"ready": False, "error": error_text(e)}
        self.captures[name] = cap
        return {"ready": True, "error": None}

    def do_capture_stop(self, st: dict[str, Any]) -> dict[str, Any]:
        """Drain 0.3 s, stop: frames (with pkttype), error."""
        name = st["capture_stop"]
        if name not in self.captures:
            raise KeyError(f"capture_stop of {name!r}, which no capture step started")
        cap = self.captures.pop(name)
        info = self.capture_info.pop(name)
        rec: dict[str, Any] = {}
        if cap is None:
            frames: list[Any] = []
        else:
            self.pass_time(CAPTURE_DRAIN)
            frames = list(cap.stop())
        if info["max"] is not None:
            rec["frames_total_volatile"] = len(frames)
            frames = frames[:int(info["max"])]
        rec["frames"] = [frame_record(bytes(fr.data), fr.pkttype) for fr in frames]
        rec["error"] = info.get("error")
        return rec


def run_scenario(expected_doc: Mapping[str, Any], seed: int = 0) -> list[dict[str, Any]]:
    """Replay the scenario of ``expected_doc`` in a new ``netsim.Lab(seed=seed)``; the step
    records, in the expected file's format."""
    return Replay(expected_doc, seed=seed).run()


def main(argv: list[str] | None = None) -> int:
    """``replay.py EXPECTED.json [OUT.json]``: replay, print or write ``{"steps": [...]}``."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: replay.py EXPECTED.json [OUT.json]", file=sys.stderr)
        return 2
    with open(args[0]) as f:
        doc = json.load(f)
    text = json.dumps({"steps": run_scenario(doc)}, indent=1, ensure_ascii=False)
    if len(args) > 1:
        Path(args[1]).write_text(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
