"""One ``netsim shell`` session: the prompt loop on a machine, ``ssh`` to another, and
the session's own programs (``ssh``, ``lab``, ``help``, ``logout``).

A command line runs as ``host.sh()`` runs it -- the login shell, one event budget and
one real-time guard per line, the line recorded in ``lab.history()`` -- but at a
terminal (:class:`~netsim.app.shell_term.Screen`): output shows as it happens, in
simulated time paced to real time, and Ctrl-C reaches the program.

``ssh NAME`` is a console login, not a network connection: it needs no address or
route (the seed's guest has none until you give it one). It prints nothing on
login; the prompt changes to ``root@NAME``. ``exit``, ``logout`` or Ctrl-D come back,
printing ``logout`` and ``Connection to NAME closed.`` as bash and OpenSSH do, and
``$?`` is then the remote shell's status. ``ssh NAME COMMAND...`` runs one command
there and comes back. NAME is a host of the world, a running VM's ``-name``, or an
address one of them holds.
"""

from __future__ import annotations

import contextlib
import os
import textwrap
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from netsim.app.shell_complete import Context, complete
from netsim.app.shell_term import LineReader, Pacer, Screen, ctrl_c_goes_to
from netsim.engine.clock import RunawayError
from netsim.shell import incomplete
from netsim.user.io import CommandFn, Io
from netsim.user.terminal import INTERRUPT_STATUS

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.world import World

SSH_USAGE = """\
usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]
           [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]
           [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]
           [-i identity_file] [-J [user@]host[:port]] [-L address]
           [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]
           [-Q query_option] [-R address] [-S ctl_path] [-W host:port]
           [-w local_tun[:remote_tun]] destination [command [argument ...]]
"""
_SSH_FLAGS = set("46AaCfGgKkMNnqsTtVvXxYy")
_SSH_VALUED = set("BbcDEeFIiJLlmOopQRSWw")
_SSH_FAILED = 255  # what ssh exits with when it could not connect


