"""DHCP messages (RFC 2131) in the BOOTP layout (RFC 951), with options (RFC 2132).

A DHCP message is a BOOTP packet carried in UDP (client port 68, server port 67):

    op htype hlen hops | xid | secs flags | ciaddr | yiaddr | siaddr | giaddr
    chaddr (16) | sname (64) | file (128) | magic cookie 99.130.83.99 | options...

236 fixed bytes, then the cookie and the options as (code, length, value) triplets up to
END (255). DHCP is told apart from plain BOOTP by option 53, the message type, which
real clients put first. Clients pad the whole message to 300 bytes, the smallest
BOOTP message old relays accept.

What is left out: option overload (52, options in sname/file) is not read, and values
longer than 255 bytes are refused rather than split (RFC 3396).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from netsim.packets.addr import MalformedPacket, ip_ntoa, mac_ntoa

BOOTREQUEST = 1
BOOTREPLY = 2

DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = range(1, 9)
MSG_NAMES = {DISCOVER: "Discover", OFFER: "Offer", REQUEST: "Request", DECLINE: "Decline",
             ACK: "ACK", NAK: "NACK", RELEASE: "Release", INFORM: "Inform"}

OPT_PAD = 0
OPT_SUBNET_MASK = 1
OPT_ROUTER = 3
OPT_DNS = 6
OPT_HOSTNAME = 12
OPT_DOMAIN = 15
OPT_BROADCAST = 28
OPT_REQUESTED_IP = 50
OPT_LEASE_TIME = 51
OPT_MSG_TYPE = 53
OPT_SERVER_ID = 54
OPT_PARAM_LIST = 55
OPT_MESSAGE = 56
OPT_MAX_SIZE = 57
OPT_RENEWAL_T1 = 58
OPT_REBINDING_T2 = 59
OPT_VENDOR_CLASS = 60
OPT_CLIENT_ID = 61
OPT_END = 255

SERVER_PORT = 67
CLIENT_PORT = 68

FLAG_BROADCAST = 0x8000       # "I cannot receive unicast before I have an address"
MAGIC_COOKIE = bytes((99, 130, 83, 99))
BOOTP_MIN_LEN = 300
HTYPE_ETHER = 1

# op htype hlen hops xid secs flags ciaddr yiaddr siaddr giaddr chaddr(16) sname file
_FIXED = struct.Struct("!BBBBIHH4s4s4s4s16s64s128s")
_ZERO_IP = b"\0" * 4


@dataclass(frozen=True)
class Dhcp:
    """One decoded message. ``options`` maps each code to its value bytes."""

    op: int
    xid: int
    chaddr: bytes
    ciaddr: bytes = _ZERO_IP
    yiaddr: bytes = _ZERO_IP
    siaddr: bytes = _ZERO_IP
    giaddr: bytes = _ZERO_IP
    flags: int = 0
    secs: int = 0
    options: dict[int, bytes] = field(default_factory=dict)

    @property
    def msg_type(self) -> int | None:
        """Option 53; None for plain BOOTP."""
        value = self.options.get(OPT_MSG_TYPE)
        return value[0] if value else None

    @property
    def requested_ip(self) -> bytes | None:
        return self._ip(OPT_REQUESTED_IP)

    @property
    def server_id(self) -> bytes | None:
        return self._ip(OPT_SERVER_ID)

    @property
    def router(self) -> bytes | None:
        """The first router of option 3 (a list, of which clients use the first)."""
        return self._ip(OPT_ROUTER)

    @property
    def subnet_mask(self) -> bytes | None:
        return self._ip(OPT_SUBNET_MASK)

    @property
    def dns(self) -> list[bytes]:
        value = self.options.get(OPT_DNS, b"")
        return [value[i:i + 4] for i in range(0, len(value) - 3, 4)]

    @property
    def lease_time(self) -> int | None:
        return self._u32(OPT_LEASE_TIME)

    @property
    def renewal_time(self) -> int | None:
        return self._u32(OPT_RENEWAL_T1)

    @property
    def rebinding_time(self) -> int | None:
        return self._u32(OPT_REBINDING_T2)

    @property
    def broadcast_flag(self) -> bool:
        return bool(self.flags & FLAG_BROADCAST)

    def summary(self) -> str:
        """``"DHCP-Request Discover from 52:54:00:12:34:56, xid 0x1a2b3c4d"``."""
        op = "Request" if self.op == BOOTREQUEST else "Reply"
        kind = MSG_NAMES.get(self.msg_type or 0, "BOOTP")
        text = f"DHCP-{op} {kind} from {mac_ntoa(self.chaddr)}, xid {self.xid:#010x}"
        if self.yiaddr != _ZERO_IP:
            text += f", Your-IP {ip_ntoa(self.yiaddr)}"
        return text

    def _ip(self, code: int) -> bytes | None:
        value = self.options.get(code)
        return value[:4] if value and len(value) >= 4 else None

    def _u32(self, code: int) -> int | None:
        value = self.options.get(code)
        return int.from_bytes(value[:4], "big") if value and len(value) >= 4 else None


def build(op: int, xid: int, chaddr: bytes, msg_type: int, *, ciaddr: bytes = _ZERO_IP,
          yiaddr: bytes = _ZERO_IP, siaddr: bytes = _ZERO_IP, giaddr: bytes = _ZERO_IP,
          flags: int = 0, secs: int = 0,
          options: list[tuple[int, bytes]] | tuple[()] = ()) -> bytes:
    """The UDP payload of one DHCP message: fixed part, cookie, option 53 first, END, padding.

    ``options`` keeps its order on the wire (servers and clients list them in a fixed
    order, which captures show); option 53 is written by this function.
    """
    if len(chaddr) != 6:
        raise ValueError(f"chaddr must be 6 bytes, not {len(chaddr)}")
    fixed = _FIXED.pack(op, HTYPE_ETHER, 6, 0, xid & 0xFFFFFFFF, secs, flags,
                        ciaddr, yiaddr, siaddr, giaddr, chaddr, b"", b"")
    parts = [fixed, MAGIC_COOKIE, bytes((OPT_MSG_TYPE, 1, msg_type))]
    for code, value in options:
        if code in (OPT_PAD, OPT_END, OPT_MSG_TYPE):
            continue
        if len(value) > 255:
            raise ValueError(f"option {code} is {len(value)} bytes (at most 255)")
        parts.append(bytes((code, len(value))) + value)
    parts.append(bytes((OPT_END,)))
    message = b"".join(parts)
    return message + b"\0" * (BOOTP_MIN_LEN - len(message))


def parse(payload: bytes) -> Dhcp:
    """Decode a UDP payload; raise MalformedPacket when it is not a DHCP message."""
    if len(payload) < _FIXED.size + 4:
        raise MalformedPacket(f"BOOTP message of {len(payload)} bytes (needs {_FIXED.size + 4})")
    (op, htype, hlen, _hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr, chaddr,
     _sname, _file) = _FIXED.unpack_from(payload)
    if op not in (BOOTREQUEST, BOOTREPLY):
        raise MalformedPacket(f"BOOTP op {op} is neither request nor reply")
    if htype != HTYPE_ETHER or hlen != 6:
        raise MalformedPacket(f"hardware type {htype} length {hlen} is not Ethernet")
    if payload[_FIXED.size:_FIXED.size + 4] != MAGIC_COOKIE:
        raise MalformedPacket("no DHCP magic cookie")
    options = _parse_options(payload[_FIXED.size + 4:])
    return Dhcp(op, xid, chaddr[:6], ciaddr, yiaddr, siaddr, giaddr, flags, secs, options)


def _parse_options(data: bytes) -> dict[int, bytes]:
    """TLV walk to END; a code seen twice is concatenated (RFC 3396)."""
    options: dict[int, bytes] = {}
    i = 0
    while i < len(data):
        code = data[i]
        if code == OPT_END:
            return options
        if code == OPT_PAD:
            i += 1
            continue
        if i + 1 >= len(data) or i + 2 + data[i + 1] > len(data):
            raise MalformedPacket(f"DHCP option {code} runs past the end of the message")
        length = data[i + 1]
        options[code] = options.get(code, b"") + data[i + 2:i + 2 + length]
        i += 2 + length
    raise MalformedPacket("DHCP options without END")
