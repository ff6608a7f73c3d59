"""``dhclient [-v] [-1] [-r] [-x] [-nw] [-d] [-pf F] [-lf F] [-cf F] [-sf F] [IF...]``.

ISC DHCP client 4.4.3-P1 as Debian 12 ships it: quiet unless ``-v``; waits for a lease
(60 s of DISCOVERs), then forks into the background and renews. ``-1`` gives up after
the first 60 s ("No DHCPOFFERS received.", exit 2); without it dhclient sleeps and
tries again later in the background. ``-r`` releases the lease and stops the running
client; ``-x`` stops it keeping the address. The messages are the real tool's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.cli.cnum import c_argv
from netsim.packets.addr import mac_ntoa
from netsim.services import clients, syslog
from netsim.services.dhcp_client import ISC_RETRY
from netsim.user.io import Io

if TYPE_CHECKING:
    from netsim.host import Host

BANNER = ("Internet Systems Consortium DHCP Client 4.4.3-P1\n"
          "Copyright 2004-2022 Internet Systems Consortium.\n"
          "All rights reserved.\n"
          "For info, please visit https://www.isc.org/software/dhcp/\n\n")
USAGE = """Usage: dhclient [-4|-6] [-SNTPRI1dvrxi] [-nw] [-p <port>] [-D LL|LLT]
                [--dad-wait-time <seconds>] [--prefix-len-hint <length>]
                [--decline-wait-time <seconds>]
                [--address-prefix-len <length>]
                [-s server-addr] [-cf config-file]
                [-df duid-file] [-lf lease-file]
                [-pf pid-file] [--no-pid] [-e VAR=val]
                [-sf script-file] [interface]*
       dhclient {--version|--help|-h}
"""
BUG_TEXT = """
If you think you have received this message due to a bug rather
than a configuration issue please read the section on submitting
bugs on either our web page at www.isc.org or in the README file
before submitting a bug.  These pages explain the proper
process and the information we find helpful for debugging.

exiting.
"""
_FLAGS = {"-4", "-6", "-S", "-N", "-T", "-P", "-R", "-I", "-1", "-d", "-v", "-r", "-x", "-i",
          "-q", "-nw", "-w", "--no-pid"}
_WITH_ARG = {"-p", "-D", "-s", "-cf", "-df", "-lf", "-pf", "-e", "-sf", "-n",
             "--dad-wait-time", "--prefix-len-hint", "--decline-wait-time",
             "--address-prefix-len"}


def main(host: Host, argv: list[str], io: Io) -> int:
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    flags: set[str] = set()
    ifnames: list[str] = []
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in ("--version",):
            io.error("isc-dhclient-4.4.3-P1\n")
            return 0
        if arg in ("--help", "-h"):
            io.error(USAGE)
            return 0
        if arg in _FLAGS:
            flags.add(arg)
        elif arg in _WITH_ARG:
            i += 1
            if i >= len(argv):
                io.error(BANNER.rstrip("\n") + f"\n{_missing(arg)}\n{USAGE}{BUG_TEXT}")
                return 1
        elif arg.startswith("-"):
            io.error(BANNER.rstrip("\n") + f"\nUnknown command: {arg}\n{USAGE}{BUG_TEXT}")
            return 1
        else:
            ifnames.append(arg)
        i += 1
    verbose = "-v" in flags
    say = io.error if verbose else (lambda _text: None)
    for name in ifnames:
        if host.ns.get(name) is None:
            if verbose:
                io.error(BANNER + f'Cannot find device "{name}"\nFailed to get interface '
                         f"index: No such device\n{BUG_TEXT}")
            else:
                io.error(f'Cannot find device "{name}"\n')
            return 1
    if not ifnames:
        ifnames = [d.name for d in host.ns.in_order() if not d.flag_loopback][:1]
        if not ifnames:
            return 0
    ifname = ifnames[0]
    if "-r" in flags or "-x" in flags:
        return _stop(host, ifname, release="-r" in flags, io=io, verbose=verbose)
    if verbose:
        mac = mac_ntoa(host.ns.get(ifname).mac)
        io.error(BANNER + f"Listening on LPF/{ifname}/{mac}\nSending on   LPF/{ifname}/{mac}\n"
                 "Sending on   Socket/fallback\n")
    proc = host.processes.fork_exec(argv)
    client = clients.make(host, ifname, proc, "dhclient", lambda t: say(t + "\n"))
    client.run(f"ip link set dev {ifname} up")  # dhclient-script PREINIT
    if "-nw" in flags:
        _to_background(host, client)
        host.lab.process(client._reacquire())
        return 0
    bound = clients.run_until_bound(client)
    if not bound and "-1" in flags:
        say("Unable to obtain a lease on first try.  Exiting.\n")  # quiet without -v
        proc.exit(2)
        return 2
    if not bound:
        say("No working leases in persistent database - sleeping.\n")
        _to_background(host, client)
        client._arm(ISC_RETRY, lambda gen: gen == client._timer_gen and client.proc.running
                    and host.lab.process(client._reacquire()))
        return 0
    _to_background(host, client)
    return 0


def _missing(arg: str) -> str:
    return f"{arg} requires an argument"


def _to_background(host: Host, client) -> None:
    """dhclient forks once bound: its later messages go to syslog."""
    daemon = client.daemonize()
    client.say = lambda text: syslog.log(host, "dhclient", daemon.pid, text)


def _stop(host: Host, ifname: str, release: bool, io: Io, verbose: bool) -> int:
    """``-r``/``-x``: tell the running client to release (or just stop)."""
    client = clients.running(host, ifname)
    if client is not None:
        io.error("Killed old client process\n")
    if verbose:
        mac = mac_ntoa(host.ns.get(ifname).mac)
        io.error(BANNER + f"Listening on LPF/{ifname}/{mac}\nSending on   LPF/{ifname}/{mac}\n"
                 "Sending on   Socket/fallback\n")
    if client is None:
        return 0
    if release and client.lease is not None:
        client.say = (lambda t: io.error(t + "\n")) if verbose else (lambda _t: None)
        client.release()
        host.lab.run(0.01)  # the release reaches the wire before dhclient exits
    client.proc.exit(0)
    return 0
