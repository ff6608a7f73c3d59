"""A frame decoded layer by layer, for the player's inspector: plain data, no HTML.

:func:`decode` turns the bytes a trace record carries into a list of layers, each
``{"n": name, "s": first byte, "e": byte after the last, "f": [[field, value], ...]}``
(values are text, as Wireshark's packet details show them). Ethernet, ARP, IPv4, ICMP
(with the packet an error quotes), UDP, DHCP, TCP and the spanning tree's BPDUs are read
with the parsers of :mod:`netsim.packets`; what follows the last known header is a
``data`` layer. A header that does not parse ends the list with a ``malformed`` layer
saying why, so a student sees what the kernel would have refused.
"""

from __future__ import annotations

from netsim.packets import arp, ethernet, icmp, ipv4, udp
from netsim.packets.addr import MalformedPacket, ip_ntoa, mac_ntoa
from netsim.packets.checksum import pseudo_header_sum

_ETHERTYPES = {ethernet.ETH_P_IP: "IPv4", ethernet.ETH_P_ARP: "ARP",
               ethernet.ETH_P_IPV6: "IPv6", ethernet.ETH_P_8021Q: "802.1Q VLAN"}
_PROTOS = {ipv4.IPPROTO_ICMP: "ICMP", ipv4.IPPROTO_TCP: "TCP", ipv4.IPPROTO_UDP: "UDP"}
_ICMP_CODES = {(3, 0): "net unreachable", (3, 1): "host unreachable",
               (3, 3): "port unreachable", (11, 0): "TTL exceeded in transit"}
_PORTS = {7: "echo", 53: "domain", 67: "bootps (DHCP server)", 68: "bootpc (DHCP client)",
          80: "http", 443: "https"}


def _layer(name: str, start: int, end: int, fields: list[list[str]]) -> dict:
    return {"n": name, "s": start, "e": end, "f": fields}


def _port(port: int) -> str:
    name = _PORTS.get(port)
    return f"{port} ({name})" if name else str(port)


def decode(data: bytes, l3: bool = False) -> list[dict]:
    """The layers of ``data``: an Ethernet frame, or (``l3``) an IPv4 packet."""
    layers: list[dict] = []
    try:
        if l3:
            _ipv4(data, 0, layers)
        else:
            _ethernet(data, layers)
    except (MalformedPacket, ValueError, IndexError) as err:
        start = layers[-1]["e"] if layers else 0
        layers.append(_layer("malformed", start, len(data), [["why", str(err)]]))
    return layers


def _ethernet(data: bytes, layers: list[dict]) -> None:
    dst, src, ethertype, _payload = ethernet.parse(data)
    if ethertype < 0x600:  # an 802.3 length: LLC follows (the spanning tree's BPDUs)
        layers.append(_layer("Ethernet (802.3)", 0, 14, [
            ["destination", _mac(dst)], ["source", _mac(src)], ["length", str(ethertype)]]))
        _bpdu(data, layers)
        return
    kind = _ETHERTYPES.get(ethertype, "unknown")
    layers.append(_layer("Ethernet II", 0, 14, [
        ["destination", _mac(dst)], ["source", _mac(src)],
        ["type", f"{ethertype:#06x} ({kind})"]]))
    if ethertype == ethernet.ETH_P_ARP:
        _arp(data, layers)
    elif ethertype == ethernet.ETH_P_IP:
        end = _ipv4(data, 14, layers)
        _rest(data, end, layers, "padding")
    else:
        _rest(data, 14, layers)


def _mac(mac: bytes) -> str:
    text = mac_ntoa(mac)
    if mac == b"\xff" * 6:
        return f"{text} (broadcast)"
    if mac[0] & 1:
        return f"{text} (multicast)"
    return text


