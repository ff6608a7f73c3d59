"""``qemu-system-x86_64 ...`` on a simulated host: parse, start up step by step, run a VM.

The parser (:mod:`netsim.qemu.cmdline`) turns the command line into a plan: the
ordered start-up steps QEMU 7.2 takes (open the disk images, open /dev/net/tun and
TUNSETIFF, run the ifup script, ...). This module carries the plan out against the
simulated host, so each step meets the host as it really is -- a missing image, a
tap another process holds, a failing script -- and fails with QEMU's own words. Work
done before a failure stays done, as in QEMU: the taps it opened close (a tap it
created vanishes) and the downscripts of netdevs already up run.

Once started, the qemu process holds its files at the fd numbers QEMU 7.2 uses
(/dev/net/tun is fd 3 with a minimal command line), and the guest --
:class:`~netsim.qemu.vm.VirtualMachine` -- runs with one emulated NIC per ``-device``.
SIGTERM makes QEMU print ``terminating on signal 15 from pid N (CMD)``, run its
downscripts and exit 0.

Scope: ``-netdev tap``, ``bridge`` (and ``-net tap``) carry frames through a tap;
``-netdev user`` (also ``-nic user``, ``-net user`` and QEMU's default network when
no network option is given) carries them through libslirp inside the qemu process
(:mod:`netsim.qemu.slirp`), whose ``hostfwd=`` ports are bound at start-up. The guest
does not boot an OS image: it is a ready Linux whose shell ``lab.vm(name).sh()`` reaches.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from netsim.devices.tun import TunFile, tun_set_iff
from netsim.packets.addr import mac_aton
from netsim.qemu import errors, plan
from netsim.qemu.cmdline import parse
from netsim.qemu.config import Netdev
from netsim.qemu.errors import NotModelled
from netsim.qemu.fds import predict_fds
from netsim.qemu.slirp import Slirp, VirtualNetwork
from netsim.qemu.vm import VirtualMachine

if TYPE_CHECKING:
    from collections.abc import Callable

    from netsim.host import Host
    from netsim.user.io import Io
    from netsim.user.process import Process

SIGTERM = 15
QCOW2_MAGIC = "QFI\xfb"  # the first bytes of a qcow2 image (see netsim.qemu.img)
DEFAULT_DOWNSCRIPT = "/etc/qemu-ifdown"
BRIDGE_ACL = "/etc/qemu/bridge.conf"
MAX_TAP_QUEUES = 256   # the kernel's limit of queues on one tap (TUNSETIFF: E2BIG)
IFNAMSIZ = 16
_MAX_INCLUDE_DEPTH = 32


def _dev_valid_name(name: str) -> bool:
    """The kernel's ``dev_valid_name()`` (and ``dev_alloc_name``'s one ``%d``): the
    names TUNSETIFF can create a device under."""
    if not name or len(name) >= IFNAMSIZ or name in (".", ".."):
        return False
    if any(c in "/:" or c in " \t\n\v\f\r" for c in name):
        return False
    if "%" in name:
        i = name.index("%")
        return name[i + 1:i + 2] == "d" and "%" not in name[i + 2:]
    return True


class _StartupFailed(Exception):
    def __init__(self, text: str, status: int = 1, location: str | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.status = status
        self.location = location   # QEMU's location still in force at exit()


class _Startup:
    """One QEMU start-up: the plan's steps carried out on ``host`` for process ``proc``."""

    def __init__(self, host: Host, cfg: plan.QemuConfig, proc: Process,
                 err: Callable[[str], None], out: Callable[[str], None] | None = None) -> None:
        self.host = host
        self.cfg = cfg
        self.proc = proc
        self.err = err
        self.out = out or proc.out
        self.taps: dict[str, TunFile] = {}        # netdev id -> its /dev/net/tun file
        self.queues: list[TunFile] = []           # every queue opened, in order
        self.images = 0                           # disk images opened so far
        self.kvm = False                          # /dev/kvm and the VM fd are open
        self.slirps: dict[str, Slirp] = {}        # netdev id -> its user-mode network
        self.downscripts: list[tuple[str, str]] = []  # (script, ifname) to run at exit

    def run(self) -> None:
        for step in self.cfg.startup:
            handler = getattr(self, "_" + type(step).__name__, None)
            if handler is not None:
                handler(step)

    # ------------------------------------------------------------ steps
    def _Warn(self, step: plan.Warn) -> None:  # noqa: N802 - named after the step type
        self.err(step.text if step.text.endswith("\n") else step.text + "\n")

    def _Fail(self, step: plan.Fail) -> None:  # noqa: N802
        error = step.error
        raise _StartupFailed(error.stderr if error else "", error.status if error else 1,
                             step.location)

    def _OpenImage(self, step: plan.OpenImage) -> None:  # noqa: N802
        drive = step.drive
        if drive is None or drive.file is None:
            return
        fs = self.host.fs
        name = drive.file[5:] if drive.file.startswith("file:") else drive.file
        if len(name) >= 4096 or any(len(part) > 255 for part in name.split("/")):
            self._fail(errors.could_not_open_disk(name, errno.ENAMETOOLONG), step.location)
        path = fs.resolve(name, "/root")
        if not fs.exists(path):
            self._fail(errors.could_not_open_disk(name, errno.ENOENT), step.location)
        if fs.is_dir(path):
            self._fail(errors.not_a_regular_file(name), step.location)
        self.images += 1
        if step.probes and not fs.read(path).startswith(QCOW2_MAGIC):
            self.err(errors.raw_probe_warning_text(name))

    def _OpenTap(self, step: plan.OpenTap) -> None:  # noqa: N802
        """open("/dev/net/tun") and TUNSETIFF for one queue. Queues after the first ask
        for the name the first one got (``tap%d`` is resolved once); the kernel refuses
        a name it cannot register and a 257th queue."""
        netdev = step.netdev
        proc = self.proc
        tfile = TunFile(self.host.ns, proc, proc.lowest_free_fd())
        proc.fd_table[tfile.fd] = tfile
        first = self.taps.get(netdev.id) if netdev is not None else None
        wanted = step.ifname or self.cfg.tap_ifname_default
        if first is not None and first.ifname:
            wanted = first.ifname
        try:
            if step.queue >= MAX_TAP_QUEUES:
                raise OSError(errno.E2BIG, "too many queues")
            if wanted not in self.host.ns.devices and not _dev_valid_name(wanted):
                raise OSError(errno.EINVAL, "invalid interface name")
            # QEMU asks for IFF_ONE_QUEUE too (ip tuntap show prints it)
            dev = tun_set_iff(self.host.ns, tfile, wanted, "tap", vnet_hdr=step.vnet_hdr,
                              multi_queue=step.multi_queue, one_queue=True)
        except OSError as err:
            tfile.close()
            proc.fd_closed(tfile.fd)
            self._fail(errors.tap_configure_failed(wanted, err.errno or errno.EINVAL),
                       step.location)
        if netdev is not None:
            self.taps.setdefault(netdev.id, tfile)
            self.queues.append(tfile)
            if step.queue == 0 and not netdev.runs_script:
                self._register_downscript(netdev, dev.name)

    def _UseFd(self, step: plan.UseFd) -> None:  # noqa: N802
        """``fd=N``: a descriptor the shell passed down must be an open tap. QEMU's own
        descriptors at that point (eventfds 4-7, the images, /dev/kvm and the VM) are
        open too -- and no tap (TUNGETIFF: ENOTTY); fd 3 is free (EBADF)."""
        netdev = step.netdev
        ident = netdev.id if netdev is not None else ""
        obj = self.proc.fd_table.get(step.fd)
        if obj is None and step.fd in self._own_fds():
            obj = "qemu"
        if obj is None:
            self._fail(errors.bad_fd(ident, step.fd), step.location)
        if not isinstance(obj, TunFile):
            self._fail(errors.tungetiff_failed(step.fd, errno.ENOTTY), step.location)
        if obj.device is None:
            self._fail(errors.tungetiff_failed(step.fd, errno.EBADFD), step.location)
        if netdev is not None:
            self.taps.setdefault(netdev.id, obj)

    def _own_fds(self) -> range:
        return range(4, 8 + self.images + (2 if self.kvm else 0))

    def _OpenKvm(self, step: plan.OpenKvm) -> None:  # noqa: N802
        self.kvm = True

    def _RunScript(self, step: plan.RunScript) -> None:  # noqa: N802
        netdev = step.netdev
        tfile = self.taps.get(netdev.id) if netdev is not None else None
        ifname = tfile.ifname if tfile is not None else ""
        status = run_script(self.host, step.script, ifname, self.out, self.err)
        if status != 0:
            self._fail(errors.script_failed(step.script, status), step.location)
        self._register_downscript(netdev, ifname)

    def _register_downscript(self, netdev: Netdev | None, ifname: str) -> None:
        """net_init_tap_one(): once the first queue is open and the ifup script (if any)
        succeeded, the downscript is set up to run at exit."""
        if netdev is None or netdev.downscript in ("", "no"):
            return
        self.downscripts.append((netdev.downscript or DEFAULT_DOWNSCRIPT, ifname))

    def _BridgeHelper(self, step: plan.BridgeHelper) -> None:  # noqa: N802
        """qemu-bridge-helper: check the ACL, make a tap, put it in the bridge, pass the fd."""
        helper_error = bridge_helper(self.host, step.br)
        if isinstance(helper_error, str):
            raise _StartupFailed(errors.bridge_helper_failed_text(step.location or "",
                                                                  helper_error),
                                 location=step.location)
        tfile = helper_error
        proc = self.proc
        tfile.process = proc
        tfile.fd = proc.lowest_free_fd()
        proc.fd_table[tfile.fd] = tfile
        if step.netdev is not None:
            self.taps[step.netdev.id] = tfile

    def _HostFwdListen(self, step: plan.HostFwdListen) -> None:  # noqa: N802
        """slirp_add_hostfwd(): bind the host port now; QEMU stops if it cannot."""
        if step.netdev is None or step.rule is None:
            return
        try:
            self.slirp(step.netdev).add_hostfwd(step.rule)
        except OSError:
            self._fail(errors.hostfwd_failed(step.rule.text), step.location)

    def slirp(self, netdev: Netdev) -> Slirp:
        """The libslirp instance of a ``user`` netdev (made by net_slirp_init)."""
        slirp = self.slirps.get(netdev.id)
        if slirp is None:
            slirp = self.slirps[netdev.id] = Slirp(self.host, self.proc, netdev.id,
                                                   VirtualNetwork.from_netdev(netdev))
        return slirp

    def _fail(self, message: str, location: str | None) -> None:
        raise _StartupFailed(errors.error_text(message, location), location=location)

    # ------------------------------------------------------------ undo
    def undo(self, status: int = 1, location: str | None = None) -> None:
        """QEMU exits after a failed start: every fd and socket closes (a tap it created
        vanishes), the process is gone from ``ps``; the downscripts of the taps already
        up run from its exit notifiers -- the last tap's first -- and one that fails is
        reported at the location of the error that made QEMU exit."""
        try:
            for slirp in self.slirps.values():
                slirp.close()
            # abort() (status 134) runs no exit notifier
            for script, ifname in reversed(self.downscripts if status != 134 else []):
                wait = run_script(self.host, script, ifname, self.out, self.err)
                if wait:
                    self.err(errors.error_text(errors.script_failed(script, wait), location))
        finally:
            _end(self.proc, status)


