"""`ip tuntap add|del|show` (iptuntap.c): what `ip` does with /dev/net/tun.

`ip tuntap` is not an rtnetlink command: it uses the character device, as QEMU
does, and so it goes through the model's /dev/net/tun code path:

* **add** -- open /dev/net/tun, ``TUNSETIFF`` with ``IFF_TUN_EXCL`` (any existing
  device of that name: *busy*), ``TUNSETOWNER``/``TUNSETGROUP`` if asked,
  ``TUNSETPERSIST 1``, close. The device stays, with no carrier, because no
  process holds it any more.
* **del** -- open, ``TUNSETIFF`` without EXCL (a device of another kind or mode:
  *invalid argument*; one a process holds: *busy*; none at all: it is created),
  ``TUNSETPERSIST 0``, close -- the last close of a non-persistent device deletes it.
* **show** -- the tun devices, their flags as /sys/class/net/X/tun_flags shows them,
  and with ``-d`` the processes holding them (found like iproute2 does, by looking
  at every process's open files).

Failures print ``ioctl(TUNSETIFF): <strerror>`` and exit with status 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsim.cli.ip import usage
from netsim.cli.ip.args import Args, IpExit, check_ifname, duparg2, invarg, matches, strtol
from netsim.cli.ip.opts import Ctx
from netsim.cli.ip.render import ANY, JSON
from netsim.cli.ip.rtnl import strerror
from netsim.devices.tun import Cred, TunDevice, TunFile, tun_set_iff

_ACCOUNTS = {"root": 0}  # the only user and group a simulated host has


@dataclass
class TunReq:
    name: str = ""
    mode: str = ""
    pi: bool = False
    one_queue: bool = False
    vnet_hdr: bool = False
    multi_queue: bool = False
    owner: int | None = None
    group: int | None = None


def _account(text: str, what: str) -> int:
    """A number, or a name from /etc/passwd (/etc/group)."""
    parsed = strtol(text, 10) if text else None
    if parsed is not None and not parsed[1]:
        return parsed[0]
    if text in _ACCOUNTS:
        return _ACCOUNTS[text]
    raise IpExit(255, f'invalid {what} "{text}"\n')


def parse_args(argv: list[str], with_owner: bool) -> TunReq:
    """parse_args(): the words after add/del."""
    req = TunReq()
    args = Args(argv)
    while args:
        word = args.cur
        if matches(word, "mode"):
            value = args.next_arg()
            if matches(value, "tun"):
                mode = "tun"
            elif matches(value, "tap"):
                mode = "tap"
            else:
                raise IpExit(255, f'Unknown tunnel mode "{value}"\n')
            if req.mode and req.mode != mode:
                raise IpExit(255, "You managed to ask for more than one tunnel mode.\n")
            req.mode = mode
        elif with_owner and matches(word, "user"):
            req.owner = _account(args.next_arg(), "user")
        elif with_owner and matches(word, "group"):
            req.group = _account(args.next_arg(), "group")
        elif matches(word, "pi"):
            req.pi = True
        elif matches(word, "one_queue"):
            req.one_queue = True
        elif matches(word, "vnet_hdr"):
            req.vnet_hdr = True
        elif matches(word, "multi_queue"):
            req.multi_queue = True
        elif matches(word, "dev"):
            value = args.next_arg()
            if not check_ifname(value):
                raise invarg('"dev" not a valid ifname', value)
            req.name = value
        else:
            if matches(word, "name"):
                word = args.next_arg()
            elif matches(word, "help"):
                raise IpExit(255, usage.IPTUNTAP)
            if req.name:
                raise duparg2("name", word)
            if not check_ifname(word):
                raise invarg('"name" not a valid ifname', word)
            req.name = word
        args.advance()
    if not req.mode:
        raise IpExit(1, "You failed to specify a tunnel mode\n")
    return req


def _ioctl_error(err: OSError) -> IpExit:
    return IpExit(1, f"ioctl(TUNSETIFF): {strerror(err.errno)}\n")


def _open(ctx: Ctx) -> TunFile:
    """open("/dev/net/tun") by the `ip` process itself (mode 0666: anyone may)."""
    proc = ctx.host.processes.spawn(["ip", "tuntap"])
    if ctx.cred[0]:
        proc.user = str(ctx.cred[0])
    tfile = TunFile(ctx.ns, proc, proc.lowest_free_fd())
    proc.fd_table[tfile.fd] = tfile
    return tfile


def _close(ctx: Ctx, tfile: TunFile) -> None:
    """close() and the end of the `ip` process."""
    tfile.close()
    proc = tfile.process
    proc.exit(0)
    ctx.host.processes.reap(proc)


def _set_iff(ctx: Ctx, tfile: TunFile, req: TunReq, exclusive: bool) -> TunDevice:
    name = req.name or f"{req.mode}%d"
    try:
        return tun_set_iff(ctx.ns, tfile, name, req.mode, vnet_hdr=req.vnet_hdr,
                           multi_queue=req.multi_queue, exclusive=exclusive, pi=req.pi,
                           one_queue=req.one_queue, cred=Cred(*ctx.cred))
    except OSError as err:
        _close(ctx, tfile)
        raise _ioctl_error(err) from None


def do_add(ctx: Ctx, argv: list[str]) -> int:
    req = parse_args(argv, with_owner=True)
    tfile = _open(ctx)
    dev = _set_iff(ctx, tfile, req, exclusive=True)
    if req.owner is not None:
        dev.owner = req.owner
    if req.group is not None:
        dev.group = req.group
    dev.persist = True  # TUNSETPERSIST 1
    _close(ctx, tfile)
    return 0


def do_del(ctx: Ctx, argv: list[str]) -> int:
    req = parse_args(argv, with_owner=False)
    tfile = _open(ctx)
    dev = _set_iff(ctx, tfile, req, exclusive=False)
    dev.persist = False  # TUNSETPERSIST 0: the close below is the last one
    _close(ctx, tfile)
    return 0


# ---------------------------------------------------------------------- show
def _flag_words(dev: TunDevice) -> list[str]:
    """/sys/class/net/X/tun_flags, decoded as print_flags() does.

    IFF_NOFILTER has the same bit as IFF_NO_PI, so "filter" goes with "pi".
    """
    words = [dev.mode]
    if dev.pi:
        words.append("pi")
    if dev.one_queue:
        words.append("one_queue")
    if dev.multi_queue:
        words.append("multi_queue")
    if dev.vnet_hdr:
        words.append("vnet_hdr")
    if dev.persist:
        words.append("persist")
    if dev.pi:
        words.append("filter")
    return words


def _holders(ctx: Ctx, dev: TunDevice) -> list[tuple[str, int]]:
    """Every (command name, pid) with an open /dev/net/tun attached to ``dev``."""
    out = []
    for pid in sorted(ctx.host.processes.procs):
        proc = ctx.host.processes.procs[pid]
        for fd in sorted(proc.fd_table):
            obj = proc.fd_table[fd]
            if isinstance(obj, TunFile) and obj.device is dev:
                comm = proc.cmdline[0].rsplit("/", 1)[-1][:15] if proc.cmdline else "<NULL>"
                out.append((comm, pid))
    return out


def do_show(ctx: Ctx) -> int:
    p = ctx.new_printer()
    p.new_json_obj()
    for dev in ctx.ns.in_order():
        if not isinstance(dev, TunDevice):
            continue
        p.open_object()
        p.string(ANY, "ifname", "%s:", dev.name)
        p.open_array(JSON, "flags")
        for word in _flag_words(dev):
            p.string(ANY, None, " %s", word)
        p.close_array(JSON, None)
        if dev.owner is not None:
            p.int(ANY, "user", " user %d", dev.owner)
        if dev.group is not None:
            p.int(ANY, "group", " group %d", dev.group)
        if ctx.details:
            p.fp(f"{p.sl}\tAttached to processes:")
            p.open_array(JSON, "processes")
            for comm, pid in _holders(ctx, dev):
                p.string(ANY, "name", "%s", comm)
                p.int(ANY, "pid", "(%d)", pid)
            p.close_array(JSON, None)
        p.close_object()
        p.fp("\n")
    p.delete_json_obj()
    return 0


def do_iptuntap(ctx: Ctx, argv: list[str]) -> int:
    """`ip tuntap ...` (also `ip tap`)."""
    if not argv:
        return do_show(ctx)
    cmd = argv[0]
    if matches(cmd, "add"):
        return do_add(ctx, argv[1:])
    if matches(cmd, "delete"):
        return do_del(ctx, argv[1:])
    if matches(cmd, "show") or matches(cmd, "lst") or matches(cmd, "list"):
        return do_show(ctx)  # iproute2 ignores any further words here
    if matches(cmd, "help"):
        raise IpExit(255, usage.IPTUNTAP)
    raise IpExit(255, f'Command "{cmd}" is unknown, try "ip tuntap help".\n')

