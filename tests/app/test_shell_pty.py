"""``netsim shell`` in a pseudo-terminal, typed at as a student types: the seed's
commands, Tab, the Up arrow, Ctrl-C on a running ping, ``ssh vm1`` and back, the
exit status. Each test starts its own ``python -m netsim shell`` (about a second)."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parents[2]
HOST = "root@host:~# "
VM1 = "root@vm1:~# "
TIMEOUT = 10

SEED = [
    "ip tuntap add tap0 mode tap",
    "brctl addbr br0",
    "brctl addif br0 tap0",
    "ip link set tap0 up",
    "ip link set br0 up",
    "ip addr add 10.0.0.1/24 dev br0",
    "qemu-system-x86_64 -name vm1 -netdev tap,id=n0,ifname=tap0,script=no,downscript=no "
    "-device e1000,netdev=n0 -daemonize",
]


def spawn(tmp_path: Path, *args: str):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NETSIM_HISTFILE=str(tmp_path / "history"),
               TERM="xterm", LANG="C.UTF-8")
    env.pop("NETSIM_DEBUG", None)
    child = pexpect.spawn(sys.executable, ["-m", "netsim", "shell", *args], env=env,
                          cwd=str(tmp_path), encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(40, 200))
    child.expect_exact(HOST)
    return child


def run(child, line: str, prompt: str = HOST) -> str:
    """Type ``line``, wait for the next prompt; what the line printed."""
    child.sendline(line)
    child.expect_exact(prompt)
    return _plain(child.before)


def _plain(text: str) -> str:
    """The text without readline's escape sequences and carriage returns."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")