def _end(proc: Process, status: int) -> None:
    """The process exits (closing its fds) and its parent reaps it."""
    proc.exit(status)
    if proc.table is not None:
        proc.table.reap(proc)


def bridge_allowed(host: Host, bridge: str, path: str = BRIDGE_ACL,
                   _depth: int = 0) -> bool | None:
    """Does /etc/qemu/bridge.conf let users attach to ``bridge``? None: no readable file.

    The file holds ``allow BRIDGE``, ``allow all``, ``deny ...`` lines, read in order
    (a later line wins), and ``include FILE``.
    """
    fs = host.fs
    if not fs.exists(path) or fs.is_dir(path):
        return None
    allowed = False
    for line in fs.read(path).splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) != 2:
            continue
        verb, what = words
        if verb == "include":
            # the helper follows includes until fopen() runs out of fds (errors ignored):
            # a file that includes itself adds nothing after its first reading
            if _depth >= _MAX_INCLUDE_DEPTH:
                continue
            included = bridge_allowed(host, bridge, what, _depth + 1)
            allowed = allowed or bool(included)
        elif verb in ("allow", "deny") and what in ("all", bridge):
            allowed = verb == "allow"
    return allowed


def bridge_helper(host: Host, bridge: str) -> TunFile | str:
    """What qemu-bridge-helper does for ``-netdev bridge``: the tap it made, or its error."""
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgeError, add_if

    allowed = bridge_allowed(host, bridge)
    if allowed is None:
        return errors.bridge_acl_missing_text(BRIDGE_ACL)
    if not allowed:
        return errors.bridge_acl_denied_text()
    ns = host.ns
    br = ns.get(bridge)
    if not isinstance(br, Bridge):
        return errors.bridge_missing_text(bridge)
    helper = host.processes.spawn(["/usr/lib/qemu/qemu-bridge-helper", "--use-vnet",
                                   f"--br={bridge}"])
    tfile = TunFile(ns, helper, helper.lowest_free_fd())
    dev = tun_set_iff(ns, tfile, "tap%d", "tap", vnet_hdr=True)
    dev.set_mtu(br.mtu)
    dev.open()
    try:
        add_if(br, dev)
    except BridgeError as err:
        tfile.close()
        _end(helper, 1)
        return errors.bridge_add_failed_text(dev.name, bridge, err.code)
    except BaseException:
        tfile.close()
        _end(helper, 1)
        raise
    _end(helper, 0)  # the helper passes the fd to QEMU over a socket and exits
    return tfile


