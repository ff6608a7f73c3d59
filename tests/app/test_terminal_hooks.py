"""The shell at a terminal (netsim.user.terminal): output shows as it is written, in
simulated time; Ctrl-C goes to ping's handler (its statistics) or ends the command
(status 130); ``exit`` is reported to the session."""

from __future__ import annotations

import netsim
from netsim.user.terminal import Terminal


class Screen(Terminal):
    def __init__(self, lab: netsim.Lab, interactive: bool = True) -> None:
        super().__init__(interactive=interactive)
        self.lab = lab
        self.shown: list[tuple[float, int, str]] = []

    def show(self, fd: int, text: str) -> None:
        self.shown.append((round(self.lab.now, 3), fd, text))

    def ctrl_c(self) -> None:
        self.press_ctrl_c()
        self.deliver()


def test_ping_without_count_runs_until_ctrl_c_and_prints_its_statistics() -> None:
    lab = netsim.Lab(seed=0)
    host = lab.host("h")
    screen = Screen(lab)
    lab.call_later(3.5, screen.ctrl_c)
    result = host.shell.run("ping 127.0.0.1; echo status=$?", terminal=screen)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    replies = [(t, text) for t, _fd, text in screen.shown if text.startswith("64 bytes")]
    assert [t for t, _ in replies] == [0.0, 1.0, 2.0, 3.0]  # each shown when it came
    assert screen.shown[-2][:2] == (3.5, 1)
    assert screen.shown[-2][2].startswith("\n--- 127.0.0.1 ping statistics ---\n"
                                          "4 packets transmitted, 4 received")
    assert screen.shown[-1] == (3.5, 1, "status=0\n")


def test_without_a_person_at_the_terminal_ping_sends_four() -> None:
    lab = netsim.Lab(seed=0)
    screen = Screen(lab, interactive=False)
    lab.host("h").shell.run("ping 127.0.0.1", terminal=screen)
    assert any("4 packets transmitted" in text for _t, _fd, text in screen.shown)
    assert any(fd == 2 and "sending 4 requests" in text for _t, fd, text in screen.shown)


def test_ctrl_c_ends_a_command_without_a_handler_and_the_rest_of_the_line() -> None:
    lab = netsim.Lab(seed=0)
    screen = Screen(lab)
    lab.call_later(2.5, screen.ctrl_c)
    result = lab.host("h").shell.run("sleep 10; echo after", terminal=screen)
    assert result.returncode == 130
    assert [text for _t, _fd, text in screen.shown] == ["\n"]  # bash's newline after ^C


def test_exit_is_reported_and_a_subshell_exit_is_not() -> None:
    lab = netsim.Lab(seed=0)
    shell = lab.host("h").shell
    assert shell.run("exit 3").returncode == 3 and shell.exited == 3
    assert shell.run("(exit 4)").returncode == 4 and shell.exited is None
    assert shell.run("true").returncode == 0 and shell.exited is None


def test_pipes_and_substitutions_are_not_the_terminal() -> None:
    lab = netsim.Lab(seed=0)
    screen = Screen(lab)
    lab.host("h").shell.run("x=$(echo hi); echo $x | tr a-z A-Z; echo err >&2", terminal=screen)
    assert [(fd, text) for _t, fd, text in screen.shown] == [(1, "HI\n"), (2, "err\n")]
