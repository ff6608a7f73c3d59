"""``ping`` as iputils 20221126 prints it: options, per-reply lines, statistics, exit status.

The command line is read as ``main()`` in ping.c reads it: one option at a time
(the first bad one ends the run with its own message), numbers through the C
readers iputils uses (``strtol_or_err``, ``strtoul_or_err``, ``ping_strtod``,
``parsetos``, ``parseflow``), then the destination (an IPv4 address as
``inet_aton`` reads it, else a name, which netsim cannot look up), then what
``ping4_run()`` checks before it prints the ``PING`` line. The run itself is
:class:`netsim.user.ping.Pinger`.

Exit status: 0 if any reply came back, 1 if none did (or, with ``-w``, fewer than
``-c``), 2 for errors before sending (no route, unknown interface, bad values).
Without ``-c`` or ``-w`` a real ping runs until Ctrl-C, and so it does at the
prompt of ``netsim shell`` (an interactive :mod:`terminal <netsim.user.terminal>`);
elsewhere it stops after 4 requests (and says so on stderr), since a notebook cell
has no Ctrl-C.
"""

from __future__ import annotations

import errno
import ipaddress
from typing import TYPE_CHECKING

from netsim.cli.ping_args import (
    ArgError,
    inet_aton,
    inet_pton4,
    nodeinfo,
    parse_flow,
    parse_tos,
    ping_strtod,
    read_hosts,
    strtol_or_err,
    strtoul_or_err,
)
from netsim.packets.addr import ip_ntoa
from netsim.stack.ipv4 import NoRoute
from netsim.user.getopt import Getopt, GetoptError
from netsim.user.ping import PingConfig, Pinger
from netsim.user.resolver import name_error

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.io import Io

DEFAULT_COUNT_WITHOUT_C = 4
INT_MAX = 0x7FFFFFFF
LONG_MAX = (1 << 63) - 1
VERSION = ("ping from iputils 20221126\n"
           "libcap: yes, IDN: yes, NLS: no, error.h: yes, getrandom(): yes, __fpending(): yes\n")
RMEM_MAX = 212992  # net.core.rmem_max: SO_RCVBUF asks are capped there (and doubled)

# What iputils prints after an option error (ping -h prints it too).
USAGE = """
Usage
  ping [options] <destination>

Options:
  <destination>      dns name or ip address
  -a                 use audible ping
  -A                 use adaptive ping
  -B                 sticky source address
  -c <count>         stop after <count> replies
  -C                 call connect() syscall on socket creation
  -D                 print timestamps
  -d                 use SO_DEBUG socket option
  -e <identifier>    define identifier for ping session, default is random for
                     SOCK_RAW and kernel defined for SOCK_DGRAM
                     Imply using SOCK_RAW (for IPv4 only for identifier 0)
  -f                 flood ping
  -h                 print help and exit
  -I <interface>     either interface name or address
  -i <interval>      seconds between sending each packet
  -L                 suppress loopback of multicast packets
  -l <preload>       send <preload> number of packages while waiting replies
  -m <mark>          tag the packets going out
  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>
  -n                 no dns name resolution
  -O                 report outstanding replies
  -p <pattern>       contents of padding byte
  -q                 quiet output
  -Q <tclass>        use quality of service <tclass> bits
  -s <size>          use <size> as number of data bytes to be sent
  -S <size>          use <size> as SO_SNDBUF socket option value
  -t <ttl>           define time to live
  -U                 print user-to-user latency
  -v                 verbose output
  -V                 print version and exit
  -w <deadline>      reply wait <deadline> in seconds
  -W <timeout>       time to wait for response

IPv4 options:
  -4                 use IPv4
  -b                 allow pinging broadcast
  -R                 record route
  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>

IPv6 options:
  -6                 use IPv6
  -F <flowlabel>     define flow label, default is random
  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument

For more details see ping(8).
"""
# iputils' getopt() string, as in ping.c
_SHORTOPTS = "h?" "4bRT:" "6F:N:" "aABc:CdDe:fi:I:l:Lm:M:nOp:qQ:rs:S:t:UvVw:W:"
_FLAGS = {"-a": "audible", "-A": "adaptive", "-B": "strictsource", "-C": "connect",
          "-d": "so_debug", "-D": "timestamps", "-L": "noloop", "-n": "numeric",
          "-O": "outstanding", "-q": "quiet", "-r": "dontroute", "-U": "latency",
          "-v": "verbose", "-b": "broadcast"}


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Options:
    """What the options said: the class's values are the defaults, an instance holds what
    the command line changed (a plain class: a dataclass of 30 fields costs more to create
    than ping takes to parse them)."""

    family: int = 0
    count: int = 0
    interval: int = 1000
    opt_interval: bool = False
    preload: int = 1
    linger: int = 10000
    deadline: int = 0
    size: int = 56
    ttl: int | None = None
    ident: int = -1
    device: str | None = None
    source: bytes | None = None
    pattern: str | None = None
    rroute: bool = False
    timestamp: str | None = None
    flood: bool = False
    audible: bool = False
    adaptive: bool = False
    strictsource: bool = False
    connect: bool = False
    so_debug: bool = False
    timestamps: bool = False
    noloop: bool = False
    numeric: bool = False
    outstanding: bool = False
    quiet: bool = False
    dontroute: bool = False
    latency: bool = False
    verbose: bool = False
    broadcast: bool = False
    pmtudisc: str | None = None  # -M
    errno_fresh: bool = True  # no number read yet: errno still holds libc's start-up ENOENT