def run_script(host: Host, script: str, ifname: str, out: Callable[[str], None],
               err: Callable[[str], None]) -> int:
    """fork + execv(script, [script, ifname]) + waitpid(): the raw wait status.

    The child keeps QEMU's fds 0-2, so what the script prints lands in QEMU's own
    output (``out``, ``err``), before whatever QEMU says next. A script that cannot be
    executed (missing, not executable) is the child's ``_exit(1)`` after a failed
    exec: status 256, and nothing printed.
    """
    fs = host.fs
    path = fs.resolve(script, "/root")
    if not fs.exists(path) or fs.is_dir(path) or not fs.mode(path) & 0o111:
        return errors.wait_status(1)
    result = host.new_shell().run_file(path, args=[ifname])  # $0 is the path itself
    if result.stdout:
        out(result.stdout)
    if result.stderr:
        err(result.stderr)
    return errors.wait_status(result.returncode)


def start(host: Host, argv: list[str], proc: Process, err: Callable[[str], None],
          out: Callable[[str], None] | None = None) -> tuple[int, VirtualMachine | None]:
    """Start QEMU as ``proc``: (exit status, the VM) -- status 0 and a VM on success.

    Whatever ends the start-up -- QEMU's own error, or a fault of netsim's -- the process
    is gone afterwards: its fds closed (taps it made vanish), downscripts run, reaped.
    """
    args = [_exec_arg(a) for a in argv[1:]]
    try:
        cfg = parse(args)
    except NotModelled as exc:
        err(f"netsim: {exc}\n")
        _end(proc, 2)
        return 2, None
    except errors.QemuExit as exc:
        if exc.stdout:
            (out or proc.out)(exc.stdout)
        err(exc.stderr)
        _end(proc, exc.status)
        return exc.status, None
    except BaseException:
        _end(proc, 1)
        raise
    startup = _Startup(host, cfg, proc, err, out)
    try:
        startup.run()
    except _StartupFailed as failure:
        err(failure.text)
        startup.undo(failure.status, failure.location)
        return failure.status, None
    except BaseException:
        startup.undo()
        raise
    try:
        if cfg.daemonize:
            proc = startup.proc = host.processes.daemonize(proc)
        return 0, _boot(host, cfg, proc, startup)
    except BaseException:
        host.lab.vms.pop(cfg.name or f"qemu-{proc.pid}", None)
        startup.undo()
        raise


