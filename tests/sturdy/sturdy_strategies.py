"""Hypothesis strategies: command lines (seeds, mutated seeds, generated lines) and frames.

Command lines
    :func:`command_lines` draws one of: a corpus line as it is, a corpus line mutated
    1-4 times (:data:`MUTATIONS`: drop, double or swap tokens, replace or insert a token
    by garbage or by a word of the family, garble a piece of a ``k=v,k=v`` token, append
    garbage to a token, make one of its numbers extreme), or a purely generated line
    ``{tool} {subcommand} {args}`` from :data:`corpus.VOCAB`. Mutated tokens are joined
    quoted (the tool sees the garbage as one argument) or raw (the shell sees the
    metacharacters), one or the other per line.

Frames
    :func:`frame_cases` draws a list of frames, each with where it enters: written on
    tap0's fd (``tap``), or arriving from the cable at h1's eth0 (``wire-h1``, a bridge
    port) or at h2's eth0 (``wire-h2``, a plain NIC with an address). A frame is random
    bytes (0-2000) or a valid Ethernet/ARP/IPv4/ICMP/UDP/TCP/DHCP frame built with
    :mod:`netsim.packets` and then mutated (bit flips, bytes set, truncation, extension,
    length fields made extreme), its checksums (IPv4 header, ICMP/UDP/TCP) recomputed
    or not.
"""

from __future__ import annotations

import functools
import re
import shlex

import corpus
from hypothesis import strategies as st

from netsim.packets import arp, dhcp, ethernet, icmp, ipv4, tcp, udp
from netsim.packets.addr import ip_aton, mac_aton
from netsim.packets.checksum import internet_checksum

# ============================================================================ garbage
HUGE = "9" * 5000
LONG = "x" * 100_000  # the 100k-character string
NUMBERS: list[str] = [
    # numbers at and past every width a C tool reads them in
    HUGE, "-" + HUGE, str(2**63), str(2**63 - 1), str(-(2**63)), str(-(2**63) - 1),
    str(2**64), str(2**64 - 1), str(2**32), str(2**32 - 1), str(2**31), str(-(2**31) - 1),
    "-1", "0", "-0", "+1", "00000000000000000000000000000000000001", "0x", "0xffffffffffffffff",
    "0x10000000000000000", "077777777777777777777777", "1e309", "-1e309", "nan", "inf",
    "1.", ".5", "1e-400", "0.0000000000000000000001", "1,5", "١٢٣",
]
GARBAGE: list[str] = NUMBERS + [
    # NUL bytes: the shell's $'\0' and a raw one
    "$'\\0'", "\x00", "a\x00b", "\x00" * 8,
    # unicode, lone surrogates, control characters
    "\udcff", "\ud800", "é", "日本語", "\u202e", "\ufeff", "😀", "\u0130", "ß", "\r", "\x1b[31m",
    "\x7f", "\t", "\x0b",
    # a 100k-character string
    LONG,
    # shell metacharacters and syntax
    ";", "&&", "||", "|", "&", ">", "<", ">>", "2>&1", "<<EOF", "$(", ")", "(", "`", "'", '"',
    "\\", "$", "${", "}", "{", "*", "?", "[", "]", "!", "#", "~", "{a,b}", "$((", "))",
    "${x:?}", "$((2**64))", "$((1/0))", "$(( -9223372036854775807 - 1 ))", "\n", " ", "",
    # options and paths
    "--", "-", "--help", "-h", "-V", "--version", "-" * 3, "-" + "v" * 50, "%n%s%d", "%",
    "%99999999d", "/", "//", "../../..", ".", "..", "/dev/null", "/proc/self/fd/0",
    "/sys/class/net/", "/proc/sys/net/ipv4/", "a" * 16, "a" * 256, "tap%d", "br%d",
    # addresses that are almost addresses
    "10.0.0.1/33", "10.0.0.1/-1", "10.0.0.1/" + HUGE, "256.0.0.1", "10.0.0", "10..0.1",
    "0.0.0.0/0", "::1", "fe80::1%eth0", "02:00:00:00:00:0g", "ff:ff:ff:ff:ff:ff:ff",
    "1:2:3:4:5:6", "10.0.0.1:99999", "10.0.0.1:-1", "dev", "eth0", "lo", "br0", "tap0",
]

