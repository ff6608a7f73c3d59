"""The Internet checksum (RFC 1071): one's complement sum of 16-bit words.

Because 2**16 = 1 (mod 0xFFFF), the one's complement sum of the 16-bit words of a
byte string is that string read as one big number, modulo 0xFFFF -- with one twist:
one's complement arithmetic never yields +0 for non-zero data, it yields 0xFFFF
("negative zero"). Python's big integers make that a couple of C-speed operations,
which matters: this runs for every IP header and UDP datagram.
"""


def internet_checksum(data: bytes) -> int:
    if len(data) & 1:
        data += b"\0"
    value = int.from_bytes(data, "big")
    total = value % 0xFFFF
    if total == 0 and value:
        total = 0xFFFF
    return ~total & 0xFFFF


def pseudo_header_sum(src: bytes, dst: bytes, proto: int, length: int) -> int:
    """The one's complement sum of an IPv4 pseudo-header, folded, not complemented.

    It is what Linux leaves in a UDP or TCP checksum field while the packet is
    CHECKSUM_PARTIAL (``~csum_tcpudp_magic(src, dst, length, proto, 0)``): the hardware
    that offloads the checksum adds the segment's own words and complements. A
    capture on a device that offloads -- veth, lo, a bridge -- sees exactly this.
    """
    total = (int.from_bytes(src, "big") + int.from_bytes(dst, "big") + proto + length) % 0xFFFF
    return total or 0xFFFF


def finish_l4_checksum(packet: bytes) -> bytes:
    """skb_checksum_help(): the IPv4 ``packet`` with its UDP or TCP checksum completed.

    The field holds the pseudo-header sum (see :func:`pseudo_header_sum`); summing the
    segment with it in place and complementing gives the real checksum, as a device
    without the offload has the kernel do in software before it transmits. A result
    of 0 is sent as 0xFFFF (CSUM_MANGLED_0). Anything else is returned unchanged.
    """
    ihl = (packet[0] & 0x0F) * 4
    proto = packet[9]
    at = ihl + (6 if proto == 17 else 16 if proto == 6 else -1)
    if at < ihl or len(packet) < at + 2:
        return packet
    segment = packet[ihl:]
    if len(segment) & 1:
        segment += b"\0"
    total = int.from_bytes(segment, "big") % 0xFFFF or 0xFFFF
    check = ~total & 0xFFFF or 0xFFFF
    return packet[:at] + check.to_bytes(2, "big") + packet[at + 2:]
