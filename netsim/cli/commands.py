"""The simulated tools' table: which program answers to which name on a host's PATH.

:class:`netsim.lab.Lab` hands :data:`REGISTRY` to its world, so every host's shell
finds these programs. Each is imported on first use (:class:`~netsim.user.commands.
CommandTable`), so ``import netsim`` stays light and a host that never runs ``brctl``
never loads it.

A program that keeps running after the shell prompt comes back (QEMU, dnsmasq) can
also be started in the background by ``host.spawn``: its module defines, beside
``main``,

    def background(host: Host, argv: list[str], proc: Process) -> None

which starts the program *as* ``proc`` (already in the host's process table, with
``argv`` as its command line): it installs its fds and signal handlers, writes with
``proc.out``/``proc.err``, and returns while the program runs on -- or calls
``proc.exit(status)`` first if it fails at once. See :mod:`netsim.shell.background`.
"""

from __future__ import annotations

from netsim.user.commands import CommandTable

# name -> "module:function"; each function is (host, argv, io) -> exit status
PROGRAMS: dict[str, str] = {
    "ip": "netsim.cli.ip:main",
    "bridge": "netsim.cli.bridge:main",
    "brctl": "netsim.cli.brctl:main",
    "sysctl": "netsim.cli.sysctl:main",
    "ping": "netsim.cli.ping:main",
    "ps": "netsim.cli.ps:main",
    "tcpdump": "netsim.cli.tcpdump:main",
    "qemu-system-x86_64": "netsim.qemu.launcher:main",
    "qemu-img": "netsim.qemu.img:main",
    # netfilter (issue 5)
    "iptables": "netsim.cli.iptables:main",
    "conntrack": "netsim.cli.conntrack:main",
    # DHCP (issue 5)
    "dnsmasq": "netsim.cli.dnsmasq:main",
    "dhclient": "netsim.cli.dhclient:main",
    "udhcpc": "netsim.cli.udhcpc:main",
    # services and clients the mode scenarios use (issue 5)
    "socat": "netsim.cli.socat:main",
    "hostname": "netsim.cli.hostname:main",
    # run a program as another user (the tun/tap ownership checks, issue 16)
    "setpriv": "netsim.cli.setpriv:main",
}

REGISTRY = CommandTable(PROGRAMS)
