"""What a fresh Python process loads: ``import netsim`` and a classroom lab stay light.

A lab of a few hosts on a bridge, built with ``ip`` and checked with ``ping``, must start
as fast as a process can (``benchmarks/classroom.py`` times it against a bare simpy
model). Its whole-process time is too noisy to assert here; what it loads is not. These
tests run fresh interpreters and name the modules that such a lab must never import:
the parts it does not use are loaded when first used, and a new eager import of one of
them would silently cost every student's first command.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What a classroom lab (bridge, addresses, ping) never needs: each prefix names modules
# that were once imported by ``import netsim`` or by the first command, and are now
# imported on first use.
NOT_FOR_A_CLASSROOM = (
    "matplotlib", "networkx",                    # pictures
    "netsim.viz", "netsim.qemu", "netsim.services", "netsim.scenarios",
    "netsim.analysis",                           # lab.why() and reachability
    "netsim.stack.netfilter",                    # iptables, NAT, conntrack
    "netsim.stack.tcp_sock", "netsim.stack.tcp_input", "netsim.packets.tcp",
    "netsim.packets.dhcp", "netsim.stack.capture", "netsim.devices.tun",
    "netsim.pseudofs.sysctl", "netsim.pseudofs.sysfs_net",  # /proc/sys, /sys: on first read
    "netsim.pseudofs.proc_net", "netsim.pseudofs.proc_pid",
    "netsim.shell.awk", "netsim.shell.textutils", "netsim.shell.fileutils",
    "netsim.shell.shellutils", "netsim.shell.seq", "netsim.shell.printf",
    "netsim.shell.arith", "netsim.shell.conditions",
    "netsim.cli.ip.route", "netsim.cli.ip.neigh", "netsim.cli.ip.tuntap",
    "netsim.cli.ip.listing", "netsim.cli.iptables", "netsim.cli.tcpdump",
    "decimal",
)

CLASSROOM = """
import json, sys
import netsim
loaded = {}
loaded["import netsim"] = sorted(sys.modules)
lab = netsim.Lab(seed=0)
sw = lab.host("sw")
hosts = [lab.host(f"h{i}") for i in range(4)]
for i in range(4):
    lab.link(f"h{i}:eth0", f"sw:p{i}")
assert sw.sh("ip link add name br0 up type bridge").returncode == 0
loaded["the first sh()"] = sorted(sys.modules)
for i in range(4):
    assert sw.sh(f"ip link set p{i} master br0 up").returncode == 0
for i, host in enumerate(hosts):
    assert host.sh(f"ip addr add 10.0.0.{i + 1}/24 dev eth0").returncode == 0
    assert host.sh("ip link set eth0 up").returncode == 0
for i, host in enumerate(hosts):
    out = host.sh(f"ping -c 2 -i 0.2 10.0.0.{(i ^ 1) + 1}").stdout
    assert "2 received" in out, out
loaded["the pings"] = sorted(sys.modules)
print(json.dumps(loaded))
"""


def _fresh_python(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=False, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules
            if any(m == prefix or m.startswith(prefix + ".") for prefix in NOT_FOR_A_CLASSROOM)]


def test_import_netsim_loads_no_plotting_nor_graph_library() -> None:
    out = _fresh_python("import netsim, sys; print(sorted(m for m in sys.modules "
                        "if m.split('.')[0] in ('matplotlib', 'networkx')))")
    assert out.strip() == "[]"


def test_a_classroom_lab_loads_none_of_the_parts_it_does_not_use() -> None:
    loaded = json.loads(_fresh_python(CLASSROOM))
    assert {moment: _heavy(modules) for moment, modules in loaded.items()} == {
        "import netsim": [], "the first sh()": [], "the pings": []}


def test_the_parts_left_out_still_load_when_used() -> None:
    """The other side of laziness: a lab that does use them gets them (same process)."""
    code = CLASSROOM.replace("print(json.dumps(loaded))", """