def _exec_arg(arg: str) -> str:
    """What execve() hands a program: a C string ends at its first NUL."""
    return arg.split("\0", 1)[0]


def _boot(host: Host, cfg: plan.QemuConfig, proc: Process,
          startup: _Startup) -> VirtualMachine:
    """The guest comes up with its NICs; SIGTERM ends it the way QEMU ends."""
    _place_fds(cfg, proc)
    name = cfg.name or f"qemu-{proc.pid}"
    vm = VirtualMachine(host, proc, name)
    backends: dict[str, object] = {ident: vm.add_tap_backend(ident, tfile)
                                   for ident, tfile in startup.taps.items()}
    for nd in cfg.netdevs:
        if nd.type == "user":
            slirp = startup.slirp(nd)
            slirp.proc = proc  # after -daemonize, the daemon holds the sockets
            backends[nd.id] = vm.add_backend(slirp)
    # Legacy `-net nic -net tap`: NIC and backend are ports of QEMU's hub 0 instead of
    # naming each other; with one tap on the hub, the hub just passes frames along.
    on_hub = {nd.hub: backends[nd.id] for nd in cfg.netdevs
              if nd.hub is not None and nd.id in backends}
    for nic in cfg.nics:
        backend = backends.get(nic.netdev or "") or on_hub.get(nic.hub)
        vm.add_nic(nic.model, mac_aton(nic.mac), backend)

    def on_sigterm(process: Process, sig: int, sender: Process | None) -> None:
        sender_pid = sender.pid if sender is not None else 0
        sender_cmd = " ".join(sender.cmdline) if sender is not None else "?"
        process.err(errors.terminating_on_signal(sig, sender_pid, sender_cmd))
        vm.power_off()
        # net_cleanup(): each tap's downscript, in the order the netdevs were made
        # (measured: unlike a failed start-up's, which runs the last one first); one
        # that fails is reported with no location, as QEMU is past its command line
        for script, ifname in startup.downscripts:
            wait = run_script(host, script, ifname, process.out, process.err)
            if wait:
                process.err(errors.error_text(errors.script_failed(script, wait)))
        host.lab.vms.pop(vm.name, None)
        process.exit(0)

    for sig in (1, 2, SIGTERM):  # QEMU handles SIGHUP, SIGINT and SIGTERM alike
        proc.on_signal(sig, on_sigterm)
    proc.at_exit(lambda _p: vm.power_off())
    return vm