def main(host: Host, argv: list[str], io: Io) -> int:
    # What a C program sees of each argument: the text up to its first NUL.
    argv = [arg.split("\0", 1)[0] for arg in argv]
    try:
        return _main(host, argv, io)
    except _Exit as stop:
        return stop.status


def _fail(io: Io, status: int, text: str) -> None:
    io.error(f"ping: {text}\n")
    raise _Exit(status)


def _usage(io: Io) -> None:
    io.error(USAGE)
    raise _Exit(2)


def _read_options(argv: list[str], io: Io) -> tuple[_Options, list[str]]:
    """ping.c's getopt() loop, option by option."""
    opts = _Options()
    scan = Getopt("ping", argv[1:], _SHORTOPTS)
    nodeinfo_state: dict[str, str] = {}
    try:
        for name, value in scan:
            arg = value or ""
            try:
                _one_option(opts, name, arg, io, nodeinfo_state)
            except ArgError as err:
                if err.text:
                    io.error(f"ping: {err.text}\n")
                raise _Exit(err.status) from None
    except GetoptError as err:
        io.error(str(err))
        _usage(io)
    return opts, scan.operands


_ERRNO_RESETTERS = frozenset(("-e", "-c", "-i", "-l", "-m", "-s", "-S", "-t", "-w", "-W"))


def _one_option(opts: _Options, name: str, arg: str, io: Io, ni: dict[str, str]) -> None:
    fresh = opts.errno_fresh
    if name in _ERRNO_RESETTERS:
        opts.errno_fresh = False  # strtol_or_err() and ping_strtod() set errno = 0
    if name in _FLAGS:
        setattr(opts, _FLAGS[name], True)
    elif name in ("-4", "-6"):
        family = 4 if name == "-4" else 6
        if opts.family and opts.family != family:
            _fail(io, 2, "only one -4 or -6 option may be specified")
        opts.family = family
    elif name == "-e":
        opts.ident = strtoul_or_err(arg, 0, 0xFFFF)
    elif name == "-R":
        if opts.timestamp:
            _fail(io, 2, "only one of -T or -R may be used")
        opts.rroute = True
    elif name == "-T":
        if opts.rroute:
            _fail(io, 2, "only one of -T or -R may be used")
        if arg not in ("tsonly", "tsandaddr", "tsprespec"):
            _fail(io, 2, f"invalid timestamp type: {arg}")
        opts.timestamp = arg
    elif name == "-F":
        parse_flow(arg)
    elif name == "-N":
        nodeinfo(arg, ni, io)
    elif name == "-c":
        opts.count = strtol_or_err(arg, 1, LONG_MAX)
    elif name == "-i":
        value = ping_strtod(arg, "bad timing interval", io, fresh)
        if value > INT_MAX / 1000:
            _fail(io, 2, f"bad timing interval: {arg}")
        opts.interval = _c_int(value * 1000)
        opts.opt_interval = True
    elif name == "-I":
        _interface_option(opts, arg, io)
    elif name == "-l":
        opts.preload = strtol_or_err(arg, 1, 0x10000)
    elif name == "-m":
        strtoul_or_err(arg, 0, 0xFFFFFFFF)
    elif name == "-M":
        if arg not in ("do", "dont", "want"):
            _fail(io, 2, f"invalid -M argument: {arg}")
        opts.pmtudisc = arg
    elif name == "-f":
        opts.flood = opts.numeric = True
    elif name == "-p":
        opts.pattern = arg
    elif name == "-Q":
        parse_tos(arg)
    elif name == "-s":
        opts.size = strtol_or_err(arg, 0, INT_MAX)
    elif name == "-S":
        strtol_or_err(arg, 1, INT_MAX)
    elif name == "-t":
        opts.ttl = strtol_or_err(arg, 0, 255)
    elif name == "-V":
        io.write(VERSION)
        raise _Exit(0)
    elif name == "-w":
        opts.deadline = strtol_or_err(arg, 0, INT_MAX)
    elif name == "-W":
        value = ping_strtod(arg, "bad linger time", io, fresh)
        if value < 0 or value > INT_MAX / 1000:
            _fail(io, 2, f"bad linger time: {arg}")
        opts.linger = _c_int(value * 1000)
    else:  # -h, -?
        _usage(io)


