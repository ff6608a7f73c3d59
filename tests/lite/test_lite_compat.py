"""What broke netsim in pyodide (Python 3.14 in the browser), shown here on CPython.

Each test reproduces, on the machine's CPython, one thing that stopped netsim in the
browser, so that it fails here if the fix goes; tests/lite/test_lite_pyodide.py then
runs netsim in pyodide itself.
"""

from __future__ import annotations

import ast
import signal
import socket
from pathlib import Path

import netsim

NETSIM = Path(netsim.__file__).parent


def test_commands_run_where_there_is_no_interval_timer(monkeypatch):
    # pyodide's signal module has getitimer but no setitimer (WebAssembly has no
    # signals to ring), and Windows has neither: every command went through the
    # wall-clock guard's SIGALRM timer and died with AttributeError.
    monkeypatch.delattr(signal, "setitimer")
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link("h1:eth0", "h2:eth0")
    assert h1.sh("ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up").returncode == 0
    assert h2.sh("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up").returncode == 0
    assert "1 received" in h1.sh("ping -c 1 10.0.0.2").stdout


def _docstrings(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                yield getattr(node, "name", "<module>"), doc


def test_every_docstring_is_utf8():
    # From Python 3.13 on the compiler dedents docstrings through UTF-8, so a docstring
    # holding a lone surrogate (a "\udcff" escape, not "\\udcff") makes the module fail
    # to compile: `import netsim.shell` raised UnicodeEncodeError in pyodide (3.14).
    bad = []
    for path in sorted(NETSIM.rglob("*.py")):
        for name, doc in _docstrings(ast.parse(path.read_text(encoding="utf-8"))):
            try:
                doc.encode("utf-8")
            except UnicodeEncodeError as e:
                bad.append(f"{path.relative_to(NETSIM.parent)}: {name}: {e}")
    assert bad == []


def _without_ipv6(monkeypatch) -> None:
    """The socket module of a Python built without IPv6, as pyodide's is."""
    real = socket.inet_pton

    def inet_pton(family: int, text: str) -> bytes:
        if family == socket.AF_INET6:
            raise OSError("can't use AF_INET6, IPv6 is disabled")
        return real(family, text)

    monkeypatch.setattr(socket, "has_ipv6", False)
    monkeypatch.setattr(socket, "inet_pton", inet_pton)


def test_qemu_user_networking_starts_in_a_python_without_ipv6(monkeypatch):
    # -netdev user checks its ipv6-prefix (default fec0::) with inet_pton(AF_INET6):
    # in the browser every VM with user networking failed with "Failed to parse IPv6
    # prefix" (notebook 02's nat_user section).
    _without_ipv6(monkeypatch)
    from netsim import scenarios

    lab = scenarios.nat_user(vms=1)
    assert "1 received" in lab.vm("vm1").guest.sh("ping -c 1 10.0.2.2").stdout


TEXTS = ["fec0::", "::1", "FEC0::", "0001:2::", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4",
         "1:2:3:4:5:6:7::", "::0.0.0.0", "fe80::1%eth0", "::1.2.3.04", "1::2::3", "12345::",
         ":::", "fec0::/64", " fec0::", "fec0::\n", "::1.2.3", "::256.1.1.1", "00001::",
         "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3.4.5", "1:2:3:4:5:6:7:1.2.3.4", ""]


def test_without_ipv6_the_prefix_check_takes_what_inet_pton_takes(monkeypatch):
    from netsim.qemu.builder_net import _inet_pton6

    with_ipv6 = [_inet_pton6(t) for t in TEXTS]
    _without_ipv6(monkeypatch)
    assert [_inet_pton6(t) for t in TEXTS] == with_ipv6
    assert with_ipv6.count(True) == 8
