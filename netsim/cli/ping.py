"""``ping`` as iputils 20221126 prints it: options, per-reply lines, statistics, exit status.

Exit status: 0 if any reply came back, 1 if none did, 2 for errors before sending
(no route, unknown interface). Without ``-c`` a real ping runs until Ctrl-C; here it
stops after 4 requests (and says so on stderr), since a notebook cell has no Ctrl-C.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from netsim.user.getopt import GetoptError, getopt
from netsim.user.io import Io
from netsim.user.ping import run_ping, statistics

if TYPE_CHECKING:
    from netsim.host import Host

DEFAULT_COUNT_WITHOUT_C = 4

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
# getopt's option string: the flags, then the options that take an argument
_SHORTOPTS = "46abqnvdDfhLOrRUAB" + "".join(f"{c}:" for c in "cisWwItlmMpQSeF")


class _UsageError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _number(text: str, kind: type, low: float, high: float | None = None) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise _UsageError(f"ping: invalid argument: '{text}'", 1) from None
    if value < low or (high is not None and value > high):
        limit = f"{low} <= value <= {high if high is not None else 9223372036854775807}"
        raise _UsageError(f"ping: invalid argument: '{text}': out of range: {limit}", 1)
    return value


def _parse(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """iputils' getopt() loop (``-c3``, ``-c 3``, ``-qn``, options after the address);
    the last of an option wins, a flag maps to ""."""
    try:
        options, rest = getopt("ping", argv[1:], _SHORTOPTS)
    except GetoptError as err:
        raise _UsageError(str(err).rstrip("\n"), 2) from None
    return {name[1:]: value or "" for name, value in options}, rest


def main(host: Host, argv: list[str], io: Io) -> int:
    try:
        opts, rest = _parse(argv)
        if not rest:
            raise _UsageError("ping: usage error: Destination address required", 1)
        count = int(_number(opts["c"], int, 1)) if "c" in opts else None
        interval = _number(opts["i"], float, 0.0) if "i" in opts else 1.0
        linger = _number(opts["W"], float, 0.0) if "W" in opts else 10.0
        size = int(_number(opts["s"], int, 0, 65507)) if "s" in opts else 56
    except _UsageError as err:
        io.error(str(err) + "\n")
        if err.status == 2:
            io.error(USAGE)
        return err.status
    target = rest[-1]
    try:
        dst = ipaddress.IPv4Address(target).packed
    except ValueError:
        io.error(f"ping: {target}: Temporary failure in name resolution\n")
        return 2
    oif = None
    if "I" in opts:
        oif = host.ns.get(opts["I"])
        if oif is None:
            io.error(f"ping: SO_BINDTODEVICE {opts['I']}: No such device\n")
            return 2
    if count is None:
        count = DEFAULT_COUNT_WITHOUT_C
        io.error(f"netsim: ping without -c would run until Ctrl-C; sending {count} requests\n")
    run = run_ping(host, dst, count=count, interval=interval, linger=linger, size=size,
                   oif=oif, quiet="q" in opts)
    if run.error_text:
        io.error(run.error_text + "\n")
        return 2
    io.write(f"PING {target} ({run.target}) {size}({size + 28}) bytes of data.\n")
    for line in run.lines:
        io.write(line + "\n")
    io.write("\n" + statistics(run))
    return 0 if run.received else 1
