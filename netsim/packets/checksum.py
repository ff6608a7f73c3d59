"""The Internet checksum (RFC 1071): one's complement sum of 16-bit words.

The one's complement sum does not depend on byte order (RFC 1071, section 2(B)), so
the words are summed in the machine's native order by C code (``memoryview.cast``)
and the result swapped back when the machine is little-endian. This runs for every
IP header and UDP datagram, so it matters.
"""

import sys

_SWAP = sys.byteorder == "little"


def internet_checksum(data: bytes) -> int:
    if len(data) & 1:
        data += b"\0"
    total = sum(memoryview(data).cast("H"))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    total = ~total & 0xFFFF
    return ((total & 0xFF) << 8 | total >> 8) if _SWAP else total
