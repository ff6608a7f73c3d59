"""Names to addresses as glibc finds them without DNS: inet_aton, then /etc/hosts."""

from __future__ import annotations

import pytest

import netsim
from netsim.user.resolver import gethostbyaddr, gethostbyname, inet_aton


@pytest.mark.parametrize("text, expected", [
    ("1.2.3.4", "01020304"), ("127.1", "7f000001"), ("0x7f.1", "7f000001"),
    ("0177.0.0.1", "7f000001"), ("4294967295", "ffffffff"), ("10.0.65535", "0a00ffff"),
])
def test_inet_aton_reads_every_form_glibc_reads(text, expected) -> None:
    assert inet_aton(text) == bytes.fromhex(expected)


@pytest.mark.parametrize("text", ["", "1..2", "a.b", "10.0.0.256", "1.2.3.4.5", "1.2.3.4 ",
                                  "9" * 5000, "-1.2.3.4", "08.1.1.1"])
def test_inet_aton_refuses_what_is_not_an_address(text) -> None:
    assert inet_aton(text) is None


def test_names_come_from_the_hosts_etc_hosts() -> None:
    host = netsim.Lab().host("h1")
    assert gethostbyname(host.fs, "localhost") == bytes([127, 0, 0, 1])
    assert gethostbyname(host.fs, "h1") == bytes([127, 0, 1, 1])
    assert gethostbyname(host.fs, "ip6-localhost") is None  # IPv6 lines are skipped
    assert gethostbyname(host.fs, "nosuch") is None
    assert gethostbyaddr(host.fs, bytes([127, 0, 0, 1])) == "localhost"
    host.sh("echo '192.168.1.20 lan1 lan1.home' >> /etc/hosts")
    assert gethostbyname(host.fs, "lan1.home") == bytes([192, 168, 1, 20])
    host.sh("rm /etc/hosts")
    assert gethostbyname(host.fs, "localhost") is None