# What text() does not draw by itself (surrogates), and what must come up often.
SPECIAL = ["\udcff", "\ud800", "\udfff", "\x00", "$'\\0'", LONG, HUGE, str(2**64), str(2**63)]


def garbage() -> st.SearchStrategy[str]:
    """One garbage token: a listed one, random text, a word with a NUL or a lone
    surrogate in it, a number of any size, or digits glued to a unit."""
    return st.one_of(
        st.sampled_from(GARBAGE),
        st.sampled_from(NUMBERS),
        st.sampled_from(SPECIAL),
        st.tuples(st.text(max_size=6), st.sampled_from(SPECIAL[:5]), st.text(max_size=6))
          .map("".join),
        st.text(max_size=12),
        st.integers().map(str),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.tuples(st.integers(min_value=0, max_value=2**66),
                  st.sampled_from(["", "k", "M", "G", "T", "P", "E", "X", "s", "ms", "%", "h"]))
          .map(lambda t: f"{t[0]}{t[1]}"),
    )


# ============================================================================ command lines
def tokens_of(line: str) -> tuple[list[str], bool]:
    """The words of a line (a new list), and whether they came out of shlex (False: the
    quotes did not balance, split on blanks)."""
    words, parsed = _tokens(line)
    return list(words), parsed


@functools.lru_cache(maxsize=4096)
def _tokens(line: str) -> tuple[tuple[str, ...], bool]:
    # shlex reads a character at a time: a 100k-character line costs ~0.1 s, and the
    # checks ask several times about the same line
    try:
        return tuple(shlex.split(line)), True
    except ValueError:
        return tuple(line.split()), False


def join(tokens: list[str], quoted: bool) -> str:
    if not quoted:
        return " ".join(tokens)
    return " ".join(_quote(t) for t in tokens)


def _quote(token: str) -> str:
    """shlex.quote, except that ``$'\\0'`` stays an ANSI-C quote for the shell to expand."""
    return token if token == "$'\\0'" else shlex.quote(token)


def _family_words(line: str) -> list[str]:
    tool, subcommands, words = corpus.VOCAB[corpus.family_of(line)]
    return words + [w for s in subcommands for w in s.split()]


MUTATIONS = ("drop", "double", "swap", "replace", "insert", "word", "piece", "append",
             "number", "number")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def numbers() -> st.SearchStrategy[str]:
    """A number for a place that reads one: every width's edge, huge, negative, float."""
    return st.one_of(st.sampled_from(NUMBERS), st.integers().map(str),
                     st.integers(min_value=-(2**70), max_value=2**70).map(str),
                     st.floats(allow_nan=True, allow_infinity=True).map(repr))


