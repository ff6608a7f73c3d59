"""The sysctl catalogue: Linux 6.18's files as a data file of the package, read on first use."""

from __future__ import annotations

from importlib import resources

import pytest

from netsim.pseudofs.sysctl import CATALOGUE_FILE, catalogue, parse_catalogue


def test_catalogue_ships_in_the_package() -> None:
    assert resources.files("netsim.pseudofs").joinpath(CATALOGUE_FILE).is_file()


def test_catalogue_sections_and_flags() -> None:
    cat = catalogue()
    assert cat.static["net.ipv4.ip_forward"] == ("0", "")
    assert cat.static["net.ipv4.tcp_rmem"] == ("4096\t131072\t33554432", "")
    assert cat.static["net.ipv4.ip_local_reserved_ports"] == ("", "")
    assert cat.static["net.ipv4.route.flush"] == ("", "wo")
    assert cat.static["net.core.rmem_max"] == ("4194304", "ro")
    assert cat.conntrack["net.netfilter.nf_conntrack_count"] == ("0", "ro")
    assert cat.ipv4_conf["mc_forwarding"] == ("0", "ro")
    assert cat.ipv6_conf["mtu"] == ("1280", "")
    assert cat.neigh["unres_qlen"] == ("101", "")
    sizes = (len(cat.static), len(cat.conntrack), len(cat.ipv4_conf), len(cat.ipv6_conf),
             len(cat.neigh))
    assert sizes == (196, 38, 33, 62, 17)


def test_parse_catalogue_skips_comments_and_refuses_other_lines() -> None:
    assert parse_catalogue("# note\n[neigh]\n\nlocktime = 100\n") == {
        "neigh": {"locktime": ("100", "")}}
    with pytest.raises(ValueError, match="not a sysctl line"):
        parse_catalogue("[static]\nnot a line\n")