def _c_int(value: float) -> int:
    """``(int)value`` on x86-64: truncation, INT_MIN when it does not fit."""
    if not -2147483649.0 < value < 2147483648.0:
        return -0x80000000
    return int(value)


def _interface_option(opts: _Options, arg: str, io: Io) -> None:
    if ":" in arg:  # an IPv6 source, maybe with %device
        addr, percent, device = arg.partition("%")
        if percent:
            opts.device = device
        try:
            ipaddress.IPv6Address(addr)
        except ValueError:
            _fail(io, 2, f"invalid source address: {arg}")
        opts.strictsource = True
        return
    source = inet_pton4(arg)
    if source is not None:
        opts.source = source
        opts.strictsource = True
    else:
        opts.device = arg


def _main(host: Host, argv: list[str], io: Io) -> int:
    opts, operands = _read_options(argv, io)
    if not operands:
        _fail(io, 1, "usage error: Destination address required")
    target = operands[-1]
    fill = _pattern(opts, io) if opts.pattern is not None else None
    if opts.ident == 0 and opts.verbose:
        io.error("ping: WARNING: ident 0 => forcing raw socket\n")
    if opts.verbose:
        family = {4: "AF_INET", 6: "AF_INET6"}.get(opts.family, "AF_UNSPEC")
        sock4 = "-1 (socktype: 0)" if opts.family == 6 else "3 (socktype: SOCK_RAW)"
        sock6 = "-1 (socktype: 0)" if opts.family == 4 else \
            f"{3 if opts.family == 6 else 4} (socktype: SOCK_RAW)"
        io.error(f"ping: sock4.fd: {sock4}, sock6.fd: {sock6}, hints.ai_family: {family}\n\n")
    hosts = _hosts(host)
    dst, canonical = _resolve(target, opts, io, hosts, opts.verbose)
    for hop in operands[:-1]:
        _resolve(hop, opts, io, hosts)
    if len(operands) > 1:
        if opts.rroute or (opts.timestamp and (opts.timestamp != "tsprespec"
                                               or len(operands) > 5)) or len(operands) > 10:
            _usage(io)
        if not opts.timestamp:
            _fail(io, 2, "record route: Operation not permitted")
    names = None
    if inet_aton(target) is None and not opts.numeric:  # a name: replies get names too
        names = {address: entry[0] for address, entry in reversed(hosts)}
    return _run(host, opts, canonical, dst, fill, io, names)


def _pattern(opts: _Options, io: Io) -> bytes:
    """fill(): ``-p``'s hex digits, two per byte, at most 16 bytes; PATTERN: line."""
    text = opts.pattern or ""
    for i, ch in enumerate(text):
        if ch not in "0123456789abcdefABCDEF":
            _fail(io, 2, f"patterns must be specified as hex digits: {text[i:]}")
    fill = bytes(int(text[i:i + 2], 16) for i in range(0, min(len(text), 32), 2))
    if not opts.quiet:
        io.write("PATTERN: 0x" + fill.hex() + "\n")
    return fill