def _arp(data: bytes, layers: list[dict]) -> None:
    pkt = arp.parse(data[14:])
    op = {arp.ARPOP_REQUEST: "1 (request: who has?)", arp.ARPOP_REPLY: "2 (reply: is at)"}
    layers.append(_layer("ARP", 14, 42, [
        ["operation", op.get(pkt.op, str(pkt.op))],
        ["sender MAC", _mac(pkt.sha)], ["sender IP", ip_ntoa(pkt.spa)],
        ["target MAC", _mac(pkt.tha)], ["target IP", ip_ntoa(pkt.tpa)]]))
    _rest(data, 42, layers, "padding")


def _ipv4(data: bytes, at: int, layers: list[dict]) -> int:
    """The IPv4 header at ``at`` and what it carries; returns where the packet ends."""
    packet = data[at:]
    ip = ipv4.parse(packet)
    flags = "DF (don't fragment)" if ip.df else "none"
    checksum = int.from_bytes(packet[10:12], "big")
    ok = "correct" if ipv4.header_ok(packet) else "WRONG"
    layers.append(_layer("IPv4", at, at + ip.header_len, [
        ["version", "4"], ["header length", f"{ip.header_len} bytes"],
        ["TOS", f"{ip.tos:#04x}"], ["total length", str(ip.total_len)],
        ["identification", f"{ip.ident:#06x} ({ip.ident})"], ["flags", flags],
        ["TTL", str(ip.ttl)],
        ["protocol", f"{ip.proto} ({_PROTOS.get(ip.proto, 'other')})"],
        ["header checksum", f"{checksum:#06x} ({ok})"],
        ["source", ip_ntoa(ip.src)], ["destination", ip_ntoa(ip.dst)]]))
    body, end = at + ip.header_len, at + ip.total_len
    if ip.proto == ipv4.IPPROTO_ICMP:
        _icmp(data, body, end, layers)
    elif ip.proto == ipv4.IPPROTO_UDP:
        _udp(data, body, end, layers, ip.src, ip.dst)
    elif ip.proto == ipv4.IPPROTO_TCP:
        _tcp(data, body, end, layers)
    else:
        _rest(data[:end], body, layers)
    return end


def _icmp(data: bytes, at: int, end: int, layers: list[dict]) -> None:
    msg = icmp.parse(data[at:end])
    kind = icmp.TYPE_NAMES.get(msg.type, "other")
    fields = [["type", f"{msg.type} ({kind})"],
              ["code", f"{msg.code}" + (f" ({_ICMP_CODES[msg.type, msg.code]})"
                                        if (msg.type, msg.code) in _ICMP_CODES else "")],
              ["checksum", f"{int.from_bytes(data[at + 2:at + 4], 'big'):#06x}"]]
    if msg.type in (icmp.ECHO_REQUEST, icmp.ECHO_REPLY):
        fields += [["identifier", str(msg.ident)], ["sequence", str(msg.seq)]]
    layers.append(_layer("ICMP", at, at + 8, fields))
    quoted = data[at + 8:end]
    if msg.type in (icmp.DEST_UNREACH, icmp.TIME_EXCEEDED) and len(quoted) >= 20 \
            and quoted[0] >> 4 == 4:
        # The offending packet's header and 8 bytes (RFC 792): cut short, so read by hand.
        proto = quoted[9]
        inner = [["protocol", f"{proto} ({_PROTOS.get(proto, 'other')})"],
                 ["source", ip_ntoa(quoted[12:16])], ["destination", ip_ntoa(quoted[16:20])]]
        ihl = (quoted[0] & 0x0F) * 4
        if proto in (ipv4.IPPROTO_UDP, ipv4.IPPROTO_TCP) and len(quoted) >= ihl + 4:
            inner += [["source port", str(int.from_bytes(quoted[ihl:ihl + 2], "big"))],
                      ["destination port", _port(int.from_bytes(quoted[ihl + 2:ihl + 4], "big"))]]
        layers.append(_layer("quoted IPv4 (the packet this error is about)", at + 8, end, inner))
        return
    _rest(data[:end], at + 8, layers)


