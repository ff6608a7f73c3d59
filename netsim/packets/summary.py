"""One-line descriptions of frames in tcpdump's words (``tcpdump -e -n`` without the time).

Used by the trace, by captures and by ``tcpdump`` in the simulated shell. Never raises:
a frame that does not parse is described as malformed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.packets import arp, ethernet, icmp, ipv4, udp
from netsim.packets.addr import MalformedPacket, ip_ntoa, mac_ntoa

if TYPE_CHECKING:
    from netsim.packets import tcp

_BOOTP_PORTS = frozenset({67, 68})  # dhcp.SERVER_PORT, dhcp.CLIENT_PORT (dhcp loads on use)
_ETHERTYPE_NAMES = {ethernet.ETH_P_IP: "IPv4", ethernet.ETH_P_ARP: "ARP",
                    ethernet.ETH_P_IPV6: "IPv6", ethernet.ETH_P_8021Q: "802.1Q"}


def summarize(frame: bytes, link: bool = True) -> str:
    """``"52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff, ARP, Request who-has 10.0.0.2 tell ..."``."""
    try:
        dst, src, ethertype, payload = ethernet.parse(frame)
        text = describe_l3(ethertype, payload)
    except MalformedPacket as err:
        return f"malformed frame ({len(frame)} bytes): {err}"
    if not link:
        return text
    return f"{mac_ntoa(src)} > {mac_ntoa(dst)}, {text}"


def describe_l3(ethertype: int, payload: bytes) -> str:
    if ethertype == ethernet.ETH_P_ARP:
        return describe_arp(payload)
    if ethertype == ethernet.ETH_P_IP:
        return describe_ipv4(payload)
    if ethertype < 0x600:
        if payload[:2] == b"\x42\x42":
            return f"802.3, STP BPDU, length {ethertype}"
        return f"802.3, length {ethertype}"
    name = _ETHERTYPE_NAMES.get(ethertype, "Unknown")
    return f"ethertype {name} ({ethertype:#06x}), length {len(payload) + 14}"


def describe_arp(payload: bytes) -> str:
    pkt = arp.parse(payload)
    if pkt.op == arp.ARPOP_REQUEST:
        return (f"ARP, Request who-has {ip_ntoa(pkt.tpa)} tell {ip_ntoa(pkt.spa)}, "
                f"length {len(payload)}")
    if pkt.op == arp.ARPOP_REPLY:
        return f"ARP, Reply {ip_ntoa(pkt.spa)} is-at {mac_ntoa(pkt.sha)}, length {len(payload)}"
    return f"ARP, op {pkt.op}, length {len(payload)}"


def describe_ipv4(packet: bytes) -> str:
    ip = ipv4.parse(packet)
    src, dst = ip_ntoa(ip.src), ip_ntoa(ip.dst)
    if ip.proto == ipv4.IPPROTO_ICMP:
        msg = icmp.parse(ip.payload)
        if msg.type in (icmp.ECHO_REQUEST, icmp.ECHO_REPLY):
            what = icmp.TYPE_NAMES[msg.type]
            return (f"IP {src} > {dst}: ICMP {what}, id {msg.ident}, seq {msg.seq}, "
                    f"length {len(ip.payload)}")
        if msg.type == icmp.DEST_UNREACH:
            return (f"IP {src} > {dst}: ICMP {_unreachable(msg.code, msg.data)}, "
                    f"length {len(ip.payload)}")
        if msg.type == icmp.TIME_EXCEEDED:
            return f"IP {src} > {dst}: ICMP time exceeded in-transit, length {len(ip.payload)}"
        return f"IP {src} > {dst}: ICMP type {msg.type}, length {len(ip.payload)}"
    if ip.proto == ipv4.IPPROTO_UDP:
        dgram = udp.parse(ip.payload)
        head = f"IP {src}.{dgram.sport} > {dst}.{dgram.dport}:"
        if dgram.sport in _BOOTP_PORTS or dgram.dport in _BOOTP_PORTS:
            return f"{head} {describe_bootp(dgram.data)}"
        return f"{head} UDP, length {len(dgram.data)}"
    if ip.proto == ipv4.IPPROTO_TCP:
        return f"IP {describe_tcp(ip.src, ip.dst, ip.payload)}"
    return f"IP {src} > {dst}: ip-proto-{ip.proto} {len(ip.payload)}"


SeqState = dict[tuple, tuple[int, int]]
"""tcpdump's memory of each conversation's initial numbers, for relative seq/ack."""


def describe_tcp(src: bytes, dst: bytes, segment: bytes, seqs: SeqState | None = None) -> str:
    """``10.0.0.1.40000 > 10.0.0.2.7: Flags [S], seq 1, win 64240, options [...], length 0``.

    tcpdump prints relative sequence numbers: the first segment *with an ACK* of a
    conversation (or any SYN with one) records both sides' initial numbers and prints
    them whole; later segments print offsets (``ack 1``, ``seq 1:7``). Segments without
    ACK (a SYN, a RST answering a SYN without ACK) always print whole numbers. With
    ``seqs`` None every number is whole (``tcpdump -S``): the trace's summaries are
    stateless.
    """
    from netsim.packets import tcp

    try:
        seg = tcp.parse(segment)
    except MalformedPacket:
        return f"{ip_ntoa(src)} > {ip_ntoa(dst)}: tcp {len(segment)} [bad hdr length]"
    head = (f"{ip_ntoa(src)}.{seg.sport} > {ip_ntoa(dst)}.{seg.dport}: "
            f"Flags [{tcp.flag_text(seg.flags)}]")
    seq, ack = seg.seq, seg.ack
    if seqs is not None and seg.flags & tcp.ACK:
        key = (src, seg.sport, dst, seg.dport)
        rev = (dst, seg.dport, src, seg.sport)
        if key in seqs and not seg.flags & tcp.SYN:
            seq = (seq - seqs[key][0]) & 0xFFFFFFFF
            ack = (ack - seqs[key][1]) & 0xFFFFFFFF
        else:
            seqs[key] = (seg.seq, (seg.ack - 1) & 0xFFFFFFFF)
            seqs[rev] = ((seg.ack - 1) & 0xFFFFFFFF, seg.seq)
    parts = [head]
    if seg.data or seg.flags & (tcp.SYN | tcp.FIN | tcp.RST):
        parts.append(f"seq {seq}:{(seq + len(seg.data)) & 0xFFFFFFFF}" if seg.data
                     else f"seq {seq}")
    if seg.flags & tcp.ACK:
        parts.append(f"ack {ack}")
    parts.append(f"win {seg.window}")
    if seg.flags & tcp.URG:
        parts.append(f"urg {seg.urgent}")
    if seg.options.order:
        parts.append(f"options [{_options_text(seg.options)}]")
    parts.append(f"length {len(seg.data)}")
    return ", ".join(parts)


def _options_text(opts: tcp.Options) -> str:
    words = []
    for name in opts.order:
        if name == "mss":
            words.append(f"mss {opts.mss}")
        elif name == "TS" and opts.ts is not None:
            words.append(f"TS val {opts.ts[0]} ecr {opts.ts[1]}")
        elif name == "wscale":
            words.append(f"wscale {opts.wscale}")
        elif name == "sack":
            blocks = " ".join(f"{{{a}:{b}}}" for a, b in opts.sack)
            words.append(f"sack {len(opts.sack)} {blocks}")
        else:
            words.append(name)
    return ",".join(words)


def _unreachable(code: int, inner: bytes) -> str:
    """tcpdump's words for an ICMP destination unreachable, from the quoted header.

    The error quotes the offending packet's IP header and first 8 bytes only, so the
    inner header's total length never fits: read its fields directly, do not parse it.
    """
    if len(inner) < 20:
        return f"unreachable (code {code})"
    ihl = (inner[0] & 0x0F) * 4
    about, proto = ip_ntoa(inner[16:20]), inner[9]
    if code == 0:
        return f"net {about} unreachable"
    if code == 1:
        return f"host {about} unreachable"
    if code == 2:
        return f"{about} protocol {proto} unreachable"
    if code == 3 and len(inner) >= ihl + 4:
        port = (inner[ihl + 2] << 8) | inner[ihl + 3]
        name = {ipv4.IPPROTO_UDP: "udp", ipv4.IPPROTO_TCP: "tcp"}.get(proto, f"proto-{proto}")
        return f"{about} {name} port {port} unreachable"
    if code == 13:
        return f"host {about} unreachable - admin prohibited filter"
    return f"{about} unreachable (code {code})"


def describe_bootp(payload: bytes) -> str:
    """tcpdump's ``BOOTP/DHCP, Request from 52:54:00:12:34:56, length 300`` (a reply: ``Reply``).

    tcpdump names the DHCP message type only with -v; the dhcp layer's trace records
    ("DHCPDISCOVER ...") say it instead, so this line stays what tcpdump prints.
    """
    from netsim.packets import dhcp

    try:
        msg = dhcp.parse(payload)
    except MalformedPacket:
        return f"BOOTP/DHCP, length {len(payload)} [|bootp]"
    if msg.op == dhcp.BOOTREQUEST:
        return f"BOOTP/DHCP, Request from {mac_ntoa(msg.chaddr)}, length {len(payload)}"
    return f"BOOTP/DHCP, Reply, length {len(payload)}"
