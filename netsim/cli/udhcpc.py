"""``udhcpc [-fbqnR] [-i IF] [-t N] [-T SEC] [-A SEC] [-s PROG] [-x OPT:VAL] ...``.

busybox 1.35.0's DHCP client (Debian 12's busybox 1:1.35.0-4). It prints to stderr,
runs ``/etc/udhcpc/default.script`` at its events (``deconfig`` first, then
``bound``), and after the lease either exits (``-q``) or stays to renew. No lease
after ``-t`` discovers: ``-n`` exits 1 ("no lease, failing"), ``-b`` goes to the
background, and otherwise the real tool keeps trying forever -- here it goes on in
the background too, with a note, as a notebook cell cannot wait forever.

``-s PROG`` other than the default script: the interface is left alone (people use
``-s /bin/true`` to only watch the exchange).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.cli.cnum import c_argv
from netsim.services import clients
from netsim.services.dhcp_client import Options
from netsim.user.getopt import GetoptError, getopt_long
from netsim.user.io import Io
from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.host import Host

DEFAULT_SCRIPT = "/etc/udhcpc/default.script"
USAGE = """BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.

Usage: udhcpc [-fbqRB] [-a[MSEC]] [-t N] [-T SEC] [-A SEC|-n]
\t[-i IFACE] [-s PROG] [-p PIDFILE]
\t[-oC] [-r IP] [-V VENDOR] [-F NAME] [-x OPT:VAL]... [-O OPT]...