def _udp(data: bytes, at: int, end: int, layers: list[dict], src: bytes, dst: bytes) -> None:
    dgram = udp.parse(data[at:end])
    checksum = f"{dgram.checksum:#06x}"
    if dgram.checksum == pseudo_header_sum(src, dst, 17, dgram.length):
        checksum += (" (partial: only the pseudo-header's sum, left for a device that "
                     "offloads checksums -- veth, lo, a bridge -- as Linux does)")
    layers.append(_layer("UDP", at, at + 8, [
        ["source port", _port(dgram.sport)], ["destination port", _port(dgram.dport)],
        ["length", str(dgram.length)], ["checksum", checksum]]))
    if {dgram.sport, dgram.dport} & {67, 68}:
        _dhcp(data, at + 8, at + dgram.length, layers)
    else:
        _rest(data[:at + dgram.length], at + 8, layers)


def _dhcp(data: bytes, at: int, end: int, layers: list[dict]) -> None:
    from netsim.packets import dhcp

    msg = dhcp.parse(data[at:end])
    kind = dhcp.MSG_NAMES.get(msg.msg_type or 0, "none (plain BOOTP)")
    fields = [["op", "1 (request)" if msg.op == dhcp.BOOTREQUEST else "2 (reply)"],
              ["message type", f"{msg.msg_type} ({kind})"], ["transaction id", f"{msg.xid:#010x}"],
              ["flags", "broadcast" if msg.broadcast_flag else "unicast"],
              ["client MAC", mac_ntoa(msg.chaddr)],
              ["client IP (ciaddr)", ip_ntoa(msg.ciaddr)],
              ["your IP (yiaddr)", ip_ntoa(msg.yiaddr)],
              ["server IP (siaddr)", ip_ntoa(msg.siaddr)]]
    for name, value in (("requested IP", msg.requested_ip), ("server id", msg.server_id),
                        ("router", msg.router), ("subnet mask", msg.subnet_mask)):
        if value is not None:
            fields.append([name, ip_ntoa(value)])
    if msg.dns:
        fields.append(["DNS", ", ".join(ip_ntoa(d) for d in msg.dns)])
    if msg.lease_time is not None:
        fields.append(["lease time", f"{msg.lease_time} s"])
    layers.append(_layer("DHCP", at, end, fields))


def _tcp(data: bytes, at: int, end: int, layers: list[dict]) -> None:
    from netsim.packets import tcp

    seg = tcp.parse(data[at:end])
    opts = seg.options
    options = [name for name, on in (
        (f"mss {opts.mss}", opts.mss is not None), ("sackOK", opts.sack_perm),
        (f"TS val {opts.ts[0]} ecr {opts.ts[1]}" if opts.ts else "", opts.ts is not None),
        (f"wscale {opts.wscale}", opts.wscale is not None)) if on]
    fields = [["source port", _port(seg.sport)], ["destination port", _port(seg.dport)],
              ["sequence number", str(seg.seq)], ["acknowledgment", str(seg.ack)],
              ["flags", f"[{tcp.flag_text(seg.flags)}]"], ["window", str(seg.window)],
              ["checksum", f"{seg.checksum:#06x}"]]
    if options:
        fields.append(["options", ", ".join(options)])
    layers.append(_layer("TCP", at, at + seg.header_len, fields))
    _rest(data[:end], at + seg.header_len, layers)


def _bpdu(data: bytes, layers: list[dict]) -> None:
    from netsim.packets import bpdu

    found = bpdu.parse(data)
    if found is None:
        _rest(data, 14, layers)
        return
    layers.append(_layer("STP BPDU (LLC 42 42 03)", 14, len(data),
                         [["BPDU", bpdu.describe(found)]]))


def _rest(data: bytes, at: int, layers: list[dict], name: str = "data") -> None:
    """What follows the last header: a payload (ping's pattern), or a NIC's padding."""
    if at < len(data):
        size = len(data) - at
        layers.append(_layer(name, at, len(data), [["length", f"{size} byte{'s' * (size != 1)}"]]))