def _place_fds(cfg: plan.QemuConfig, proc: Process) -> None:
    """Move the open files to the numbers QEMU 7.2 has them at, and add the rest.

    The taps were opened at the lowest free fd as the start-up went; the measured
    table (:func:`~netsim.qemu.fds.predict_fds`) says where they end up among
    QEMU's eventfds, disk images and sockets.
    """
    table = predict_fds(cfg)
    if table is None:
        return
    tuns = [proc.fd_table[fd] for fd in sorted(proc.fd_table)
            if isinstance(proc.fd_table[fd], TunFile)]
    for fd in [fd for fd in proc.fd_table if fd > 2]:
        del proc.fd_table[fd]
    for fd, target in sorted(table.fds.items()):
        if fd <= 2:
            continue
        if target == "/dev/net/tun" and tuns:
            tfile = tuns.pop(0)
            tfile.fd = fd
            proc.fd_table[fd] = tfile
        else:
            proc.fd_table[fd] = target


# ------------------------------------------------------------------ entry points
def main(host: Host, argv: list[str], io: Io) -> int:
    """``qemu-system-x86_64 ...`` typed at the shell.

    With ``-daemonize`` QEMU returns to the prompt once started, as it really does.
    Without it a real QEMU would hold the terminal until it exits; a notebook cell
    cannot wait for that, so it keeps running in the background and says so.
    """
    proc = host.processes.fork_exec(argv)
    status, vm = start(host, argv, proc, io.error, io.write)
    if vm is not None and not vm.process.cmdline.count("-daemonize"):
        io.error(f"netsim: {argv[0]} keeps running in the background as pid {vm.pid} "
                 f"(`kill {vm.pid}` stops it)\n")
    return status


def background(host: Host, argv: list[str], proc: Process) -> None:
    """``host.spawn("qemu-system-x86_64 ...")``: QEMU takes over the spawned process."""
    start(host, argv, proc, proc.err)