def _resolve(target: str, opts: _Options, io: Io, hosts: list[tuple[bytes, list[str]]],
             verbose: bool = False) -> tuple[bytes, str]:
    """getaddrinfo() for the destination: (address, canonical name). An IPv4 address
    as inet_aton reads it, else a name of /etc/hosts, else getaddrinfo's error (no
    name server answers in a simulated world, and there is no IPv6). ``verbose``:
    -v's line for the address found, printed before its family is checked."""
    packed = inet_aton(target)
    family = 4 if packed is not None else 0
    canonical = target
    if packed is None and ":" in target:
        try:
            ipaddress.IPv6Address(target.split("%", 1)[0])
        except ValueError:
            pass
        else:
            family = 6
    if not family:
        wanted = target.lower()
        for address, names in hosts:
            if wanted in (name.lower() for name in names):
                packed, family, canonical = address, 4, names[0]
                break
        else:
            _fail(io, 2, f"{target}: {name_error(target)}")
    if verbose:
        io.write(f"ai->ai_family: AF_INET{'6' if family == 6 else ''}, "
                 f"ai->ai_canonname: '{canonical}'\n")
    if opts.family and opts.family != family:
        _fail(io, 2, f"{target}: Address family for hostname not supported")
    if packed is None:  # IPv6: off in the host, as after the oracle's init
        _fail(io, 2, "connect: Cannot assign requested address")
    return packed, canonical  # type: ignore[return-value]


def _hosts(host: Host) -> list[tuple[bytes, list[str]]]:
    try:
        return read_hosts(host.fs.read("/etc/hosts")) if host.fs.is_file("/etc/hosts") else []
    except OSError:
        return []


