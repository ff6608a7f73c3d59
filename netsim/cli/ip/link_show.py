"""Printing one device as `ip link show` / `ip addr show` do (ipaddress.c: print_linkinfo).

The same routine serves the text form (here folded; it is one line)::

    4: eth0@eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0
        state UP mode DEFAULT group default qlen 1000
        link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff

and the JSON form (``ip -j``), because each print call names both the text format
and the JSON key (see :mod:`netsim.cli.ip.render`). ``-d`` adds the driver's own
details (``linkinfo``: bridge timers, tun flags, the bridge-port block), ``-s`` the
counters, ``-br`` a one-line summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.cli.ip.render import ANY, JSON, Printer
from netsim.engine.units import USER_HZ, clock_t
from netsim.netlink import devinfo
from netsim.packets.addr import mac_ntoa

if TYPE_CHECKING:
    from netsim.cli.ip.opts import Ctx
    from netsim.stack.netdevice import NetDevice


def bridge_id_text(priority: int, mac: bytes) -> str:
    """br_dump_bridge_id(): ``8000.2:0:0:0:0:10`` (ether_ntoa: no zero padding)."""
    return f"{priority >> 8:02x}{priority & 0xFF:02x}." + ":".join(f"{b:x}" for b in mac)


def txqlen_signed(dev: NetDevice) -> int:
    """IFLA_TXQLEN is a u32 that iproute2 prints with %d: 4294967291 shows as -5."""
    value = dev.txqlen & 0xFFFFFFFF
    return value - (1 << 32) if value >= (1 << 31) else value


@dataclass
class LinkFilter:
    """What `ip link show` was asked to keep (ipaddress.c's ``filter``)."""

    up: bool = False
    master: int = 0       # ifindex; -1 = only devices without a master ("nomaster")
    kind: str | None = None
    slave_kind: str | None = None
    group: int | None = None  # every simulated device is in group 0 ("default")


# ---------------------------------------------------------------------- pieces
def print_flags(p: Printer, flags: int, mdown: bool) -> None:
    """print_link_flags(): ``<NO-CARRIER,BROADCAST,MULTICAST,UP>`` / ``"flags":[...]``."""
    p.open_array(ANY, "flags" if p.is_json else "<")
    names = []
    if flags & devinfo.IFF_UP and not flags & devinfo.IFF_RUNNING:
        names.append("NO-CARRIER")
    names += [name for bit, name in devinfo.FLAG_NAMES if flags & bit]
    for i, name in enumerate(names):
        p.string(ANY, None, "%s," if i < len(names) - 1 else "%s", name)
    if mdown:
        p.string(ANY, None, ",%s", "M-DOWN")
    p.close_array(ANY, "> ")


def print_name_and_link(p: Printer, ctx: Ctx, fmt: str, dev: NetDevice) -> bool:
    """print_name_and_link(): ``eth0@eth1`` or ``eth0@if7``; returns the M-DOWN flag.

    M-DOWN ("master down") is printed when the device below -- a veth's peer in the
    same namespace -- is not up.
    """
    name = dev.name
    iflink, netnsid = devinfo.link_info(ctx.ns, dev)
    mdown = False
    if iflink:
        if netnsid is not None:
            if p.is_json:
                p.int(JSON, "link_index", "", iflink)
            else:
                name = f"{name}@if{iflink}"
        else:
            lower = ctx.ns.by_index(iflink)
            lower_name = lower.name if lower is not None else f"if{iflink}"
            if p.is_json:
                p.string(JSON, "link", "", lower_name)
            else:
                name = f"{name}@{lower_name}"
            mdown = lower is not None and not lower.admin_up
    p.string(ANY, "ifname", fmt, name)
    return mdown


def print_operstate(p: Printer, ctx: Ctx, state: str) -> None:
    if ctx.brief:
        p.string(ANY, "operstate", "%-14s ", state)
    elif p.is_json:
        p.string(JSON, "operstate", "", state)
    else:
        p.fp(f"state {state} ")


def _timer(p: Printer, name: str, centisecs: int) -> None:
    """A bridge timer: ``gc_timer    2.99`` as text, ``"gc_timer":2.99`` (raw) as JSON."""
    secs, cs = divmod(max(centisecs, 0), 100)
    if p.is_json:
        p.raw_json(name, f"{secs}.{cs:02d}")
    else:
        p.fp(f"{name} {secs:4d}.{cs:02d} ")


# ---------------------------------------------------------------------- drivers' details
def print_bridge_data(p: Printer, ctx: Ctx, br) -> None:
    """bridge_print_opt(): the IFLA_BR_* attributes Linux 6.18 sends for a bridge.

    iproute2 6.1 prints ``root_id`` from IFLA_BR_BRIDGE_ID (its own bug): both show the
    bridge's own id, whoever the root is; ``root_port`` and ``root_path_cost`` tell.
    """
    bid = bridge_id_text(br.priority, br.bridge_mac)
    gc_left = 0
    gc_due = getattr(br.fdb, "gc_due", None)
    if gc_due is not None:
        gc_left = int((gc_due - ctx.ns.env.now) * USER_HZ + 1e-9)
    for key, value in (("forward_delay", clock_t(br.forward_delay)),
                       ("hello_time", clock_t(br.hello_time)),
                       ("max_age", clock_t(br.max_age)),
                       ("ageing_time", clock_t(br.ageing_time)),
                       ("stp_state", 1 if br.stp_enabled else 0),
                       ("priority", br.priority),
                       ("vlan_filtering", 0)):
        p.uint(ANY, key, f"{key} %u ", value)
    p.string(ANY, "bridge_id", "bridge_id %s ", bid)
    p.string(ANY, "root_id", "designated_root %s ", bid)
    for key, value in (("root_port", br.root_port), ("root_path_cost", br.root_path_cost),
                       ("topology_change", int(br.topology_change)),
                       ("topology_change_detected", int(br.topology_change_detected))):
        p.uint(ANY, key, f"{key} %u ", value)
    for key in ("hello_timer", "tcn_timer", "topology_change_timer"):
        _timer(p, key, getattr(br, key).value())
    _timer(p, "gc_timer", gc_left)
    p.hex0x(ANY, "group_fwd_mask", "group_fwd_mask %s ", br.group_fwd_mask)
    p.string(ANY, "group_addr", "group_address %s ", "01:80:c2:00:00:00")
    # Multicast snooping and netfilter knobs: not modelled, shown with Linux's defaults.
    for key, text, value in (
            ("mcast_snooping", "mcast_snooping", 1),
            ("no_linklocal_learn", "no_linklocal_learn", 0),
            ("mcast_vlan_snooping", "mcast_vlan_snooping", 0),
            ("mcast_router", "mcast_router", 1),
            ("mcast_query_use_ifaddr", "mcast_query_use_ifaddr", 0),
            ("mcast_querier", "mcast_querier", 0),
            ("mcast_hash_elasticity", "mcast_hash_elasticity", 16),
            ("mcast_hash_max", "mcast_hash_max", 4096),
            ("mcast_last_member_cnt", "mcast_last_member_count", 2),
            ("mcast_startup_query_cnt", "mcast_startup_query_count", 2),
            ("mcast_last_member_intvl", "mcast_last_member_interval", 100),
            ("mcast_membership_intvl", "mcast_membership_interval", 26000),
            ("mcast_querier_intvl", "mcast_querier_interval", 25500),
            ("mcast_query_intvl", "mcast_query_interval", 12500),
            ("mcast_query_response_intvl", "mcast_query_response_interval", 1000),
            ("mcast_startup_query_intvl", "mcast_startup_query_interval", 3124),
            ("mcast_stats_enabled", "mcast_stats_enabled", 0),
            ("mcast_igmp_version", "mcast_igmp_version", 2),
            ("mcast_mld_version", "mcast_mld_version", 1),
            ("nf_call_iptables", "nf_call_iptables", 0),
            ("nf_call_ip6tables", "nf_call_ip6tables", 0),
            ("nf_call_arptables", "nf_call_arptables", 0)):
        p.uint(ANY, key, f"{text} %u ", value)


def print_bridge_port_data(p: Printer, port) -> None:
    """bridge_slave_print_opt(): the IFLA_BRPORT_* block of a bridge port."""
    p.string(ANY, "state", "state %s ", port.state)
    p.int(ANY, "priority", "priority %d ", port.priority)
    p.int(ANY, "cost", "cost %d ", port.path_cost)
    for key, value in (("hairpin", port.hairpin), ("guard", port.guard),
                       ("root_block", port.root_block),
                       ("fastleave", False), ("learning", port.learning),
                       ("flood", port.flood)):
        p.on_off(ANY, key, f"{key} %s ", value)
    p.hex0x(ANY, "id", "port_id %s ", port.port_id)
    p.hex0x(ANY, "no", "port_no %s ", port.port_no)
    p.uint(ANY, "designated_port", "designated_port %u ", port.designated_port)
    p.uint(ANY, "designated_cost", "designated_cost %u ", port.designated_cost)
    for key, text, bid in (("bridge_id", "designated_bridge", port.designated_bridge),
                           ("root_id", "designated_root", port.designated_root)):
        p.string(ANY, key, f"{text} %s ", bridge_id_text(bid.priority, bid.mac))
    for key in ("hold_timer", "message_age_timer", "forward_delay_timer"):
        _timer(p, key, getattr(port, key).value())
    p.uint(ANY, "topology_change_ack", "topology_change_ack %u ", int(port.topology_change_ack))
    p.uint(ANY, "config_pending", "config_pending %u ", int(port.config_pending))
    p.on_off(ANY, "proxy_arp", "proxy_arp %s ", False)
    p.on_off(ANY, "proxy_arp_wifi", "proxy_arp_wifi %s ", False)
    p.uint(ANY, "multicast_router", "mcast_router %u ", 1)
    p.fp("mcast_fast_leave off ")
    p.on_off(ANY, "mcast_flood", "mcast_flood %s ", port.mcast_flood)
    p.on_off(ANY, "bcast_flood", "bcast_flood %s ", port.bcast_flood)
    p.on_off(ANY, "mcast_to_unicast", "mcast_to_unicast %s ", False)
    p.on_off(ANY, "neigh_suppress", "neigh_suppress %s ", False)
    p.hex0x(ANY, "group_fwd_mask", "group_fwd_mask %s ", 0)
    p.string(ANY, "group_fwd_mask_str", "group_fwd_mask_str %s ", "0x0")
    for key in ("vlan_tunnel", "isolated", "locked"):
        p.on_off(ANY, key, f"{key} %s ", False)


def _owner_name(uid: int) -> str | None:
    """The simulated hosts know one account: root (uid and gid 0)."""
    return "root" if uid == 0 else None


def print_tun_data(p: Printer, dev) -> None:
    """tun_print_opt(): type, pi, vnet_hdr, multi_queue, persist, owner, group."""
    p.string(ANY, "type", "type %s ", dev.mode)
    p.on_off(ANY, "pi", "pi %s ", getattr(dev, "pi", False))
    p.on_off(ANY, "vnet_hdr", "vnet_hdr %s ", dev.vnet_hdr)
    if dev.multi_queue:
        p.bool(ANY, "multi_queue", "multi_queue ", True)
        p.uint(ANY, "numqueues", "numqueues %u ", len(dev.files))
        p.uint(ANY, "numdisabled", "numdisabled %u ", 0)
    elif p.is_json:
        p.bool(JSON, "multi_queue", "", False)
    p.on_off(ANY, "persist", "persist %s ", dev.persist)
    for key in ("owner", "group"):
        value = getattr(dev, key, None)
        if value is None:
            continue
        label = "user" if key == "owner" else "group"
        name = _owner_name(value)
        if name is not None:
            p.string(ANY, label, f"{label} %s ", name)
        else:
            p.uint(ANY, label, f"{label} %u ", value)


def print_linktype(p: Printer, ctx: Ctx, dev: NetDevice) -> None:
    """print_linktype(): ``linkinfo`` = the device's kind (+ data) and its role as a port."""
    kind = devinfo.kind(dev)
    port = dev.br_port
    if not kind and port is None:
        return
    p.open_object("linkinfo")
    if kind:
        p.nl()
        p.string(ANY, "info_kind", "    %s ", kind)
        if kind == "bridge":
            p.open_object("info_data")
            print_bridge_data(p, ctx, dev)
            p.close_object()
        elif kind == "tun":
            p.open_object("info_data")
            print_tun_data(p, dev)
            p.close_object()
    if port is not None:
        p.nl()
        p.string(ANY, "info_slave_kind", "    %s_slave ", "bridge")
        p.open_object("info_slave_data")
        print_bridge_port_data(p, port)
        p.close_object()
    p.close_object()


# ---------------------------------------------------------------------- statistics
def _cols(cols: list[int], values: list[int]) -> None:
    for i, value in enumerate(values):
        cols[i] = max(cols[i], len(str(value)))


def print_stats64(p: Printer, ctx: Ctx, dev: NetDevice) -> None:
    """print_stats64(): ``"stats64":{"rx":{...},"tx":{...}}`` or the RX:/TX: table."""
    s = dev.stats
    carrier_changes = getattr(dev, "carrier_changes", 0)
    if p.is_json:
        p.open_object("stats64")
        p.open_object("rx")
        for key, name in (("bytes", "rx_bytes"), ("packets", "rx_packets"),
                          ("errors", "rx_errors"), ("dropped", "rx_dropped"),
                          ("over_errors", "rx_over_errors"), ("multicast", "multicast")):
            p.int(JSON, key, "", s[name])
        if ctx.stats > 1:
            for key in ("length_errors", "crc_errors", "frame_errors", "fifo_errors",
                        "missed_errors"):
                p.int(JSON, key, "", 0)
        p.close_object()
        p.open_object("tx")
        for key, name in (("bytes", "tx_bytes"), ("packets", "tx_packets"),
                          ("errors", "tx_errors"), ("dropped", "tx_dropped"),
                          ("carrier_errors", "tx_carrier_errors"), ("collisions", "collisions")):
            p.int(JSON, key, "", s[name])
        if ctx.stats > 1:
            for key in ("aborted_errors", "fifo_errors", "window_errors", "heartbeat_errors"):
                p.int(JSON, key, "", 0)
            p.int(JSON, "carrier_changes", "", carrier_changes)
        p.close_object()
        p.close_object()
        return
    cols = [len("*X errors:"), len("packets"), len("errors"), len("dropped"),
            len("heartbt"), len("overrun"), len("compressed"), len("otherhost")]
    rx = [s["rx_bytes"], s["rx_packets"], s["rx_errors"], s["rx_dropped"], 0, s["multicast"]]
    tx = [s["tx_bytes"], s["tx_packets"], s["tx_errors"], s["tx_dropped"],
          s["tx_carrier_errors"], s["collisions"]]
    _cols(cols, rx + [0, 0])
    if ctx.stats > 1:
        _cols(cols, [0, 0, 0, 0, 0, s["rx_over_errors"], 0, 0])
    _cols(cols, tx + [0, 0])
    if ctx.stats > 1:
        _cols(cols, [0, 0, 0, 0, 0, 0, carrier_changes, 0])
    sl = p.sl

    def row(values: list[int]) -> str:
        return "    " + "".join(f"{v:{cols[i]}d} " for i, v in enumerate(values))

    out = (f"    RX: {'bytes':>{cols[0] - 4}} {'packets':>{cols[1]}} {'errors':>{cols[2]}} "
           f"{'dropped':>{cols[3]}} {'missed':>{cols[4]}} {'mcast':>{cols[5]}} "
           f"{'':>{cols[6]}}{sl}" + row(rx))
    if ctx.stats > 1:
        out += (f"{sl}    RX errors:{'':>{cols[0] - 10}} {'length':>{cols[1]}} {'crc':>{cols[2]}} "
                f"{'frame':>{cols[3]}} {'fifo':>{cols[4]}} {'overrun':>{cols[5]}}{sl}"
                + " " * (cols[0] + 5)
                + "".join(f"{v:{cols[i + 1]}d} " for i, v in enumerate(
                    [0, 0, 0, 0, s["rx_over_errors"]])))
    out += sl
    out += (f"    TX: {'bytes':>{cols[0] - 4}} {'packets':>{cols[1]}} {'errors':>{cols[2]}} "
            f"{'dropped':>{cols[3]}} {'carrier':>{cols[4]}} {'collsns':>{cols[5]}} "
            f"{'':>{cols[6]}}{sl}" + row(tx))
    if ctx.stats > 1:
        out += (f"{sl}    TX errors:{'':>{cols[0] - 10}} {'aborted':>{cols[1]}} "
                f"{'fifo':>{cols[2]}} {'window':>{cols[3]}} {'heartbt':>{cols[4]}} "
                f"{'transns':>{cols[5]}}{sl}" + " " * (cols[0] + 5)
                + "".join(f"{v:{cols[i + 1]}d} " for i, v in enumerate(
                    [0, 0, 0, 0, carrier_changes])))
    p.fp(out)


# ---------------------------------------------------------------------- the whole device
def _filtered_out(ctx: Ctx, dev: NetDevice, filt: LinkFilter) -> bool:
    if filt.up and not dev.admin_up:
        return True
    if filt.group is not None and filt.group != 0:
        return True
    master = dev.master.ifindex if dev.master is not None else 0
    if filt.master > 0 and master != filt.master:
        return True
    if filt.master == -1 and master:
        return True
    if filt.kind is not None and devinfo.kind(dev) != filt.kind:
        return True
    return filt.slave_kind is not None and (filt.slave_kind != "bridge" or dev.br_port is None)


def print_linkinfo(p: Printer, ctx: Ctx, dev: NetDevice, filt: LinkFilter, do_link: bool,
                   label_filter: bool = False, family: str | None = None) -> int:
    """print_linkinfo(): -1 when the filter drops the device, 0 when only its addresses
    are wanted (`ip addr show label L`), else 1 (printed)."""
    if _filtered_out(ctx, dev, filt):
        return -1
    if label_filter:
        return 0
    if ctx.brief:
        return print_linkinfo_brief(p, ctx, dev, do_link)
    flags = devinfo.if_flags(dev)
    p.int(ANY, "ifindex", "%d: ", dev.ifindex)
    mdown = print_name_and_link(p, ctx, "%s: ", dev)
    print_flags(p, flags, mdown)
    p.int(ANY, "mtu", "mtu %u ", dev.mtu)
    p.string(ANY, "qdisc", "qdisc %s ", devinfo.qdisc(dev))
    if dev.master is not None:
        p.string(ANY, "master", "master %s ", dev.master.name)
    print_operstate(p, ctx, dev.operstate)
    if do_link:
        p.string(ANY, "linkmode", "mode %s ", "DEFAULT")
    p.string(ANY, "group", "group %s ", "default")
    qlen = txqlen_signed(dev)
    if qlen:
        p.int(ANY, "txqlen", "qlen %d", qlen)
    family = ctx.family if family is None else family
    if family in ("", "link") or ctx.details:
        print_link_addresses(p, dev)
    _print_link_netns(p, ctx, dev)
    if ctx.details:
        print_details(p, ctx, dev, do_link)
    if do_link and ctx.stats:
        p.nl()
        print_stats64(p, ctx, dev)
    p.fp("\n")
    return 1


def print_link_addresses(p: Printer, dev: NetDevice) -> None:
    p.nl()
    p.string(ANY, "link_type", "    link/%s ", devinfo.link_type(dev))
    if devinfo.has_address(dev):
        p.string(ANY, "address", "%s", mac_ntoa(dev.mac))
        if dev.flag_pointopoint:
            p.fp(" peer ")
            p.bool(JSON, "link_pointtopoint", "", True)
        else:
            p.fp(" brd ")
        p.string(ANY, "broadcast", "%s", mac_ntoa(devinfo.broadcast(dev)))


def _print_link_netns(p: Printer, ctx: Ctx, dev: NetDevice) -> None:
    _iflink, netnsid = devinfo.link_info(ctx.ns, dev)
    if netnsid is None:
        return
    if p.is_json:
        p.int(JSON, "link_netnsid", "", netnsid)
        return
    peer = dev.peer
    # Every simulated host is a *named* namespace (like `ip netns add`), so iproute2
    # finds the name for the id and prints it.
    p.fp(f" link-netns {peer.ns.name}")


def print_details(p: Printer, ctx: Ctx, dev: NetDevice, do_link: bool) -> None:
    """The ``-d`` part: promiscuity, MTU limits, linkinfo, queues, offload limits."""
    min_mtu, max_mtu = devinfo.min_max_mtu(dev)
    p.uint(ANY, "promiscuity", " promiscuity %u ", dev.promiscuity)
    p.uint(ANY, "allmulti", " allmulti %u ", dev.allmulti)
    p.uint(ANY, "min_mtu", "minmtu %u ", min_mtu)
    p.uint(ANY, "max_mtu", "maxmtu %u ", max_mtu)
    print_linktype(p, ctx, dev)
    if do_link:
        p.string(ANY, "inet6_addr_gen_mode", "addrgenmode %s ", "eui64")
    nq = devinfo.queues(dev)
    p.uint(ANY, "num_tx_queues", "numtxqueues %u ", nq)
    p.uint(ANY, "num_rx_queues", "numrxqueues %u ", nq)
    p.uint(ANY, "gso_max_size", "gso_max_size %u ", devinfo.GSO_MAX_SIZE)
    p.uint(ANY, "gso_max_segs", "gso_max_segs %u ", 65535)
    p.uint(ANY, "tso_max_size", "tso_max_size %u ", devinfo.tso_max_size(dev))
    p.uint(ANY, "tso_max_segs", "tso_max_segs %u ", 65535)
    p.uint(ANY, "gro_max_size", "gro_max_size %u ", devinfo.GSO_MAX_SIZE)


def print_linkinfo_brief(p: Printer, ctx: Ctx, dev: NetDevice, do_link: bool) -> int:
    """print_linkinfo_brief(): ``eth0@eth1        UP             02:00:... <...>``."""
    mdown = print_name_and_link(p, ctx, "%-16s ", dev)
    print_operstate(p, ctx, dev.operstate)
    if do_link:
        if devinfo.has_address(dev):
            p.string(ANY, "address", "%s ", mac_ntoa(dev.mac))
        print_flags(p, devinfo.if_flags(dev), mdown)
        p.fp("\n")
    return 0

