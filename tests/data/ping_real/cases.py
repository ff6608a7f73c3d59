"""The ping command lines recorded on Linux (``record.py``) and replayed in netsim
(``tests/cli/test_ping_real.py``).

Each case runs in a fresh world: ``lo`` is one network namespace after the oracle's
host init (IPv6 off, lo up: ``helpers.HOST_INIT``); ``pair`` is two, ``h1`` and
``h2``, cabled eth0 to eth0 with 10.0.0.1/24 and 10.0.0.2/24 (``two_hosts``), the
command running in h1.

A command may hold ``{name}`` for one of :data:`BIG`, an argument too long to
write out (5,000 digits, a 100,000-character host name); the recording keeps the
placeholder in the command and in the output.
"""

from __future__ import annotations

BIG = {
    "digits5000": "9" * 5000,
    "neg5000": "-" + "9" * 5000,
    "frac5000": "0." + "0" * 4998 + "1",
    "name100k": "a" * 100_000,
    "dots300": "a." * 150,
    "label64": "b" * 64,
}

L = "127.0.0.1"

# (world, command): what the real ping printed for each is in real.json
CASES: list[tuple[str, str]] = [
    # counts and the 16-bit sequence
    ("lo", f"ping -c 3 {L}"),
    ("lo", f"ping -c 65536999999999999999 {L}"),
    ("lo", "ping -c {digits5000} " + L),
    ("lo", "ping -c {neg5000} " + L),
    ("lo", f"ping -c 0 {L}"),
    ("lo", f"ping -c -1 {L}"),
    ("lo", f"ping -c x {L}"),
    ("lo", f"ping -c '' {L}"),
    ("lo", f"ping -c 1x {L}"),
    ("lo", f"ping -c ' 2' -i 0.2 {L}"),
    ("lo", f"ping -c +2 -i 0.2 {L}"),
    ("lo", f"ping -c 0x10 {L}"),
    ("lo", f"ping -c 9223372036854775808 {L}"),
    ("lo", f"ping -i 0 -c 65540 {L} | tail -n 8"),
    # -i
    ("lo", f"ping -i 2147483648 {L}"),
    ("lo", f"ping -i 2147483.648 -c 1 {L}"),
    ("lo", f"ping -i 2147483 -c 1 {L}"),
    ("lo", f"ping -i abc -c 2 {L}"),
    ("lo", f"ping -i 0.5x -c 2 {L}"),
    ("lo", f"ping -i 1,5 -c 1 {L}"),
    ("lo", f"ping -i '' -c 1 {L}"),
    ("lo", f"ping -i -1 -c 2 {L}"),
    ("lo", f"ping -i -0 -c 2 {L}"),
    ("lo", f"ping -i -99999999999 -c 2 {L}"),
    ("lo", f"ping -i nan -c 1 {L}"),
    ("lo", f"ping -i 'nan(12)' -c 1 {L}"),
    ("lo", f"ping -i inf -c 1 {L}"),
    ("lo", f"ping -i -infinity -c 1 {L}"),
    ("lo", f"ping -i 1e400 -c 1 {L}"),
    ("lo", f"ping -i 1e-400 -c 2 {L}"),
    ("lo", f"ping -i 1e-310 -c 1 {L}"),
    ("lo", "ping -i {digits5000} -c 1 " + L),
    ("lo", "ping -i {frac5000} -c 2 " + L),
    ("lo", f"ping -i 0x1p-2 -c 2 {L}"),
    ("lo", f"ping -i ' 0.25' -c 2 {L}"),
    ("lo", f"ping -i 0 -c 3 {L}"),
    ("lo", f"ping -i 0.0001 -c 2 {L}"),
    ("lo", f"ping -i 0.2 -c 3 {L}"),
    # -W and -w
    ("lo", f"ping -W 99999999999 {L}"),
    ("lo", f"ping -W -1 {L}"),
    ("lo", f"ping -W -0 -c 1 {L}"),
    ("lo", f"ping -W abc -c 1 {L}"),
    ("lo", f"ping -W nan -c 1 {L}"),
    ("lo", f"ping -W 1e-310 -c 1 {L}"),
    ("lo", f"ping -W 2147483.648 -c 1 {L}"),
    ("lo", f"ping -W 0.5 -c 2 {L}"),
    ("lo", f"ping -w -1 {L}"),
    ("lo", f"ping -w 2147483648 {L}"),
    ("lo", f"ping -w x {L}"),
    ("lo", f"ping -w 1 -i 0.3 {L}"),
    ("lo", f"ping -w 2 -c 1 {L}"),
    # -s
    ("lo", f"ping -c 2 -s 0 {L}"),
    ("lo", f"ping -c 2 -s 15 {L}"),
    ("lo", f"ping -c 2 -s 16 {L}"),
    ("lo", f"ping -c 2 -s 65507 {L}"),
    ("lo", f"ping -c 2 -s 65508 {L}"),
    ("lo", f"ping -c 2 -s 65527 {L}"),
    ("lo", f"ping -c 2 -s 65528 {L}"),
    ("lo", f"ping -c 2 -s 70000 {L}"),
    ("lo", f"ping -q -c 2 -s 65508 {L}"),
    ("lo", f"ping -c 2 -s 2147483648 {L}"),
    ("lo", f"ping -c 2 -s -1 {L}"),
    # -t, -l, -e, -m, -S, -Q, -F, -M, -T, -R, -N
    ("lo", f"ping -c 1 -t 256 {L}"),
    ("lo", f"ping -c 1 -t -1 {L}"),
    ("lo", f"ping -c 1 -t 0 {L}"),
    ("lo", f"ping -c 1 -t 1 {L}"),
    ("lo", f"ping -c 1 -l 0 {L}"),
    ("lo", f"ping -c 1 -l 65537 {L}"),
    ("lo", f"ping -c 2 -l 3 {L}"),
    ("lo", f"ping -c 2 -l 65536 {L}"),
    ("lo", f"ping -c 1 -l 65536 -i 1000 {L}"),
    ("lo", f"ping -c 1 -l 2 -i 2147483 {L}"),
    ("lo", f"ping -c 1 -e 65536 {L}"),
    ("lo", f"ping -c 1 -e -1 {L}"),
    ("lo", f"ping -c 1 -e 7 {L}"),
    ("lo", f"ping -c 1 -m 4294967296 {L}"),
    ("lo", f"ping -c 1 -m -1 {L}"),
    ("lo", f"ping -c 1 -m 5 {L}"),
    ("lo", f"ping -c 1 -S 0 {L}"),
    ("lo", f"ping -c 1 -S 100 {L}"),
    ("lo", f"ping -c 1 -Q 256 {L}"),
    ("lo", f"ping -c 1 -Q 0x100 {L}"),
    ("lo", f"ping -c 1 -Q abc {L}"),
    ("lo", f"ping -c 1 -Q 99999999999 {L}"),
    ("lo", "ping -c 1 -Q {digits5000} " + L),
    ("lo", f"ping -c 1 -Q -1 {L}"),
    ("lo", f"ping -c 1 -Q 0x {L}"),
    ("lo", f"ping -c 1 -Q 0x10 {L}"),
    ("lo", f"ping -c 1 -F 0x100000 {L}"),
    ("lo", f"ping -c 1 -F -1 {L}"),
    ("lo", f"ping -c 1 -F abc {L}"),
    ("lo", f"ping -c 1 -F 5 {L}"),
    ("lo", f"ping -c 1 -M foo {L}"),
    ("lo", f"ping -c 1 -M do {L}"),
    ("lo", f"ping -c 1 -T foo {L}"),
    ("lo", f"ping -c 1 -R -T tsonly {L}"),
    ("lo", f"ping -c 1 -T tsonly -R {L}"),
    ("lo", f"ping -c 1 -N help {L}"),
    ("lo", f"ping -c 1 -N foo {L}"),
    ("lo", f"ping -c 1 -N name -N ipv4 {L}"),
    ("lo", f"ping -c 1 -N name {L}"),
    ("lo", f"ping -c 1 -4 -6 {L}"),
    ("lo", f"ping -c 1 -6 {L}"),
    ("lo", "ping -c 1 -4 ::1"),
    ("lo", "ping -c 1 ::1"),
    # -p
    ("lo", f"ping -c 1 -p ff {L}"),
    ("lo", f"ping -c 1 -p abc {L}"),
    ("lo", f"ping -c 1 -p 0123456789abcdef0123456789abcdef01 {L}"),
    ("lo", f"ping -c 1 -p 12xyz {L}"),
    ("lo", f"ping -c 1 -p '' {L}"),
    ("lo", f"ping -c 1 -q -p ff {L}"),
    ("lo", f"ping -c 1 -s 4 -p ff {L}"),
    ("lo", "ping -c 1 -p ff nosuchhost"),
    ("lo", f"ping -c 1 -t 0 -p ff {L}"),
    # flags
    ("lo", f"ping -f -c 5 {L}"),
    ("lo", f"ping -f -q -c 5 {L}"),
    ("lo", f"ping -f -i 0.2 -c 3 {L}"),
    ("lo", f"ping -c 2 -a {L}"),
    ("lo", f"ping -c 2 -D {L}"),
    ("lo", f"ping -c 2 -v {L}"),
    ("lo", f"ping -c 1 -4 -v {L}"),
    ("lo", f"ping -c 1 -e 0 -v {L}"),
    ("lo", f"ping -c 2 -n -U -d -r -L -C {L}"),
    ("lo", f"ping -c 1 -B {L}"),
    ("lo", f"ping -c 1 -b {L}"),
    ("lo", f"ping -V {L}"),
    ("lo", f"ping -h {L}"),
    ("lo", f"ping -? {L}"),
    ("lo", f"ping -Z {L}"),
    ("lo", "ping -c"),
    ("lo", "ping"),
    ("lo", "ping -c 1"),
    # -I
    ("lo", f"ping -c 1 -I lo {L}"),
    ("lo", f"ping -c 1 -I {L} {L}"),
    ("lo", f"ping -c 1 -I eth9 {L}"),
    ("lo", f"ping -c 1 -I 10.1.1.1 {L}"),
    ("lo", f"ping -c 1 -I ::1 {L}"),
    ("lo", f"ping -c 1 -I 'fe80::1%lo' {L}"),
    ("lo", f"ping -c 1 -I 'zz::1' {L}"),
    ("lo", f"ping -c 1 -I '' {L}"),
    ("lo", f"ping -c 1 -I 01.2.3.4 {L}"),
    ("lo", f"ping -c 1 -I verylongname0000 {L}"),
    # destinations
    ("lo", "ping -c 1 127.1"),
    ("lo", "ping -c 1 0x7f.1"),
    ("lo", "ping -c 1 0x7f000001"),
    ("lo", "ping -c 1 017700000001"),
    ("lo", "ping -c 1 0"),
    ("lo", "ping -c 1 127.0.0.2"),
    ("lo", "ping -c 1 1.2.3"),
    ("lo", "ping -c 1 4294967295"),
    ("lo", "ping -c 1 4294967296"),
    ("lo", "ping -c 1 256.1.1.1"),
    ("lo", "ping -c 1 09.1.1.1"),
    ("lo", "ping -c 1 1.2.3.4.5"),
    ("lo", "ping -c 1 127.0.0.1x"),
    ("lo", "ping -c 1 ' 127.0.0.1'"),
    ("lo", "ping -c 1 '127.0.0.1 '"),
    ("lo", "ping -c 1 nosuchhost"),
    ("lo", "ping -c 1 ''"),
    ("lo", "ping -c 1 ' '"),
    ("lo", "ping -c 1 'a b'"),
    ("lo", "ping -c 1 a_b"),
    ("lo", "ping -c 1 a..b"),
    ("lo", "ping -c 1 .a"),
    ("lo", "ping -c 1 a."),
    ("lo", "ping -c 1 ."),
    ("lo", "ping -c 1 '*'"),
    ("lo", "ping -c 1 a/b"),
    ("lo", "ping -c 1 a:b"),
    ("lo", "ping -c 1 'x\\y'"),
    ("lo", "ping -c 1 -- -a"),
    ("lo", "ping -c 1 héllo"),
    ("lo", "ping -c 1 日本"),
    ("lo", "ping -c 1 {name100k}"),
    ("lo", "ping -c 1 {dots300}"),
    ("lo", "ping -c 1 {label64}"),
    ("lo", f"ping -c 1 {L} {L}"),
    ("lo", f"ping -c 1 -R {L} {L}"),
    ("lo", "ping -c 1 10.9.9.9"),
    # two hosts
    ("pair", "ping -c 2 10.0.0.2"),
    ("pair", "ping -c 2 -s 2000 10.0.0.2"),
    ("pair", "ping -c 1 -I eth0 10.0.0.2"),
    ("pair", "ping -c 1 -I 10.0.0.1 10.0.0.2"),
    ("pair", "ping -c 1 -I lo 10.0.0.2"),
    ("pair", "ping -c 1 10.0.0.255"),
    ("pair", "ping -c 2 -t 1 10.0.0.2"),
    ("pair", "ping -c 2 -i 0.2 10.0.0.3"),
    ("pair", "ping -c 1 10.9.9.9"),
    ("pair", "ping -q -c 3 -i 0.2 10.0.0.2"),
    ("pair", "ping -c 3 -A 10.0.0.2"),
]


def expand(text: str) -> str:
    """The command (or output) with each ``{name}`` of :data:`BIG` written out."""
    for name, value in BIG.items():
        text = text.replace("{" + name + "}", value)
    return text


def shrink(text: str, command: str) -> str:
    """The output with each long argument the command used put back as ``{name}``."""
    for name, value in sorted(BIG.items(), key=lambda item: -len(item[1])):
        if "{" + name + "}" in command:
            text = text.replace(value, "{" + name + "}")
    return text