def _rcvbuf_warning(opts: _Options) -> bool:
    """sock_setbufs(): the receive buffer the preload needs, in C's int arithmetic."""
    def c_int(v: int) -> int:
        return (v + (1 << 31)) % (1 << 32) - (1 << 31)

    optlen = 40 if opts.rroute or opts.timestamp else 0
    hold = c_int(opts.size + 8)
    per = hold + 511
    hold = c_int(hold + c_int((abs(per) // 512) * (1 if per >= 0 else -1)
                              * (optlen + 20 + 16 + 64 + 160)))
    rcvbuf = c_int(hold * opts.preload)
    asked = max(rcvbuf, 65536)
    return 2 * min(asked, RMEM_MAX) < rcvbuf


def _is_broadcast(ns, dst: bytes) -> bool:
    """A broadcast route of the local table: 255.255.255.255, a subnet's broadcast --
    127.255.255.255 too, which lo's 127.0.0.1/8 brings."""
    if dst == b"\xff\xff\xff\xff" or ns.ipv4.is_broadcast_for_us(dst):
        return True
    value = int.from_bytes(dst, "big")
    for addr in ns.ipv4.addresses:
        if addr.prefixlen < 31:
            host_bits = (1 << (32 - addr.prefixlen)) - 1
            if value == addr.network | host_bits:
                return True
    return False


def _global_source(ns, dev) -> bytes | None:
    """inet_select_addr() for a destination out in the world: an address of ``dev``
    that is not host-scoped (127.0.0.1 is not), else one of another device."""
    for addr in ns.ipv4.addresses_of(dev):
        if addr.scope != "host":
            return addr.local
    for addr in ns.ipv4.addresses:
        if addr.scope == "global":
            return addr.local
    return None


def _run(host: Host, opts: _Options, target: str, dst: bytes, fill: bytes | None,
         io: Io, names: dict[bytes, str] | None = None) -> int:
    """ping4_run() and setup(): the checks before the PING line, then the run."""
    ns = host.ns
    oif = None
    route = None
    if opts.device is not None and opts.device != "":
        oif = ns.get(opts.device[:15])
        if oif is None:
            if 224 <= dst[0] <= 239:  # bind_to_device(): IP_MULTICAST_IF by index instead
                _fail(io, 2, f"unknown iface: {opts.device}")
            _fail(io, 2, f"SO_BINDTODEVICE {opts.device}: No such device")
    source = opts.source
    dev = oif
    if source is None:
        if dst == bytes(4):  # the kernel routes 0.0.0.0 to itself
            source = dst = bytes((127, 0, 0, 1))
        else:
            try:
                dev, nexthop, prefsrc = ns.ipv4.route_output(dst, oif)
            except NoRoute as e:
                if oif is None:
                    if e.errno == errno.EACCES:  # a prohibit route: as broadcast is refused
                        if not opts.broadcast:
                            _fail(io, 2, "Do you want to ping broadcast? Then -b. If not, "
                                         "check your local firewall rules")
                        io.error("WARNING: pinging broadcast address\n")
                    _fail(io, 2, f"connect: {e.strerror}")
                # bound to a device no route leads through: the kernel takes the
                # destination to be on that link (ip_route_output_key_hash_rcu)
                dev, nexthop, prefsrc = oif, dst, _global_source(ns, oif) or bytes(4)
                route = (oif, dst, prefsrc)
            if prefsrc == dst and all(a.local != dst for a in ns.ipv4.addresses):
                prefsrc = None  # 127.0.0.2: lo's 127.0.0.0/8 route, from lo's 127.0.0.1
            if _is_broadcast(ns, dst):
                if not opts.broadcast:
                    _fail(io, 2, "Do you want to ping broadcast? Then -b. If not, check your "
                                 "local firewall rules")
                io.error("WARNING: pinging broadcast address\n")
                prefsrc = None
            source = prefsrc or ns.ipv4.select_source(dev, nexthop) or bytes(4)
        if opts.device is not None and (oif is None or source not in (
                a.local for a in ns.ipv4.addresses_of(oif))):
            io.error(f"ping: Warning: source address might be selected on device other "
                     f"than: {opts.device}\n")
    elif not ns.ipv4.is_local_address(source):
        _fail(io, 2, "bind: Cannot assign requested address")
    multicast = opts.broadcast or 224 <= dst[0] <= 239
    pmtudisc = opts.pmtudisc or ("do" if multicast else None)
    mtu = None
    if pmtudisc == "do":  # DF on, no local fragmenting: a bigger packet is refused
        if dev is None:
            try:
                dev = ns.ipv4.route_output(dst, oif)[0]
            except NoRoute:
                dev = None
        mtu = dev.mtu if dev is not None else None
    if _rcvbuf_warning(opts):
        io.error("ping: WARNING: probably, rcvbuf is not enough to hold preload\n")
    if opts.ttl == 0:
        _fail(io, 2, "cannot set unicast time-to-live: Invalid argument")
    optlen = 40 if opts.rroute or opts.timestamp else 0
    line = f"PING {target} ({ip_ntoa(dst)}) "
    if opts.device is not None or opts.strictsource:
        line += f"from {ip_ntoa(source)} {opts.device or ''}: "
    io.write(line + f"{opts.size}({opts.size + 8 + optlen + 20}) bytes of data.\n")
    interval = 0 if opts.flood and not opts.opt_interval else opts.interval
    if interval >= INT_MAX // opts.preload:
        _fail(io, 2, f"illegal preload and/or interval: {interval}")
    if opts.rroute or opts.timestamp:
        io.error("netsim: IP options (-R, -T) are not simulated: the replies carry none\n")
    count = opts.count
    terminal = io.terminal
    if not count and not opts.deadline and not (terminal is not None and terminal.interactive):
        count = DEFAULT_COUNT_WITHOUT_C
        io.error(f"netsim: ping without -c would run until Ctrl-C; sending {count} requests\n")
    cfg = PingConfig(
        target=target, dst=dst, count=count, interval=interval, preload=opts.preload,
        linger=opts.linger, deadline=opts.deadline, size=opts.size, ttl=opts.ttl, oif=oif,
        src=source if opts.strictsource else None, fill=fill, flood=opts.flood,
        quiet=opts.quiet, audible=opts.audible, adaptive=opts.adaptive,
        timestamps=opts.timestamps, outstanding=opts.outstanding, verbose=opts.verbose,
        multicast=multicast, route=route, names=names, mtu=mtu)
    return Pinger(host, cfg, io, ident=opts.ident if opts.ident >= 0 else None).run()
