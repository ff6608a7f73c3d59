"""A simulated Linux machine: its kernel (a network namespace) and its user space.

``Host`` is the face a student talks to -- ``sh`` runs commands, ``spawn`` starts one
in the background (``cmd &``), ``write_file`` writes a file, ``open_tun`` is a
process opening /dev/net/tun, ``capture`` is tcpdump -- and delegates everything to
the parts that do the work: :class:`~netsim.stack.namespace.NetNamespace` (devices,
IPv4, ARP), :class:`~netsim.user.process.ProcessTable` (``ps``, ``kill``,
``/proc/PID``) and the shell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.netlink.devinfo import IFF_UP
from netsim.netlink.link import change_flags
from netsim.stack.namespace import NetNamespace
from netsim.stack.sockets import UdpSocket
from netsim.user.io import CommandResult, RunawayError
from netsim.user.process import Process, ProcessTable

if TYPE_CHECKING:
    from netsim.devices.tun import TunFile
    from netsim.shell import Shell
    from netsim.stack.capture import Capture
    from netsim.world import World


class Host:
    def __init__(self, lab: World, name: str) -> None:
        self.lab = lab
        self.name = name
        self.ns = NetNamespace(lab, name)
        self.processes = ProcessTable(lambda: lab.env.now)
        self._boot()
        self._shell = None
        self._fs = None
        # Per-machine state of user-space services (DHCP clients, dnsmasq instances):
        # kept here so it goes with the host.
        self.services: dict[str, object] = {}

    def _boot(self) -> None:
        """What a machine does at boot before anyone logs in: ``lo`` comes up (and with
        it 127.0.0.1/8, as the kernel adds it); /etc/hosts names ``localhost`` and this
        machine (see :mod:`netsim.user.etc`)."""
        change_flags(self.ns.lo, IFF_UP, IFF_UP)

    def __repr__(self) -> str:
        return f"<Host {self.name}>"

    # ------------------------------------------------------------------ commands
    @property
    def fs(self):
        if self._fs is None:  # built on first use: most hosts never read /proc
            from netsim.pseudofs.tree import make_fs

            self._fs = make_fs(self)
        return self._fs

    @property
    def shell(self) -> Shell:
        """The login shell's session (one terminal: variables and cwd persist)."""
        if self._shell is None:
            self._shell = self.new_shell()
        return self._shell

    def new_shell(self) -> Shell:
        """A new shell on this host (a script a daemon runs: its own variables and cwd),
        finding the world's programs on its PATH and this host's files."""
        from netsim.shell import Shell  # the shell and its coreutils load on first use

        return Shell(self, self.lab.commands, self.fs)

    def sh(self, script: str, *, record: bool = True) -> CommandResult:
        """Run a command line (or a whole script) as root in this host's shell.

        The line joins ``lab.history()`` unless ``record`` is False (tools that probe
        the world for the student, like ``reachability``, leave no trace there).
        """
        if not isinstance(script, str):
            hint = " (join a list with shlex.join)" if isinstance(script, list | tuple) else ""
            raise TypeError(f"{self.name}.sh() expected a command line as a string, got "
                            f"{type(script).__name__}: e.g. {self.name}.sh('ip link'){hint}")
        clock = self.lab.clock
        with clock.budget(), clock.wall_limit():  # no single command line can run away
            try:
                result = self.shell.run(script)
            except RunawayError as stop:  # stopped outside any one program: the line ends
                result = CommandResult(124, "", f"{stop}\n")
        if record:
            self.lab.log_command(self.name, script, result.returncode)
        return result

    def sleep(self, seconds: float) -> None:
        """`sleep N` in a script: simulated time passes."""
        self.lab.run(seconds)

    # ------------------------------------------------------------------ processes and files
    @property
    def shell_pid(self) -> int:
        """The PID of the login shell ``sh()`` types into (``$$``, the parent of ``spawn``)."""
        return self.processes.login_shell.pid

    def spawn(self, command: str, stdio: tuple[str, str, str] | None = None) -> Process:
        """Start ``command`` in the background, like ``command &`` at the prompt.

        The line goes through the host's shell (quotes, ``$VARS``, redirections). A
        program that can run in the background -- its module in the command registry
        defines ``background(host, argv, proc)`` (see
        :mod:`netsim.user.commands`) -- starts as a new process, child
        of the login shell on ``pts/0``, and keeps running after ``spawn`` returns;
        its messages collect in ``p.stdout`` / ``p.stderr`` (fd 0 is /dev/null, 1 and
        2 are pipes, unless ``stdio`` says otherwise). Any other command line runs to
        completion at once (nothing here runs concurrently with the caller): the
        process comes back finished, ``running`` False, with the line's ``returncode``,
        ``stdout`` and ``stderr``. ``sleep N`` runs in the background for N simulated
        seconds.

        ``p.kill()`` sends SIGTERM (``p.returncode`` is then 143, or the program's own
        status if it handles the signal), ``p.fds()`` lists its descriptors.
        """
        from netsim.shell.background import spawn_in_background

        self.lab.log_command(self.name, f"{command} &", None)
        with self.lab.clock.budget():
            return spawn_in_background(self, command, stdio)

    def write_file(self, path: str, text: str, mode: int = 0o644) -> None:
        """Create or replace a file, as ``cat > path`` and ``chmod`` would; 0o755 makes a
        script the shell can run. Relative paths start in root's home, ``/root``.

        Raises the kernel's OSError: FileNotFoundError when the directory is missing,
        IsADirectoryError, PermissionError for a read-only /proc or /sys file.
        """
        self.fs.write(self.fs.resolve(path, "/root"), text, mode=mode)

    # ------------------------------------------------------------------ kernel API
    def open_tun(self, name: str, mode: str = "tap", vnet_hdr: bool = False,
                 multi_queue: bool = False, stdio: tuple[str, str, str] | None = None,
                 uid: int = 0, gid: int = 0) -> TunFile:
        """A new process opens /dev/net/tun and attaches to ``name`` with TUNSETIFF.

        Like QEMU's tap backend: the device is created (non-persistent) if it does not
        exist. Raises OSError with the kernel's errno (EBUSY, EINVAL, EPERM...).
        ``stdio`` sets what the process's fds 0-2 point at (default /dev/null), as ``ls -l
        /proc/PID/fd`` would show them. ``uid``/``gid``: the process runs as that user
        and group, without supplementary groups; any uid but 0 has no CAP_NET_ADMIN.
        """
        from netsim.devices.tun import Cred, TunFile, tun_set_iff

        if mode not in ("tap", "tun"):
            raise ValueError(f"mode must be 'tap' or 'tun', not {mode!r}")
        proc = self.processes.spawn(["tun-holder", name], stdio=stdio)
        if uid:
            proc.user = str(uid)
        tfile = TunFile(self.ns, proc, proc.lowest_free_fd())
        proc.fd_table[tfile.fd] = tfile
        try:
            tun_set_iff(self.ns, tfile, name, mode, vnet_hdr=vnet_hdr, multi_queue=multi_queue,
                        cred=Cred(uid, gid))
        except OSError as error:
            proc.exit(1)
            self.processes.reap(proc)
            why = self._tunsetiff_refusal(name, mode, multi_queue, error.errno, uid)
            raise OSError(error.errno, f"{error.strerror}: {why}") from None
        return tfile

    def _tunsetiff_refusal(self, name: str, mode: str, multi_queue: bool,
                           code: int | None = None, uid: int = 0) -> str:
        """Why TUNSETIFF said EINVAL, EBUSY or EPERM, in the words a student needs."""
        import errno

        from netsim.devices.tun import TunDevice

        dev = self.ns.get(name)
        if code == errno.EPERM:
            if dev is None:
                return (f"only a process with CAP_NET_ADMIN (root) may create {name!r}; "
                        f"uid {uid} may only attach to an existing tap it is allowed")
            owner, group = getattr(dev, "owner", None), getattr(dev, "group", None)
            parts = ([f"user {owner}"] if owner is not None else []) + (
                [f"group {group}"] if group is not None else [])
            return (f"{name} is set to {' and '.join(parts)} (ip tuntap ... user/group); a "
                    f"process of uid {uid}, without CAP_NET_ADMIN, must match all of it")
        if dev is None:
            return f"TUNSETIFF refused {name!r}"
        if not isinstance(dev, TunDevice):
            return (f"{name} exists and is not a tun/tap device: TUNSETIFF attaches only to "
                    "tun/tap devices (pick a new name, e.g. 'tap0')")
        if dev.mode != mode:
            return f"{name} is a {dev.mode} device, not a {mode} (open it with mode={dev.mode!r})"
        if dev.multi_queue != multi_queue:
            return (f"{name} was made {'with' if dev.multi_queue else 'without'} multi_queue; "
                    f"open it with multi_queue={dev.multi_queue}")
        return (f"{name} is already held by another process's fd, and a tap without "
                "multi_queue has one queue (close the other fd first)")

    def bridge(self, name: str):
        """The bridge device ``name`` on this host (for :func:`netsim.viz.fdb` and friends)."""
        from netsim.bridge.device import Bridge

        dev = self.ns.get(name) if isinstance(name, str) else None
        if not isinstance(dev, Bridge):
            bridges = ", ".join(d.name for d in self.ns.in_order() if isinstance(d, Bridge))
            what = "is not a bridge" if dev is not None else "does not exist"
            raise ValueError(f"{self.name}: {name!r} {what} (bridges here: {bridges or 'none'}; "
                             f"make one with {self.name}.sh('ip link add br0 type bridge'))")
        return dev

    def capture(self, dev: str, promisc: bool = False, limit: int | None = None) -> Capture:
        """Start capturing on a device, like ``tcpdump -p -i DEV`` (``promisc`` drops -p)."""
        from netsim.stack.capture import Capture

        device = self.ns.get(dev)
        if device is None:
            raise ValueError(f"{self.name}: no device {dev!r}")
        return Capture(device, promisc=promisc, limit=limit)

    def udp_socket(self, port: int) -> UdpSocket:
        """A UDP socket bound to ``port`` on every address of this host."""
        return UdpSocket(self.ns, port)
