"""Running a DHCP client as a program: in the foreground until bound, then as a daemon.

Both ``dhclient`` and ``udhcpc`` wait for their lease before the prompt comes back
(simulated time passes meanwhile, as with ``ping``), then stay as a process that
renews the lease; ``kill`` ends it (the address stays, as with the real tools).

From Python: :func:`start` runs a client in the background without waiting (what a
guest does at boot), :func:`running` finds the client of an interface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.services.dhcp_client import BusyboxClient, DhcpClient, Options

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.process import Process

DIALECTS = {"dhclient": DhcpClient, "udhcpc": BusyboxClient}


def running(host: Host, ifname: str) -> DhcpClient | None:
    """The live client on ``ifname`` of ``host``, if any."""
    client = host.services.get("dhcp_clients", {}).get(ifname)
    return client if client is not None and client.proc.running else None


def make(host: Host, ifname: str, proc: Process, dialect: str, say,
         options: Options | None = None) -> DhcpClient:
    """A client of the given dialect on ``ifname``, owned by ``proc``."""
    opts = options or Options(hostname=host.name)
    client = DIALECTS[dialect](host, host.ns.get(ifname), proc, say, opts)
    host.services.setdefault("dhcp_clients", {})[ifname] = client
    return client


def run_until_bound(client: DhcpClient, limit: float | None = None) -> bool | None:
    """Let simulated time pass until the client is bound (True), gives up (False) or
    goes to the background still trying (None, after :func:`detach`, or once ``limit``
    simulated seconds have passed: the caller says what becomes of it)."""
    lab = client.lab
    client.detached = lab.env.event()
    process = lab.process(client.acquire())
    waits = [process, client.detached]
    if limit is not None:
        waits.append(lab.env.timeout(limit))
    lab.run_until(lab.env.any_of(waits))
    if not process.triggered:
        return None
    return bool(process.value)


def detach(client: DhcpClient) -> None:
    """The foreground wait of :func:`run_until_bound` ends; the client runs on."""
    event = getattr(client, "detached", None)
    if event is not None and not event.triggered:
        event.succeed()


def start(host: Host, ifname: str = "eth0", dialect: str = "dhclient") -> DhcpClient:
    """Start a client in the background (``dhclient -nw eth0``): returns at once.

    The process shows in ``ps``; ``client.lease`` is set once bound (run the lab).
    Its messages go to syslog.
    """
    from netsim.services import syslog

    proc = host.processes.spawn([dialect, ifname] if dialect == "dhclient"
                                else [dialect, "-i", ifname], ppid=1)

    def say(text: str) -> None:
        syslog.log(host, dialect, proc.pid, text.removeprefix("udhcpc: "))

    client = make(host, ifname, proc, dialect, say)
    host.lab.process(client._reacquire())
    return client