def seed(child) -> None:
    for line in SEED:
        out = run(child, line)
        assert out.strip() == line, out  # each command is quiet, as on Linux
    run(child, "ssh vm1", VM1)
    run(child, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up", VM1)
    run(child, "exit")


def finish(child, line: str = "exit") -> int:
    child.sendline(line)
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in _plain(child.before or "")
    return child.exitstatus


def test_the_seed_typed_at_the_prompt(tmp_path) -> None:
    child = spawn(tmp_path)
    for line in SEED:
        run(child, line)
    ps = run(child, "ps -ef | grep qemu")
    match = re.search(r"^root +(\d+) +1 .*qemu-system-x86_64 -name vm1", ps, re.M)
    assert match, ps  # PPID 1: it daemonized
    fds = run(child, f"ls -l /proc/{match.group(1)}/fd | grep tun")
    assert re.search(r"\d+ -> /dev/net/tun", fds), fds
    run(child, "ssh vm1", VM1)
    run(child, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up", VM1)
    out = run(child, "ping -c 2 10.0.0.1", VM1)  # guest -> qemu -> tap0 -> br0
    assert "64 bytes from 10.0.0.1: icmp_seq=2" in out
    assert "2 packets transmitted, 2 received, 0% packet loss" in out
    out = run(child, "exit")
    assert "logout" in out and "Connection to vm1 closed." in out
    assert run(child, "echo $?").strip().endswith("0")
    assert finish(child, "exit 3") == 3


def test_tab_completes_objects_subcommands_and_devices(tmp_path) -> None:
    child = spawn(tmp_path)
    run(child, "ip tuntap add tap0 mode tap")
    child.send("ip li\t")
    child.expect_exact("ip link ")
    child.send("set dev ta\t")
    child.expect_exact("tap0 ")
    out = run(child, "up; echo status=$?")
    assert "status=0" in out
    assert "tap0" in run(child, "ip -br link show up")
    child.send("brc\t")
    child.expect_exact("brctl ")
    child.send("add\t\t")  # two matches: addbr, addif (the second Tab lists them)
    child.expect("addbr +addif")
    child.expect_exact("brctl add")  # the line again, under the list
    time.sleep(0.3)
    child.sendcontrol("c")
    child.expect_exact(HOST)
    assert finish(child, "exit 0") == 0


def test_history_up_arrow_and_kept_for_the_next_session(tmp_path) -> None:
    child = spawn(tmp_path)
    run(child, "echo first")
    run(child, "echo second")
    child.send("\x1b[A")  # Up: the previous command, on the line
    child.expect_exact("echo second")
    out = run(child, "")
    assert "second" in out
    out = run(child, "history")  # a recalled line is not kept twice (bash's ignoredups)
    assert "    1  echo first\n    2  echo second\n    3  history\n" in out
    assert finish(child) == 0
    assert "echo second" in (tmp_path / "history").read_text()
    again = spawn(tmp_path)  # the history file is read back: exit, history, echo second...
    again.send("\x1b[A" * 4)  # (readline redraws only what changes)
    out = run(again, "")
    assert "first" in out.splitlines()
    assert finish(again) == 0


def test_ctrl_c_stops_a_running_ping_with_its_statistics(tmp_path) -> None:
    child = spawn(tmp_path)
    seed(child)
    started = time.monotonic()
    child.sendline("ping 10.0.0.2")
    child.expect(r"64 bytes from 10\.0\.0\.2: icmp_seq=2 ttl=64")
    assert time.monotonic() - started >= 0.8  # the second reply a second after the first
    child.sendcontrol("c")
    child.expect_exact(HOST)
    out = _plain(child.before)
    assert re.search(r"\^C\n--- 10\.0\.0\.2 ping statistics ---\n"
                     r"(\d+) packets transmitted, \1 received, 0% packet loss", out), out
    assert "rtt min/avg/max/mdev" in out
    assert run(child, "echo $?").strip().endswith("0")
    assert finish(child) == 0


def test_ctrl_c_at_the_prompt_and_on_sleep_then_ctrl_d(tmp_path) -> None:
    child = spawn(tmp_path)
    child.send("ip li")
    child.expect_exact("ip li")
    time.sleep(0.3)  # readline back to waiting: a Ctrl-C amid its keys waits for the next
    child.sendcontrol("c")  # the typed text is dropped: a fresh prompt, $? 130
    child.expect_exact(HOST)
    assert run(child, "echo $?").strip().endswith("130")
    child.sendline("sleep 30; echo not reached")
    time.sleep(0.5)
    child.sendcontrol("c")
    child.expect_exact(HOST)
    assert "not reached" not in _plain(child.before).splitlines()  # only in the typed line
    assert run(child, "echo $?").strip().endswith("130")
    run(child, "false")
    child.sendcontrol("d")  # Ctrl-D: "exit", the last status
    child.expect(pexpect.EOF)
    child.close()
    assert "exit" in _plain(child.before)
    assert child.exitstatus == 1


def test_ssh_switches_machines_and_exit_comes_back(tmp_path) -> None:
    child = spawn(tmp_path)
    seed(child)
    assert "vm1" in run(child, "ssh vm1 hostname")  # one command there, then back here
    run(child, "ssh vm1", VM1)
    assert run(child, "hostname", VM1).strip().endswith("vm1")
    run(child, "cd /tmp", "root@vm1:/tmp# ")
    out = run(child, "exit 4")
    assert "Connection to vm1 closed." in out
    assert run(child, "echo $?").strip().endswith("4")  # ssh's status is the remote one
    out = run(child, "ssh nosuch")
    assert "ssh: Could not resolve hostname nosuch: Name or service not known" in out
    assert finish(child) == 255  # exit: the last command's status, ssh's


def test_a_scenario_and_its_machines(tmp_path) -> None:
    child = spawn(tmp_path, "host-only", "--vms", "1")
    out = run(child, "help")
    assert "Machines:" in out and "vm1" in out
    run(child, "ssh vm1", VM1)
    out = run(child, "ping -c 1 192.168.56.1", VM1)
    assert "1 received" in out, out
    run(child, "logout")
    assert finish(child) == 0


def test_time_at_the_prompt_passes_in_the_world(tmp_path) -> None:
    child = spawn(tmp_path)
    assert run(child, "ps -o etime= -p $$").split()[-1] == "00:00"
    time.sleep(2.2)  # reading, thinking: the login shell's elapsed time goes on
    assert run(child, "ps -o etime= -p $$").split()[-1] == "00:02"
    assert finish(child) == 0
