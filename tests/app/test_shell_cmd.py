"""``netsim shell`` without a terminal: ``run()``'s contract (the labs' entry point),
lines piped in, ``ssh``, ``lab check``, the targets it refuses, Tab completion's
words. Everything here runs in-process; tests/app/test_shell_pty.py types at a tty."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import netsim
from netsim.app.main import main
from netsim.app.shell_cmd import run
from netsim.app.shell_complete import Context, complete

ROOT = Path(__file__).resolve().parents[2]


def session(world, script: str, **kwargs) -> tuple[int, str]:
    out = io.StringIO()
    status = run(world, stdin=io.StringIO(script), stdout=out, **kwargs)
    return status, out.getvalue()


def seeded() -> netsim.Lab:
    lab = netsim.Lab(seed=0)
    host = lab.host("host")
    host.sh("ip tuntap add tap0 mode tap && ip link add br0 type bridge && "
            "ip link set tap0 master br0 && ip link set tap0 up && ip link set br0 up && "
            "ip addr add 10.0.0.1/24 dev br0")
    host.sh("qemu-system-x86_64 -name vm1 -netdev tap,id=n0,ifname=tap0,script=no,"
            "downscript=no -device e1000,netdev=n0 -daemonize")
    lab.vm("vm1").sh("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    return lab


def test_lines_piped_in_run_without_prompts_and_the_last_status_is_the_exit_status() -> None:
    lab = netsim.Lab(seed=0)
    status, out = session(lab, "hostname\necho err >&2\nfalse\n")
    assert (status, out) == (1, "host\nerr\n")  # stderr goes to stdout when only it is given
    assert lab.history().on("host").commands() == [
        "hostname", "echo err >&2", "false"]  # typed lines join lab.history()


def test_exit_n_and_what_follows_it() -> None:
    status, out = session(netsim.Lab(seed=0), "echo a\nexit 7\necho never\n")
    assert (status, out) == (7, "a\n")


def test_an_unfinished_command_reads_more_lines() -> None:
    status, out = session(netsim.Lab(seed=0), "for i in 1 2; do\necho $i\ndone\necho 'x\ny'\n")
    assert (status, out) == (0, "1\n2\nx\ny\n")


def test_ping_without_count_sends_four_when_nobody_can_press_ctrl_c() -> None:
    lab = netsim.Lab(seed=0)
    status, out = session(lab, "ping 127.0.0.1\n")
    assert status == 0
    assert "4 packets transmitted, 4 received" in out
    assert "netsim: ping without -c would run until Ctrl-C; sending 4 requests" in out


def test_ssh_logs_in_runs_the_rest_there_and_exit_comes_back() -> None:
    lab = seeded()
    script = ("ssh vm1\nhostname\nping -c 1 10.0.0.1 | tail -2 | head -1\nexit 5\n"
              "echo back with $? on $(hostname)\nssh root@vm1 ip -br addr show eth0\n"
              "ssh 10.0.0.2 hostname\nssh nosuch\n")
    status, out = session(lab, script)
    lines = out.splitlines()
    assert lines[:3] == ["vm1", "1 packets transmitted, 1 received, 0% packet loss, time 0ms",
                         "back with 5 on host"]
    assert lines[3].startswith("eth0") and "10.0.0.2/24" in lines[3]
    assert lines[4] == "vm1"
    assert lines[5] == "ssh: Could not resolve hostname nosuch: Name or service not known"
    assert lines[6].startswith("netsim hint: machines here: host, vm1")
    assert status == 255


def test_ssh_without_a_name_is_its_usage_and_a_pipe_is_a_script_there() -> None:
    lab = seeded()
    status, out = session(lab, "ssh\necho $?\necho hostname | ssh vm1\n")
    assert out.startswith("usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy]")
    assert "\n255\n" in out
    assert out.endswith("Pseudo-terminal will not be allocated because stdin is not a "
                        "terminal.\nvm1\n")
    assert status == 0


def test_logout_and_the_end_of_input_inside_ssh() -> None:
    lab = seeded()
    status, out = session(lab, "ssh vm1\nlogout 3\necho $?\nssh vm1\nfalse\n")
    assert out == "3\n"
    assert status == 1  # the end of input left vm1 (status 1), then host (ssh's 1)


def test_run_on_a_lab_prints_its_task_and_lab_check_prints_its_verdict() -> None:
    world = seeded()
    verdicts = iter([False, True])

    class Result:
        def __init__(self, ok: bool) -> None:
            self.ok = ok

        def __str__(self) -> str:
            return "PASS: vm1 answers" if self.ok else "FAIL: vm1 does not answer yet"

    lab = SimpleNamespace(world=world, task="Make vm1 answer ping from host.",
                          check=lambda: Result(next(verdicts)))
    status, out = session(None, "lab check\necho $?\nlab check\nlab task\nlab nonsense\n",
                          lab=lab)
    assert out.splitlines() == [
        "Make vm1 answer ping from host.", "FAIL: vm1 does not answer yet", "1",
        "PASS: vm1 answers", "Make vm1 answer ping from host.", "usage: lab check | lab task"]
    assert status == 2


def test_lab_outside_a_lab_and_a_lab_check_that_breaks() -> None:
    status, out = session(netsim.Lab(seed=0), "lab check\n")
    assert (status, out) == (1, "lab: this session is not on a lab (start one with "
                                "`netsim shell LAB.yaml`)\n")

    def broken():
        raise RuntimeError("no such host h9")

    lab = SimpleNamespace(world=netsim.Lab(seed=0), task="", check=broken)
    status, out = session(None, "lab check\n", lab=lab)
    assert (status, out) == (1, "lab: check failed: RuntimeError: no such host h9\n")


def test_run_picks_host_or_the_first_machine_or_makes_host() -> None:
    world = netsim.Lab(seed=0)
    world.host("a")
    world.host("b")
    assert session(world, "hostname\n")[1] == "a\n"
    assert session(world, "hostname\n", host="b")[1] == "b\n"
    status, out = session(world, "hostname\n", host="zz")
    assert (status, out) == (2, "netsim shell: no machine 'zz' here (machines: a, b)\n")
    empty = netsim.Lab(seed=0)
    assert session(empty, "hostname\n")[1] == "host\n"
    assert list(empty.hosts) == ["host"]


def test_help_lists_machines_tools_and_the_session_commands() -> None:
    status, out = session(seeded(), "help\n")
    assert status == 0
    assert "Machines: host, vm1" in out
    assert "ssh NAME [COMMAND]" in out and "lab check" in out
    assert " ip " in out and " brctl " in out


def test_no_python_error_reaches_the_user(monkeypatch) -> None:
    lab = netsim.Lab(seed=0)
    from netsim.app.shell_session import Session

    def explode(self, host, text):
        raise ValueError("boom")

    monkeypatch.setattr(Session, "run_line", explode)
    status, out = session(lab, "echo hi\n")
    assert (status, out) == (1, "netsim shell: internal error: ValueError: boom\n")


# ------------------------------------------------------------------ the CLI
def test_netsim_shell_help_explains_it(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["shell", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: netsim shell [-h]")
    for words in ("SCENARIO | LAB.yaml", "ssh NAME", "Ctrl-C", "NETSIM_HISTFILE", "--speed"):
        assert words in out


def test_an_unknown_target_when_labs_are_missing_is_one_line_and_status_2(
        monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "netsim.labs", None)  # as if it were not installed
    assert main(["shell", "nosuch.yaml"]) == 2
    err = capsys.readouterr().err
    assert err == ("netsim shell: nosuch.yaml: not a scenario (host-only, nat, nat-user, "
                   "bridged), and labs are not available: netsim.labs is not part of this "
                   "netsim\n")


def test_a_lab_is_loaded_with_netsim_labs_load(monkeypatch, capsys) -> None:
    loaded = []

    def load(name: str):
        loaded.append(name)
        if name == "bad.yaml":
            raise FileNotFoundError("bad.yaml: no such lab file")
        return SimpleNamespace(world=netsim.Lab(seed=0), task="Bridge tap0.", name="first",
                               check=lambda: "ok")

    monkeypatch.setitem(sys.modules, "netsim.labs", SimpleNamespace(load=load))
    monkeypatch.setattr(sys, "stdin", io.StringIO("lab check\n"))
    assert main(["shell", "first.yaml"]) == 0
    assert capsys.readouterr().out == "Bridge tap0.\nok\n"
    assert main(["shell", "bad.yaml"]) == 2
    assert capsys.readouterr().err.startswith("netsim shell: bad.yaml: bad.yaml: no such lab")
    assert loaded == ["first.yaml", "bad.yaml"]


def test_a_scenario_from_the_command_line_with_a_script_piped_in() -> None:
    done = subprocess.run([sys.executable, "-m", "netsim", "shell", "nat", "--vms", "1"],
                          input="ssh vm1 ping -c 1 198.51.100.10\nexit 4\n", text=True,
                          capture_output=True, timeout=60, cwd=ROOT)
    assert "1 packets transmitted, 1 received" in done.stdout
    assert done.returncode == 4 and "Traceback" not in done.stderr


# ------------------------------------------------------------------ completion
def words(lab: netsim.Lab, line: str, host: str = "host") -> list[str]:
    machine = lab.hosts[host]
    ctx = Context(machine, machine.shell.command_names,
                  lambda: [*lab.hosts, *lab.vms])
    word = line.split(" ")[-1]
    return complete(ctx, line, word)


def test_completion_of_ip_and_its_devices() -> None:
    lab = seeded()
    assert words(lab, "ip ") == ["addr", "help", "link", "neigh", "netns", "route", "tuntap"]
    assert words(lab, "ip li") == ["link"]
    assert words(lab, "ip link ") == ["add", "delete", "help", "set", "show"]
    assert words(lab, "ip link set dev ta") == ["tap0"]
    assert words(lab, "ip link set ") == ["br0", "dev", "lo", "tap0"]
    assert "master" in words(lab, "ip link set tap0 ")
    assert words(lab, "ip link set tap0 master ") == ["br0"]
    assert words(lab, "ip -br a") == ["addr"]
    assert words(lab, "ip addr add 10.0.0.9/24 dev ") == ["br0", "lo", "tap0"]
    assert words(lab, "ip tuntap add tap1 mode ") == ["tap", "tun"]
    assert words(lab, "ip link add x type ") == ["bridge", "veth"]
    assert words(lab, "ip r") == ["route"]
    assert words(lab, "ip route ") == ["add", "append", "change", "del", "flush", "get", "help",
                                        "replace", "show"]


def test_completion_of_brctl_bridge_ssh_and_commands() -> None:
    lab = seeded()
    assert "addif" in words(lab, "brctl ") and "showmacs" in words(lab, "brctl ")
    assert words(lab, "brctl addif ") == ["br0"]
    assert words(lab, "brctl addif br0 ") == ["tap0"]  # neither lo nor the bridge itself
    assert words(lab, "brctl delif br0 ") == ["tap0"]
    assert words(lab, "brctl stp br0 ") == ["off", "on"]
    assert words(lab, "bridge ") == ["fdb", "help", "link", "mdb", "monitor", "vlan"]
    assert words(lab, "bridge fdb show br ") == ["br0"]
    assert words(lab, "ssh ") == ["host", "vm1"]
    assert words(lab, "ssh root@v") == ["root@vm1"]
    assert words(lab, "brc") == ["brctl"]
    assert "qemu-system-x86_64" in words(lab, "qemu")
    assert words(lab, "ls; ip li") == ["link"]  # after ; a new command starts
    assert words(lab, "sudo ip li") == ["link"]


def test_completion_of_files_sysctl_keys_and_pids() -> None:
    lab = seeded()
    assert words(lab, "cat /proc/sys/net/ipv4/ip_forw")[0] == "/proc/sys/net/ipv4/ip_forward"
    assert words(lab, "ls /sys/class/net/") == ["/sys/class/net/br0/", "/sys/class/net/lo/",
                                                 "/sys/class/net/tap0/"]
    assert words(lab, "cd /et") == ["/etc/"]
    assert words(lab, "sysctl net.ipv4.ip_forw")[0] == "net.ipv4.ip_forward"
    assert words(lab, "sysctl net.ipv4.con") == ["net.ipv4.conf."]
    pid = str(lab.vm("vm1").pid)
    assert pid in words(lab, "kill ")
    assert words(lab, "echo hi > /etc/host") == ["/etc/hostname", "/etc/hosts"]


def test_a_reader_that_goes_away_ends_the_session_quietly() -> None:
    """``netsim shell < script | head -1``: status 141 (SIGPIPE's), no traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "netsim", "shell"], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"seq 1 100000\necho more\n")
    proc.stdin.close()
    assert proc.stdout.readline() == b"1\n"
    proc.stdout.close()
    assert proc.wait(timeout=60) == 141
    assert proc.stderr is not None and b"Traceback" not in proc.stderr.read()


def test_pacing_changes_when_things_happen_on_the_wall_clock_not_what_happens() -> None:
    import time

    script = "ping -c 3 10.0.0.1\nip neigh\nbridge fdb show br br0 | grep -v permanent\n"
    plain = session(seeded(), script, speed=0)
    started = time.monotonic()
    paced = session(seeded(), script, speed=20)  # 2 simulated seconds in 0.1 s or more
    assert time.monotonic() - started >= 0.1
    assert paced == plain and "3 received" in plain[1]