@st.composite
def mutated(draw: st.DrawFn, line: str) -> str:
    tokens, parsed = tokens_of(line)
    if not tokens:
        tokens = [line]
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        op = draw(st.sampled_from(MUTATIONS))
        # position 0 is the tool: keep it most of the time, so the tool is what is fuzzed
        lo = 0 if len(tokens) == 1 or draw(st.integers(0, 19)) == 0 else 1
        i = draw(st.integers(min_value=lo, max_value=max(lo, len(tokens) - 1)))
        i = min(i, len(tokens) - 1)
        if op == "drop" and len(tokens) > 1:
            del tokens[i]
        elif op == "double":
            tokens.insert(i, tokens[i])
        elif op == "swap" and len(tokens) > 1:
            j = draw(st.integers(min_value=0, max_value=len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == "replace":
            tokens[i] = draw(garbage())
        elif op == "insert":
            tokens.insert(draw(st.integers(min_value=lo, max_value=len(tokens))), draw(garbage()))
        elif op == "word":
            tokens[i] = draw(st.sampled_from(_family_words(line)))
        elif op == "piece":
            tokens[i] = draw(_garble_piece(tokens[i]))
        elif op == "append":
            tokens[i] = tokens[i] + draw(garbage())
        elif op == "number":  # a number in the line (`-c 3`, `16G`, `cores=4`) made extreme
            spots = [(k, m) for k in range(lo, len(tokens))
                     for m in _DIGITS.finditer(tokens[k])]
            if spots:
                k, m = draw(st.sampled_from(spots))
                tokens[k] = tokens[k][:m.start()] + draw(numbers()) + tokens[k][m.end():]
    # A list or pipeline keeps its operators raw (quoted, `&&` would be an argument).
    quoted = parsed and is_single_command(line) and draw(st.integers(0, 3)) != 0
    return join(tokens, quoted)


def _garble_piece(token: str) -> st.SearchStrategy[str]:
    """Replace one piece of ``a=1,b=2`` / ``10.0.0.1/24`` / ``host:port`` by garbage."""
    pieces = re.split(r"([=,:/.])", token)
    values = [k for k in range(0, len(pieces), 2)]

    @st.composite
    def build(draw: st.DrawFn) -> str:
        k = draw(st.sampled_from(values))
        out = list(pieces)
        out[k] = draw(garbage())
        return "".join(out)

    return build()


@st.composite
def generated(draw: st.DrawFn, family: str | None = None) -> str:
    """``{tool} {subcommand} {random args}`` for one family."""
    if family is None:
        family = draw(st.sampled_from(sorted(corpus.VOCAB)))
    tool, subcommands, words = corpus.VOCAB[family]
    parts = [tool]
    sub = draw(st.sampled_from(subcommands))
    if sub:
        parts.append(sub)
    args = draw(st.lists(st.one_of(st.sampled_from(words), st.sampled_from(words), garbage()),
                         max_size=8))
    quoted = draw(st.integers(0, 3)) != 0
    return " ".join(parts) + ("" if not args else " " + join(args, quoted))


def command_lines(single: bool = False) -> st.SearchStrategy[str]:
    """Any command line: a corpus line, a mutated corpus line, or a generated one.
    ``single``: only lines :func:`is_single_command` accepts (property c)."""
    lines = corpus.all_lines()
    if single:
        lines = tuple(line for line in lines if is_single_command(line))
    seed = st.sampled_from(lines)
    strategy = st.one_of(
        seed,
        seed.flatmap(mutated),
        seed.flatmap(mutated),
        seed.flatmap(mutated),
        generated(),
        generated(),
    )
    return strategy.filter(is_single_command) if single else strategy


# What makes a line more than one simple command: a list, a pipeline, a background job,
# a command substitution, or a script (a file, `sh -c`, `eval`, `source`).
_COMPOUND_CHARS = (";", "&", "|", "\n", "`")
_SCRIPT_RUNNERS = {".", "source", "sh", "bash", "dash", "eval", "exec", "command", "env",
                   "xargs", "awk", "gawk", "mawk"}


def is_single_command(line: str) -> bool:
    """No ``;`` ``&&`` ``||`` ``|`` ``&`` newline, backquote or ``$( )`` (``$(( ))`` is
    arithmetic, allowed), and the command is not a script runner or a script file."""
    if any(c in line for c in _COMPOUND_CHARS) or "$(" in line.replace("$((", ""):
        return False
    words = line.split(None, 1)  # the first word, quotes and all: cheaper than shlex
    if not words:
        return True
    first = words[0].strip("'\"")
    if first in _SCRIPT_RUNNERS:
        return False
    return "/" not in first or first.rsplit("/", 1)[-1] in corpus.FAMILY_OF_WORD


# ============================================================================ frames
ENTRIES = ("tap", "wire-h1", "wire-h2")
VM_MAC = mac_aton("52:54:00:12:34:56")
VM_IP, BR_IP, H2_IP = ip_aton("10.0.0.10"), ip_aton("10.0.0.1"), ip_aton("10.0.0.2")


@functools.cache
def lab_macs() -> dict[str, bytes]:
    """The MACs of the lab (seed 0 makes them the same in every case)."""
    from sturdy_lab import build_lab

    lab = build_lab()
    h1, h2 = lab.hosts["h1"], lab.hosts["h2"]
    return {"br0": h1.ns.get("br0").mac, "h1eth0": h1.ns.get("eth0").mac,
            "h2eth0": h2.ns.get("eth0").mac, "bcast": b"\xff" * 6,
            "mcast": mac_aton("01:00:5e:00:00:01"), "stp": mac_aton("01:80:c2:00:00:00")}


@functools.cache
def valid_frames() -> tuple[bytes, ...]:
    """Well-formed frames of every protocol the lab speaks, to and from its addresses."""
    m = lab_macs()
    out: list[bytes] = []
    for dst_mac, dst_ip in ((m["br0"], BR_IP), (m["h2eth0"], H2_IP)):
        def eth_ip(proto: int, payload: bytes, dst_mac=dst_mac, dst_ip=dst_ip, **kw) -> bytes:
            return ethernet.build(dst_mac, VM_MAC, ethernet.ETH_P_IP,
                                  ipv4.build(VM_IP, dst_ip, proto, payload, **kw), pad=True)

        out += [
            eth_ip(1, icmp.echo(0x1234, 1, b"abcdefgh" * 7)),
            eth_ip(1, icmp.echo(0x1234, 1, b"", reply=True)),
            eth_ip(1, icmp.error(3, 3, ipv4.build(dst_ip, VM_IP, 17,
                                                  udp.build(dst_ip, VM_IP, 5000, 53, b"q")))),
            eth_ip(1, icmp.error(11, 0, ipv4.build(dst_ip, VM_IP, 6,
                                                   tcp.build(dst_ip, VM_IP, 22, 4000, 1, 0,
                                                             0x02, 64240)))),
            eth_ip(1, icmp.error(5, 1, ipv4.build(dst_ip, VM_IP, 1,
                                                  icmp.echo(1, 1, b"x")))),
            eth_ip(17, udp.build(VM_IP, dst_ip, 40000, 7, b"hello")),
            eth_ip(17, udp.build(VM_IP, dst_ip, 40000, 9999, b"")),
            eth_ip(6, tcp.build(VM_IP, dst_ip, 40000, 22, 1000, 0, 0x02, 64240,
                                tcp.syn_options(1460, 1))),
            eth_ip(6, tcp.build(VM_IP, dst_ip, 40000, 80, 1000, 5, 0x10 | 0x08, 502,
                                data=b"GET / HTTP/1.0\r\n\r\n")),
            eth_ip(6, tcp.build(VM_IP, dst_ip, 40000, 22, 1000, 0, 0x04, 0)),
            eth_ip(1, icmp.echo(1, 2, b"x" * 1400), ttl=1),
            eth_ip(1, icmp.echo(1, 2, b"x" * 100), df=False, ident=7),
            ethernet.build(dst_mac, VM_MAC, ethernet.ETH_P_ARP,
                           arp.Arp(arp.ARPOP_REPLY, VM_MAC, VM_IP, dst_mac, dst_ip).pack(),
                           pad=True),
        ]
    arp_req = arp.Arp(arp.ARPOP_REQUEST, VM_MAC, VM_IP, bytes(6), BR_IP).pack()
    garp = arp.Arp(arp.ARPOP_REQUEST, VM_MAC, VM_IP, bytes(6), VM_IP).pack()
    probe = arp.Arp(arp.ARPOP_REQUEST, VM_MAC, bytes(4), bytes(6), H2_IP).pack()
    discover = dhcp.build(dhcp.BOOTREQUEST, 0xDEADBEEF, VM_MAC, dhcp.DISCOVER,
                          options=[(dhcp.OPT_HOSTNAME, b"vm"), (55, bytes([1, 3, 6, 15]))])
    request = dhcp.build(dhcp.BOOTREQUEST, 1, VM_MAC, dhcp.REQUEST,
                         options=[(50, VM_IP), (54, BR_IP)])
    offer = dhcp.build(dhcp.BOOTREPLY, 1, m["h2eth0"], dhcp.OFFER, yiaddr=H2_IP,
                       options=[(54, VM_IP), (51, (60).to_bytes(4, "big")), (1, bytes(4))])
    bcast_ip = ip_aton("255.255.255.255")
    out += [
        ethernet.build(m["bcast"], VM_MAC, ethernet.ETH_P_ARP, arp_req, pad=True),
        ethernet.build(m["bcast"], VM_MAC, ethernet.ETH_P_ARP, garp, pad=True),
        ethernet.build(m["bcast"], VM_MAC, ethernet.ETH_P_ARP, probe, pad=True),
        ethernet.build(m["bcast"], VM_MAC, ethernet.ETH_P_IP, ipv4.build(
            bytes(4), bcast_ip, 17, udp.build(bytes(4), bcast_ip, 68, 67, discover))),
        ethernet.build(m["bcast"], VM_MAC, ethernet.ETH_P_IP, ipv4.build(
            bytes(4), bcast_ip, 17, udp.build(bytes(4), bcast_ip, 68, 67, request))),
        ethernet.build(m["bcast"], VM_MAC, ethernet.ETH_P_IP, ipv4.build(
            VM_IP, bcast_ip, 17, udp.build(VM_IP, bcast_ip, 67, 68, offer))),
        ethernet.build(m["mcast"], VM_MAC, ethernet.ETH_P_IP, ipv4.build(
            VM_IP, ip_aton("224.0.0.1"), 2, bytes.fromhex("1100eeff00000000"), ttl=1)),
        ethernet.build(m["stp"], VM_MAC, 0x0026, bytes.fromhex(
            "424203000000000080000000000000000000000080000000000000008001000014000200"
            "0f00"), pad=True),  # an 802.3 STP BPDU (length field, LLC 42 42 03)
        ethernet.build(m["br0"], VM_MAC, ethernet.ETH_P_8021Q, b"\x00\x05\x08\x00" +
                       ipv4.build(VM_IP, BR_IP, 1, icmp.echo(1, 1, b"v")), pad=True),
        ethernet.build(m["br0"], VM_MAC, ethernet.ETH_P_IPV6, bytes(40), pad=True),
        ethernet.build(m["br0"], m["br0"], ethernet.ETH_P_IP,
                       ipv4.build(BR_IP, BR_IP, 1, icmp.echo(1, 1, b"self")), pad=True),
    ]
    return tuple(out)


def fix_ipv4_checksum(frame: bytes) -> bytes:
    """Recompute the IPv4 header checksum of an Ethernet/IPv4 frame, if it has room for
    the header its IHL announces (so a mutated header is not dropped at the checksum)."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return frame
    ihl = (frame[14] & 0x0F) * 4
    if ihl < 20 or len(frame) < 14 + ihl:
        return frame
    header = bytearray(frame[14:14 + ihl])
    header[10:12] = b"\0\0"
    header[10:12] = internet_checksum(bytes(header)).to_bytes(2, "big")
    return frame[:14] + bytes(header) + frame[14 + ihl:]


def fix_l4_checksum(frame: bytes) -> bytes:
    """Recompute the ICMP, UDP or TCP checksum of an Ethernet/IPv4 frame whose header
    and total length hold together, so a mutated segment gets past the checksum to the
    code that reads it (dnsmasq's DHCP options, TCP's state machine, ICMP errors)."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return frame
    ihl, total = (frame[14] & 0x0F) * 4, int.from_bytes(frame[16:18], "big")
    if ihl < 20 or total < ihl or 14 + total > len(frame):
        return frame
    src, dst, proto = frame[26:30], frame[30:34], frame[23]
    seg = bytearray(frame[14 + ihl:14 + total])
    at = {1: 2, 17: 6, 6: 16}.get(proto)
    if at is None or len(seg) < at + 2:
        return frame
    seg[at:at + 2] = b"\0\0"
    pseudo = b"" if proto == 1 else src + dst + bytes((0, proto)) + len(seg).to_bytes(2, "big")
    value = internet_checksum(pseudo + bytes(seg)) or (0xFFFF if proto == 17 else 0)
    seg[at:at + 2] = value.to_bytes(2, "big")
    return frame[:14 + ihl] + bytes(seg) + frame[14 + total:]


# Offsets of the fields whose values drive parsing, in an Ethernet/IPv4 frame.
_LENGTH_FIELDS = (
    (14, 1),   # version/IHL
    (16, 2),   # IPv4 total length
    (20, 2),   # flags + fragment offset
    (23, 1),   # protocol
    (34 + 4, 2),   # UDP length / TCP sequence high
    (34 + 12, 1),  # TCP data offset
    (34 + 0, 1),   # ICMP type / ports
    (34 + 1, 1),   # ICMP code
    (14 + 4, 1),   # ARP hardware address length
    (14 + 5, 1),   # ARP protocol address length
    (14 + 6, 2),   # ARP op
    (12, 2),       # EtherType
)


@st.composite
def mutated_frame(draw: st.DrawFn) -> bytes:
    frame = bytearray(draw(st.sampled_from(valid_frames())))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        op = draw(st.sampled_from(("flip", "set", "field", "field", "truncate", "extend",
                                   "splice", "option")))
        if not frame:
            frame += draw(st.binary(min_size=1, max_size=60))
            continue
        i = draw(st.integers(min_value=0, max_value=len(frame) - 1))
        if op == "flip":
            frame[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            frame[i] = draw(st.sampled_from((0, 1, 0x7F, 0x80, 0xFF, draw(st.integers(0, 255)))))
        elif op == "field":
            offset, size = draw(st.sampled_from(_LENGTH_FIELDS))
            if offset + size <= len(frame):
                value = draw(st.sampled_from((0, 1, 2**(8 * size) - 1, 2**(8 * size - 1),
                                              draw(st.integers(0, 2**(8 * size) - 1)))))
                frame[offset:offset + size] = value.to_bytes(size, "big")
        elif op == "truncate":
            del frame[draw(st.integers(min_value=0, max_value=len(frame))):]
        elif op == "extend":
            frame += draw(st.binary(max_size=1600))
        elif op == "splice":
            chunk = draw(st.binary(min_size=1, max_size=32))
            frame[i:i + len(chunk)] = chunk
        elif op == "option" and len(frame) >= 34 and frame[12:14] == b"\x08\x00":
            # IPv4 options: IHL up to 15, with option bytes after the fixed header
            words = draw(st.integers(min_value=1, max_value=10))
            frame[14] = 0x40 | (5 + words)
            frame[34:34] = draw(st.binary(min_size=4 * words, max_size=4 * words))
    out = bytes(frame)
    fix = draw(st.sampled_from(("none", "ip", "all", "all")))
    if fix == "all":
        out = fix_l4_checksum(fix_ipv4_checksum(out))
    return fix_ipv4_checksum(out) if fix != "none" else out


def frames() -> st.SearchStrategy[bytes]:
    """One malformed frame: random bytes (0-2000), or a mutated valid frame."""
    return st.one_of(st.binary(max_size=2000), st.binary(min_size=14, max_size=80),
                     mutated_frame(), mutated_frame())


FRAMES_PER_CASE = 4


def frame_cases() -> st.SearchStrategy[list[tuple[str, bytes]]]:
    """:data:`FRAMES_PER_CASE` frames, each with the place it enters the lab."""
    return st.lists(st.tuples(st.sampled_from(ENTRIES), frames()),
                    min_size=FRAMES_PER_CASE, max_size=FRAMES_PER_CASE)