\t-i IFACE\tInterface to use (default eth0)
\t-s PROG\t\tRun PROG at DHCP events (default /etc/udhcpc/default.script)
\t-p FILE\t\tCreate pidfile
\t-B\t\tRequest broadcast replies
\t-t N\t\tSend up to N discover packets (default 3)
\t-T SEC\t\tPause between packets (default 3)
\t-A SEC\t\tWait if lease is not obtained (default 20)
\t-b\t\tBackground if lease is not obtained
\t-n\t\tExit if lease is not obtained
\t-q\t\tExit after obtaining lease
\t-R\t\tRelease IP on exit
\t-f\t\tRun in foreground
\t-S\t\tLog to syslog too
\t-a[MSEC]\tValidate offered address with ARP ping
\t-r IP\t\tRequest this IP address
\t-o\t\tDon't request any options (unless -O is given)
\t-O OPT\t\tRequest option OPT from server (cumulative)
\t-x OPT:VAL\tInclude option OPT in sent packets (cumulative)
\t\t\tExamples of string, numeric, and hex byte opts:
\t\t\t-x hostname:bbox - option 12
\t\t\t-x lease:3600 - option 51 (lease time)
\t\t\t-x 0x3d:0100BEEFC0FFEE - option 61 (client id)
\t\t\t-x 14:'"dumpfile"' - option 14 (shell-quoted)
\t-F NAME\t\tAsk server to update DNS mapping for NAME
\t-V VENDOR\tVendor identifier (default 'udhcp VERSION')
\t-C\t\tDon't send MAC as client identifier
Signals:
\tUSR1\tRenew lease
\tUSR2\tRelease lease
"""
_FLAGS = "fbqRBSnoCa"
_WITH_ARG = "itTAspxrOVF"
_SHORTOPTS = _FLAGS + "".join(f"{c}:" for c in _WITH_ARG)
# busybox's long names, each another name for a short option (getopt_long's `val`);
# not all of them, so they must be typed in full (an abbreviation unique here might
# not be unique in busybox)
_LONG = {"clientid-none": "C", "foreground": "f", "background": "b", "interface": "i:",
         "now": "n", "pidfile": "p:", "quit": "q", "release": "R", "request": "r:",
         "script": "s:", "timeout": "T:", "retries": "t:", "tryagain": "A:", "syslog": "S",
         "request-option": "O:", "no-default-options": "o", "vendorclass": "V:",
         "fqdn": "F:", "broadcast": "B"}


class _Usage(Exception):
    pass


def _parse(argv: list[str]) -> dict[str, list[str]]:
    """busybox's getopt32(): getopt_long() underneath. Each option's values in order
    ("" for a flag); stray words are ignored, as busybox ignores them."""
    try:
        options, _operands = getopt_long("udhcpc", argv[1:], _SHORTOPTS, _LONG, exact=True)
    except GetoptError as err:
        raise _Usage(str(err).rstrip("\n")) from None
    opts: dict[str, list[str]] = {}
    for name, value in options:
        opts.setdefault(name[1:], []).append(value or "")
    return opts


FOREGROUND_LIMIT = 600.0
"""Simulated seconds ``udhcpc`` may wait at the prompt; past them (``-T 2147483647``,
``-t 0``: forever) it carries on in the background, as without ``-n``."""
FOREGROUND_ROUNDS = 1000
"""Discovers sent at the prompt before the same (``-T 0`` sends them all at once)."""


def xatoi_positive(text: str) -> int:
    """busybox's xatoi_positive(): xatou_range(text, 0, INT_MAX) in base 10. No blank,
    sign or prefix before the digits, nothing after them, and a number past an unsigned
    int (2^32) is invalid; one past INT_MAX is out of range."""
    parsed = strtol(text, 10, unsigned=True)
    if (not text[:1].isascii() or not text[:1].isalnum() or parsed is None
            or parsed.overflow or parsed.end != len(text) or parsed.value > 0xFFFFFFFF):
        raise ValueError(f"udhcpc: invalid number '{text}'")
    if parsed.value > 0x7FFFFFFF:
        raise ValueError(f"udhcpc: number {text} is not in 0..2147483647 range")
    return parsed.value


def main(host: Host, argv: list[str], io: Io) -> int:
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    try:
        opts = _parse(argv)
        tries = xatoi_positive(opts["t"][-1]) if "t" in opts else 3
        wait = xatoi_positive(opts["T"][-1]) if "T" in opts else 3
        pause = xatoi_positive(opts["A"][-1]) if "A" in opts else 20
    except _Usage as err:
        io.error(f"{err}\n{USAGE}")
        return 1
    except ValueError as err:
        io.error(f"{err}\n")
        return 1
    ifname = opts.get("i", ["eth0"])[-1]
    if host.ns.get(ifname) is None:
        io.error("udhcpc: SIOCGIFINDEX: No such device\n")
        return 1
    hostname = ""
    for item in opts.get("x", []):
        key, _, value = item.partition(":")
        if key in ("hostname", "12", "0x0c"):
            hostname = value.strip("'\"")
    options = Options(discover_tries=tries, discover_wait=float(wait),
                      fail_pause=float(pause), once="n" in opts, quit_when_bound="q" in opts,
                      hostname=hostname)
    proc = host.processes.fork_exec(argv)
    io.error("udhcpc: started, v1.35.0\n")
    client = clients.make(host, ifname, proc, "udhcpc", lambda t: io.error(t + "\n"), options)
    if opts.get("s", [DEFAULT_SCRIPT])[-1] != DEFAULT_SCRIPT:
        client.run = lambda _command: None  # another script: nothing configures the interface
    if "n" not in opts:
        # Without -n the real udhcpc retries forever; after one round here it carries
        # on in the background so the prompt comes back.
        client.on_no_lease = lambda: _give_up_to_background(host, client, io, "b" in opts)
    # However long -t, -T make the wait, the prompt comes back: past FOREGROUND_LIMIT
    # simulated seconds or FOREGROUND_ROUNDS discovers the client goes on in the
    # background (the real one would still be waiting).
    client.rounds_left = FOREGROUND_ROUNDS
    client.on_many_rounds = lambda: _give_up_to_background(host, client, io, False)
    bound = clients.run_until_bound(client, limit=FOREGROUND_LIMIT)
    if bound is None:   # went to the background without a lease
        if client.on_many_rounds is not None:  # the time ran out first
            _give_up_to_background(host, client, io, False)
        return 0
    if not bound:
        proc.exit(1)
        return 1
    if "q" in opts:
        if "R" in opts:
            client.release()
        proc.exit(0)
        return 0
    client.daemonize()
    client.say = lambda _text: None
    return 0


def _give_up_to_background(host: Host, client, io: Io, asked: bool) -> None:
    """No lease after -t tries: fork (``-b``), as the real one would with -b."""
    if asked:
        io.error("udhcpc: no lease, forking to background\n")
    else:
        io.error("netsim: udhcpc would keep trying in the foreground; it goes on in the "
                 "background\n")
    client.daemonize()
    client.say = lambda _text: None
    client.on_no_lease = lambda: None
    client.on_many_rounds = None
    clients.detach(client)  # the prompt comes back; the acquire loop keeps running
