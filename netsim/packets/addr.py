"""Link-layer and IPv4 addresses: text <-> the 6 or 4 bytes that travel in frames."""

from __future__ import annotations

import ipaddress


class MalformedPacket(ValueError):
    """Bytes that cannot be what they claim to be (too short, bad length field...)."""


BROADCAST_MAC = b"\xff" * 6
ZERO_MAC = b"\x00" * 6


def mac_aton(text: str) -> bytes:
    """``"52:54:00:12:34:56"`` -> 6 bytes. Raises ``ValueError`` on anything else."""
    parts = text.split(":")
    if len(parts) != 6 or not all(1 <= len(p) <= 2 for p in parts):
        raise ValueError(f"invalid MAC address {text!r}")
    try:
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise ValueError(f"invalid MAC address {text!r}") from None


def mac_ntoa(mac: bytes) -> str:
    """6 bytes -> ``"52:54:00:12:34:56"`` (lower case, two digits each, as iproute2 prints)."""
    return mac.hex(":")


def is_multicast_mac(mac: bytes) -> bool:
    """The group bit (lowest bit of the first byte) is set; broadcast is a multicast too."""
    return bool(mac[0] & 1)


def is_broadcast_mac(mac: bytes) -> bool:
    return mac == BROADCAST_MAC


def is_valid_ether_addr(mac: bytes) -> bool:
    """The kernel's is_valid_ether_addr(): not multicast and not all zeros."""
    return not (mac[0] & 1) and mac != ZERO_MAC


def is_link_local_ether_addr(mac: bytes) -> bool:
    """01:80:c2:00:00:0X, the IEEE 802.1D reserved group addresses a bridge treats apart."""
    return mac[:5] == b"\x01\x80\xc2\x00\x00" and mac[5] & 0xF0 == 0


PACKED_IPS: dict[str, bytes] = {}
"""ip_aton's memory (a hot path may ask it first: ``PACKED_IPS.get(text) or ip_aton(text)``)."""


def ip_aton(text: str) -> bytes:
    """``"10.0.0.1"`` -> 4 bytes. Raises ``ValueError`` for anything but dotted quad."""
    packed = PACKED_IPS.get(text)
    if packed is None:
        packed = ipaddress.IPv4Address(text).packed
        if len(PACKED_IPS) < 65536:
            PACKED_IPS[text] = packed
    return packed


# 4 bytes -> dotted quad, remembered: formatting four ints costs ~420 ns, a dict hit ~40 ns,
# and the per-frame path asks for the same few addresses over and over (the UDP source
# handed to every socket, and 8 trace reasons per echo round trip).
IP_TEXTS: dict[bytes, str] = {}
"""ip_ntoa's memory (a hot path may ask it first: ``IP_TEXTS.get(addr) or ip_ntoa(addr)``)."""
_IP_TEXT_MAX = 65536  # a lab has far fewer addresses; past this, formatting is just not cached


def ip_ntoa(addr: bytes) -> str:
    """4 bytes -> ``"10.0.0.1"``."""
    try:
        return IP_TEXTS[addr]
    except (KeyError, TypeError):  # TypeError: a bytearray or memoryview (unhashable)
        pass
    text = f"{addr[0]}.{addr[1]}.{addr[2]}.{addr[3]}"
    if type(addr) is bytes and len(addr) == 4 and len(IP_TEXTS) < _IP_TEXT_MAX:
        IP_TEXTS[addr] = text
    return text