class SessionCommands(Mapping[str, CommandFn]):
    """The machine's command table with the session's programs in front of it."""

    def __init__(self, table: Mapping[str, CommandFn], extra: dict[str, CommandFn]) -> None:
        self._table = table
        self._extra = extra

    def __getitem__(self, name: str) -> CommandFn:
        if name in self._extra:
            return self._extra[name]
        return self._table[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._extra
        yield from (name for name in self._table if name not in self._extra)

    def __len__(self) -> int:
        return len(self._extra) + sum(1 for name in self._table if name not in self._extra)

    def background(self, name: str):
        lookup = getattr(self._table, "background", None)
        return None if name in self._extra or lookup is None else lookup(name)


class Session:
    """The prompt loop of ``netsim shell`` over one world (see the module's doc)."""

    def __init__(self, world: World, screen: Screen, reader: LineReader, pacer: Pacer,
                 lab: Any = None, interactive: bool = False) -> None:
        self.world = world
        self.screen = screen
        self.reader = reader
        self.pacer = pacer
        self.lab = lab
        self.interactive = interactive  # a person at a tty: prompts, ^C, "logout"
        self.current: Host | None = None  # the machine typed at (Tab completes there)
        screen.session = self
        self.programs: dict[str, CommandFn] = {
            "ssh": self._ssh, "lab": self._lab, "help": self._help, "logout": self._logout,
            "history": self._history, "clear": self._clear}

    # ------------------------------------------------------------------ machines
    def machines(self) -> dict[str, Host]:
        """Every machine one can log in to: the world's hosts, then the running VMs."""
        found = dict(self.world.hosts)
        for name, vm in self.world.vms.items():
            if vm.running:
                found.setdefault(name, vm.guest)
        return found

    def prompt(self, host: Host) -> str:
        """Debian's root prompt, ``root@host:~# `` (``\\u@\\h:\\w\\$``)."""
        name = str(host.ns.sysctl.get("kernel.hostname", host.name)).split(".")[0]
        shell = host.shell
        cwd, home = shell.cwd, shell.vars.get("HOME", "/root")
        if home and home != "/" and (cwd == home or cwd.startswith(home + "/")):
            cwd = "~" + cwd[len(home):]
        return f"root@{name}:{cwd}# "

    def completions(self, before: str, word: str) -> list[str]:
        host = self.current
        if host is None:
            return []
        shell = host.shell
        ctx = Context(host, lambda: [*shell.command_names(), *self.programs],
                      lambda: self.machines())
        return complete(ctx, before, word)

    # ------------------------------------------------------------------ the loop
    def interact(self, host: Host, nested: bool = False) -> int:
        """Read and run command lines on ``host`` until ``exit``, ``logout`` or the end
        of input; the status to leave with (the last command's, as bash's)."""
        outer, self.current = self.current, host
        try:
            return self._loop(host, nested)
        finally:
            self.current = outer

    def _loop(self, host: Host, nested: bool) -> int:
        shell = host.shell
        failures = 0  # internal errors in a row: a broken terminal must not spin
        while True:
            if self.screen.broken:  # nobody reads our output any more (`| head`)
                return 141
            try:
                text = self._read_command(host)
                if text is None:  # Ctrl-D, or the end of a script piped in
                    self._bye(nested)
                    return shell.status
                if not text.strip():
                    continue
                self.pacer.catch_up()
                self.run_line(host, text)
            except KeyboardInterrupt:
                if not self.interactive:
                    raise
                self.screen.show(1, "^C\n")
                shell.status = INTERRUPT_STATUS
                continue
            except Exception as error:  # never a traceback at the prompt
                if os.environ.get("NETSIM_DEBUG"):
                    raise
                self.screen.say(f"netsim shell: internal error: {type(error).__name__}: "
                                f"{error}\n")
                shell.status = 1
                failures += 1
                if failures >= 20:
                    return 1
                continue
            failures = 0
            leave = shell.exited if shell.exited is not None else self.screen.leave
            if leave is not None:
                shell.exited = self.screen.leave = None
                self._bye(nested)
                return leave
            self._logins(host)

    def _logins(self, host: Host) -> None:
        """``ssh NAME`` typed on ``host``: NAME's prompt now; its status is then ``$?``."""
        while self.screen.logins:
            target = self.screen.logins.pop(0)
            self.screen.logins.clear()
            status = self.interact(target, nested=True)
            if self.interactive:
                self.screen.say(f"Connection to {target.name} closed.\n")
            host.shell.status = status

    def _bye(self, nested: bool) -> None:
        if self.interactive:
            self.screen.say("logout\n" if nested else "exit\n")

    def _read_command(self, host: Host) -> str | None:
        """One command, over several lines while it is unfinished (``> `` prompts)."""
        lines: list[str] = []
        while True:
            try:
                line = self.reader.read(self.prompt(host) if not lines else "> ")
            except (OSError, ValueError, UnicodeError):  # the terminal went away
                return None
            except KeyboardInterrupt:
                if not self.interactive:
                    raise
                self.screen.show(1, "^C\n")  # bash: a fresh prompt, $? 130
                host.shell.status = INTERRUPT_STATUS
                return ""
            if line is None:
                return "\n".join(lines) if lines else None  # bash then says: unexpected EOF
            self.reader.remember(line)
            lines.append(line)
            text = "\n".join(lines)
            if not incomplete(text):
                return text

    def run_line(self, host: Host, text: str) -> int:
        """Run one command line on ``host`` at the terminal; its status."""
        shell = host.shell
        clock = self.world.clock
        saved = shell.commands
        shell.commands = SessionCommands(saved, self.programs)
        status = 1
        try:
            interrupts = (ctrl_c_goes_to(self.screen) if self.screen.interactive
                          else contextlib.nullcontext())
            with self.pacer.running(), interrupts, clock.budget(), clock.wall_limit():
                try:
                    status = shell.run(text, terminal=self.screen).returncode
                except RunawayError as stop:  # stopped outside any one program
                    self.screen.show(2, f"{stop}\n")
                    status = getattr(stop, "status", 124)
                    shell.status = status
        finally:
            shell.commands = saved
        self.world.log_command(host.name, text, status)
        return status

    # ------------------------------------------------------------------ programs
    def _ssh(self, host: Host, argv: list[str], io: Io) -> int:
        """``ssh [options] [user@]NAME [command...]`` (see the module's doc)."""
        args = argv[1:]
        i = 0
        while i < len(args) and args[i].startswith("-") and args[i] != "-":
            if args[i] == "--":
                i += 1
                break
            letters = args[i][1:]
            for j, letter in enumerate(letters):
                if letter in _SSH_VALUED:
                    if not letters[j + 1:]:
                        if i + 1 >= len(args):
                            io.error(f"option requires an argument -- {letter}\n{SSH_USAGE}")
                            return _SSH_FAILED
                        i += 1
                    break
                if letter not in _SSH_FLAGS:
                    io.error(f"unknown option -- {letter}\n{SSH_USAGE}")
                    return _SSH_FAILED
            i += 1
        if i >= len(args):
            io.error(SSH_USAGE)
            return _SSH_FAILED
        name = args[i].rpartition("@")[2]
        command = args[i + 1:]
        target = self._machine(name, io)
        if target is None:
            return _SSH_FAILED
        if command:
            return self._remote(target, " ".join(command), io)
        if io.stdin:  # `echo ip link | ssh vm1`: the remote shell reads the pipe
            io.error("Pseudo-terminal will not be allocated because stdin is not a "
                     "terminal.\n")
            return self._remote(target, io.stdin, io, stdin="")
        if io.terminal is not self.screen:
            io.error("Pseudo-terminal will not be allocated because stdin is not a "
                     "terminal.\n")
            return 0
        self.screen.logins.append(target)  # the prompt there once this line is done
        return 0

    def _machine(self, name: str, io: Io) -> Host | None:
        machines = self.machines()
        if name in machines:
            return machines[name]
        if name in ("localhost", "127.0.0.1") and self.current is not None:
            return self.current
        vm = self.world.vms.get(name)
        if vm is not None:  # powered off
            io.error(f"ssh: connect to host {name} port 22: No route to host\n")
            return None
        for machine in machines.values():
            if any(_ntoa(a.local) == name for a in machine.ns.ipv4.addresses):
                return machine
        io.error(f"ssh: Could not resolve hostname {name}: Name or service not known\n")
        if self.world.hints:
            io.error(f"netsim hint: machines here: {', '.join(machines)}\n")
        return None

    def _remote(self, target: Host, command: str, io: Io, stdin: str | None = None) -> int:
        """One command on ``target`` in a fresh shell, as ``sshd`` runs it."""
        shell = target.new_shell()
        terminal = io.terminal if io.terminal is self.screen else None
        result = shell.run(command, stdin=io.stdin if stdin is None else stdin,
                           terminal=terminal)
        if terminal is None:
            io.write(result.stdout)
            io.error(result.stderr)
        self.world.log_command(target.name, command, result.returncode)
        return result.returncode

    def _lab(self, host: Host, argv: list[str], io: Io) -> int:
        """``lab check`` (the lab's verdict), ``lab task`` (what to do)."""
        if self.lab is None:
            io.error("lab: this session is not on a lab (start one with "
                     "`netsim shell LAB.yaml`)\n")
            return 1
        what = argv[1] if len(argv) > 1 else ""
        if what == "task":
            io.write(_lines(str(getattr(self.lab, "task", ""))))
            return 0
        if what != "check" or len(argv) > 2:
            io.error("usage: lab check | lab task\n")
            return 2
        try:
            with self.pacer.paused():
                result = self.lab.check()
        except RunawayError:
            raise
        except Exception as error:  # noqa: BLE001 - the lab's own failure, worded
            if os.environ.get("NETSIM_DEBUG"):
                raise
            io.error(f"lab: check failed: {type(error).__name__}: {error}\n")
            return 1
        io.write(_lines(str(result)))
        for attr in ("ok", "passed", "success"):
            verdict = getattr(result, attr, None)
            if isinstance(verdict, bool):
                return 0 if verdict else 1
        return 0 if result is None or bool(result) else 1

    def _logout(self, host: Host, argv: list[str], io: Io) -> int:
        status = host.shell.status
        if len(argv) > 1:
            try:
                status = int(argv[1]) & 0xFF
            except ValueError:
                io.error(f"bash: logout: {argv[1]}: numeric argument required\n")
                status = 2
        self.screen.leave = status
        return status

    def _history(self, host: Host, argv: list[str], io: Io) -> int:
        """bash's ``history`` (the lines typed at this terminal, numbered), ``-c``."""
        if argv[1:] == ["-c"]:
            self.reader.clear_history()
            return 0
        if argv[1:]:
            io.error(f"bash: history: {argv[1]}: not supported here (history, history -c)\n")
            return 2
        io.write("".join(f"{n:5d}  {line}\n" for n, line in
                         enumerate(self.reader.history(), start=1)))
        return 0

    def _clear(self, host: Host, argv: list[str], io: Io) -> int:
        if self.interactive:
            io.write("\x1b[H\x1b[2J\x1b[3J")  # what `clear` sends an xterm
        return 0

    def _help(self, host: Host, argv: list[str], io: Io) -> int:
        io.write(self.help_text(host))
        return 0

    def help_text(self, host: Host) -> str:
        shell = host.shell
        programs = sorted(set(self.world.commands))
        others = [n for n in shell.command_names()
                  if n not in programs and n not in self.programs]
        wrap = _wrapper()
        lines = [
            f"netsim shell: you are root on {host.name}, a simulated Linux machine. While a",
            "command runs, simulated time passes at the pace of real time.",
            "",
            wrap("Machines:", ", ".join(self.machines())),
            wrap("Tools:", " ".join(programs)),
            wrap("Shell:", " ".join(others)),
            "",
            "  ssh NAME [COMMAND]  log in to NAME (a console: no network needed), or run",
            "                      COMMAND there; exit, logout or Ctrl-D come back",
            "  exit [N]            leave (from the first machine: leave netsim, status N)",
            "  lab check           the lab's verdict; lab task: what to do (on a lab)",
            "  history, clear      the lines typed here; a clean screen",
            "  help                this text",
            "",
            "  Tab completes commands, subcommands, devices, machines and files; Up and",
            "  Down walk the history; Ctrl-C stops a command (ping prints its statistics).",
        ]
        return "\n".join(lines) + "\n"


def _wrapper() -> Callable[[str, str], str]:
    def wrap(title: str, text: str) -> str:
        return textwrap.fill(text or "-", width=78, initial_indent=f"  {title:<10}",
                             subsequent_indent=" " * 12)

    return wrap


def _lines(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _ntoa(addr: bytes) -> str:
    return ".".join(str(b) for b in addr)