h = hosts[0]
assert h.sh("echo $((6 * 7)) | awk '{print $1}' | tr 4 x").stdout == "x2\\n"
assert h.sh("[ -d /proc/sys ] && cat /proc/sys/net/ipv4/ip_forward").stdout == "0\\n"
assert h.sh("ip route | wc -l").stdout == "1\\n"
assert h.sh("seq 2 | sort -r | head -1").stdout == "2\\n"
assert h.sh("iptables -L -n").returncode == 0
print(json.dumps(sorted(sys.modules)))""")
    loaded = set(json.loads(_fresh_python(code)))
    assert {"netsim.shell.awk", "netsim.shell.arith", "netsim.pseudofs.sysctl",
            "netsim.cli.ip.route", "netsim.shell.seq", "netsim.stack.netfilter"} <= loaded


def test_every_lazy_coreutil_is_registered_by_the_module_named_for_it() -> None:
    """plumbing's name -> module list (what loads on first use) matches what each module
    registers: no program without a placeholder, no placeholder its module forgets."""
    from netsim.shell import plumbing

    declared = {name: module for module, names in plumbing._UTILITY_MODULES.items()
                for name in names}
    for module in plumbing._UTILITY_MODULES:
        before = set(plumbing._UTILITIES)
        importlib.import_module(f"netsim.shell.{module}")
        assert set(plumbing._UTILITIES) == before, f"{module} registers an undeclared name"
    for name, module in declared.items():
        fn = plumbing._UTILITIES[name]
        assert fn.__module__ == "netsim.shell.plumbing", name
        assert fn.__qualname__ == "_utility.<locals>.register.<locals>.run", (
            f"{name} is still the placeholder after importing netsim.shell.{module}")


# ---------------------------------------------------------------------- the lighter records
# What replaced a dataclass on the classroom path behaves as the dataclass did.
def test_shell_syntax_nodes_behave_as_dataclasses() -> None:
    from netsim.shell.ast import Lit, Param, Tilde, Word

    word = Word([Lit("a")], "a")
    assert word == Word([Lit("a", False)], raw="a", lineno=1)
    assert word != Word([Lit("a", quoted=True)], "a")
    assert repr(Param("x", quoted=True)) == (
        "Param(name='x', op='', arg=None, quoted=True, arg2=None, raw='')")
    assert repr(Tilde()) == "Tilde()" and Tilde() == Tilde()
    match word:
        case Word(parts, raw):
            assert (parts, raw) == ([Lit("a")], "a")
    for bad in (lambda: Lit(), lambda: Lit("a", False, 1), lambda: Lit("a", text="b"),
                lambda: Lit("a", colour=1)):
        try:
            bad()
        except TypeError:
            continue
        raise AssertionError("accepted a wrong argument list")
    try:
        hash(word)
    except TypeError:
        pass
    else:
        raise AssertionError("a mutable node is hashable")


def test_bpdu_records_keep_their_order_and_equality() -> None:
    from netsim.packets.bpdu import BridgeId, TcnBpdu

    low, high = BridgeId(0x7000, bytes(6)), BridgeId(0x8000, bytes(6))
    assert low < high and min(high, low) is low and BridgeId.unpack(high.pack()) == high
    assert str(high) == "8000.00:00:00:00:00:00" and high.hex() == "8000.000000000000"
    assert TcnBpdu() == TcnBpdu() and len({TcnBpdu(), TcnBpdu()}) == 1 and TcnBpdu()
    assert TcnBpdu() != high


def test_frame_summaries_know_the_bootp_ports_without_loading_dhcp() -> None:
    from netsim.packets import dhcp, summary

    assert {dhcp.SERVER_PORT, dhcp.CLIENT_PORT} == summary._BOOTP_PORTS


def test_a_mount_made_on_first_use_answers_as_its_provider() -> None:
    from netsim.pseudofs.tree import OnFirstUse

    made = []

    class Provider:
        def read(self, relpath: str) -> str:
            return f"read {relpath}"

        def mode(self, relpath: str) -> int:
            return 0o444

    mount = OnFirstUse(lambda: made.append(1) or Provider())
    assert made == []
    assert mount.read("x") == "read x" and mount.mode("x") == 0o444
    assert getattr(mount, "write", None) is None and made == [1]
