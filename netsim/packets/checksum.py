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
