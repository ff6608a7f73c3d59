"""The Internet checksum's modulo, folded for long inputs, is the plain modulo."""

import random

from netsim.packets import udp
from netsim.packets.checksum import internet_checksum, ones_sum


def test_folding_keeps_the_residue_for_every_length():
    rng = random.Random(7)
    for size in [*range(0, 2200, 7), 8191, 65535]:
        for data in (rng.randbytes(size), b"\xff" * size):
            value = int.from_bytes(data, "big")
            assert ones_sum(value, 8 * size) == value % 0xFFFF


def test_a_long_datagram_checksum_verifies():
    # The receiver's check: the one's complement sum over pseudo-header and datagram is 0.
    src, dst = bytes((10, 0, 0, 1)), bytes((10, 0, 0, 2))
    for size in (0, 1, 1024, 1472, 9000):
        datagram = udp.build(src, dst, 5000, 9, bytes(range(256)) * (size // 256)
                             + bytes(size % 256))
        pseudo = src + dst + bytes((0, 17)) + len(datagram).to_bytes(2, "big")
        assert internet_checksum(pseudo + datagram) == 0
