"""RTM_NEWLINK / RTM_DELLINK through the API, without `ip` (netsim.netlink.link)."""

from __future__ import annotations

import errno

from netlink_helpers import fresh_ns, refusal

import netsim
from netsim.netlink import link
from netsim.netlink.devinfo import IFF_UP
from netsim.netlink.link import LinkRequest


def indexes(ns) -> dict[str, int]:
    return {d.name: d.ifindex for d in ns.in_order()}


def veth(name: str, peer: str | None = None, **kw) -> LinkRequest:
    return LinkRequest(name=name, kind="veth",
                       peer=LinkRequest(name=peer) if peer is not None else None, **kw)


def test_the_veth_peer_is_registered_first_and_named_by_the_kernel():
    # Linux: `ip link add vc type veth` -> 4: veth0@vc, 5: vc@veth0 (after lo, vb, va)
    ns = fresh_ns()
    dev = link.newlink(ns, veth("vc"))
    assert indexes(ns) == {"lo": 1, "veth0": 2, "vc": 3}
    assert dev.name == "vc" and dev.peer.name == "veth0"


def test_a_deleted_devices_ifindex_is_not_given_out_again():
    # Linux: va/vb 2-3, vc/veth0 4-5, `ip link del vc`, then a bridge gets 6
    ns = fresh_ns()
    link.newlink(ns, veth("va", "vb"))
    vc = link.newlink(ns, veth("vc"))
    link.dellink(ns, vc.ifindex)  # the peer goes with it
    link.newlink(ns, LinkRequest(name="br9", kind="bridge"))
    assert indexes(ns) == {"lo": 1, "vb": 2, "va": 3, "br9": 6}


def test_a_refused_create_uses_no_ifindex():
    # Linux: a veth whose peer name is taken (EEXIST) or whose peer MTU is too small
    # (EINVAL) is refused before registration: the next device gets the next number
    ns = fresh_ns()
    link.newlink(ns, LinkRequest(name="br9", kind="bridge"))
    assert refusal(link.newlink, ns, veth("vx", "br9")) == (errno.EEXIST, None)
    peer_mtu_10 = veth("vy", "vz")
    peer_mtu_10.peer.mtu = 10
    assert refusal(link.newlink, ns, peer_mtu_10) == (errno.EINVAL, None)
    link.newlink(ns, LinkRequest(name="br7", kind="bridge"))
    assert indexes(ns) == {"lo": 1, "br9": 2, "br7": 3}


def test_a_name_that_exists_is_eexist():
    # Linux: `ip link add br0 type bridge` twice -> RTNETLINK answers: File exists
    ns = fresh_ns()
    link.newlink(ns, LinkRequest(name="br0", kind="bridge"))
    assert refusal(link.newlink, ns, LinkRequest(name="br0", kind="bridge")) == \
        (errno.EEXIST, None)


def test_an_ifindex_that_does_not_exist_is_enodev():
    # Linux: RTM_DELLINK / RTM_NEWLINK (set up) for ifindex 99 -> ENODEV, no message
    ns = fresh_ns()
    assert refusal(link.dellink, ns, 99) == (errno.ENODEV, None)
    up = LinkRequest(ifindex=99)
    up.set_flag(IFF_UP, True)
    assert refusal(link.setlink, ns, up) == (errno.ENODEV, None)


def test_a_master_that_does_not_exist_is_einval():
    # Linux: RTM_NEWLINK with IFLA_MASTER 99 -> EINVAL (do_set_master)
    ns = fresh_ns()
    dev = link.newlink(ns, veth("va", "vb"))
    assert refusal(link.setlink, ns, LinkRequest(ifindex=dev.ifindex, master=99)) == \
        (errno.EINVAL, None)


def test_lo_cannot_be_deleted_and_tun_is_not_made_over_netlink():
    # Linux: RTM_DELLINK for lo -> EOPNOTSUPP; `ip link add t0 type tun` -> its extack
    ns = fresh_ns()
    assert refusal(link.dellink, ns, ns.lo.ifindex) == (errno.EOPNOTSUPP, None)
    assert refusal(link.newlink, ns, LinkRequest(name="t0", kind="tun")) == \
        (errno.EOPNOTSUPP, "tun/tap creation via rtnetlink is not supported.")


def test_a_device_moved_to_another_namespace_keeps_its_ifindex_if_free():
    # Linux: d3 (ifindex 7) moved into a namespace whose devices are lo and 2-6: still 7
    lab = netsim.Lab(seed=0)
    ns1, ns2 = lab.host("h1").ns, lab.host("h2").ns
    for n in (1, 2, 3):
        link.newlink(ns1, veth(f"d{n}", f"p{n}"))
    for n in (1, 2):
        link.newlink(ns2, veth(f"e{n}", f"f{n}"))
    link.setlink(ns1, LinkRequest(ifindex=ns1.get("d3").ifindex, netns=ns2))
    assert ns1.get("d3") is None and ns2.get("d3").ifindex == 7


def test_set_mtu_outside_the_drivers_limits_is_einval():
    # Linux: `ip link set va mtu 10` -> Error: mtu less than device minimum.
    ns = fresh_ns()
    dev = link.newlink(ns, veth("va", "vb"))
    assert refusal(link.set_mtu, ns.get("va"), 10) == \
        (errno.EINVAL, "mtu less than device minimum")
    link.set_mtu(dev, 9000)
    assert dev.mtu == 9000


def test_a_name_with_a_byte_that_is_not_utf8_is_a_name_like_any_other() -> None:
    """Linux names are bytes: 0xff is fine (only '/', ':' and blanks are refused).
    Python carries such a byte as the lone surrogate U+DCFF."""
    import netsim

    host = netsim.Lab().host("h")
    result = host.sh("ip link add \udcff type bridge")
    assert (result.returncode, result.stderr) == (0, "")
    assert "\udcff" in host.ns.devices
