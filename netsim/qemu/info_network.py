"""What the QEMU monitor's ``info network`` prints for a parsed command line.

QEMU lists its network clients: first each hub with its ports (newest port first, a
port followed by the client on it), then backends without a peer, then each NIC
followed by its backend (`` \\ name: ...``).
"""

from __future__ import annotations

from netsim.qemu.config import Netdev, Nic
from netsim.qemu.plan import QemuConfig


def format_info_network(cfg: QemuConfig, ifnames: dict[str, str] | None = None) -> str:
    """What the monitor's ``info network`` prints for this configuration.

    ``ifnames`` maps a tap netdev id to the name the kernel gave it (for
    ``ifname=`` absent or ``tap%d``); by default taps are numbered tap0, tap1, ...
    """
    names = _tap_names(cfg, ifnames)
    out = []
    by_port: dict[str, Netdev | Nic] = {}
    for nd in cfg.netdevs:
        if nd.hubport and nd.type != "hubport":
            by_port[nd.hubport] = nd
    for nic in cfg.nics:
        if nic.hubport:
            by_port[nic.hubport] = nic
    for hub, ports in sorted(cfg.hubs.items(), reverse=True):
        out.append(f"hub {hub}\n")
        for port in ports:
            peer = by_port.get(port)
            out.append(f" \\ {port}: {_client(peer, names)}" if peer else f" \\ {port}\n")
    for nd in cfg.netdevs:
        if nd.hub is None and (nd.peer is None):
            out.append(_client(nd, names))
    for nic in cfg.nics:
        if nic.hub is not None:
            continue
        out.append(_client(nic, names))
        nd = cfg.netdev(nic.netdev) if nic.netdev else None
        if nd is not None:
            out.append(" \\ " + _client(nd, names))
    return "".join(out)


def _tap_names(cfg: QemuConfig, ifnames: dict[str, str] | None) -> dict[str, str]:
    """Each tap netdev's interface name: the one given, else tap0, tap1... in order."""
    names = dict(ifnames or {})
    counter = 0
    for nd in cfg.netdevs:
        if nd.type == "tap" and nd.id not in names and nd.fd is None:
            if nd.ifname and "%d" not in nd.ifname:
                names[nd.id] = nd.ifname
            else:
                names[nd.id] = (nd.ifname or "tap%d").replace("%d", str(counter))
                counter += 1
    return names


def _client(nd_or_nic: Netdev | Nic, names: dict[str, str]) -> str:
    """One client's line(s): a NIC, or a backend (a tap has one line per queue)."""
    if isinstance(nd_or_nic, Nic):
        return (f"{nd_or_nic.name}: index=0,type=nic,model={nd_or_nic.model},"
                f"macaddr={nd_or_nic.mac}\n")
    nd = nd_or_nic
    if nd.type == "user":
        info = f"net={nd.net},restrict={'on' if nd.restrict else 'off'}"
        kind = "user"
    elif nd.type == "bridge" or (nd.type == "tap" and nd.helper):
        info = f"helper={nd.helper or '(null)'}"
        info += f",br={nd.br}" if nd.type == "bridge" else ""
        kind = "tap"
    elif nd.type == "tap" and nd.fd is not None:
        info, kind = f"fd={nd.fd}", "tap"
    elif nd.type == "tap":
        info = f"ifname={names.get(nd.id)},script={nd.script},downscript={nd.downscript}"
        kind = "tap"
    else:
        info, kind = "", nd.type
    return "".join(f"{nd.id}: index=0,type={kind},{info}\n"
                   for _ in range(nd.queues if nd.type == "tap" else 1))
