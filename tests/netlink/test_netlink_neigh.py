"""RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH through the API (the ARP cache)."""

from __future__ import annotations

import errno

from netlink_helpers import fresh_ns, refusal

from netsim.netlink import link, neigh
from netsim.netlink.link import LinkRequest
from netsim.netlink.message import CHANGE
from netsim.netlink.neigh import NeighRequest

IP = bytes.fromhex
MAC = bytes.fromhex("020000000002")


def with_veth():
    ns = fresh_ns()
    dev = link.newlink(ns, LinkRequest(name="v1", kind="veth", peer=LinkRequest(name="v2")))
    return ns, dev


def test_a_permanent_entry_is_added_once_and_found():
    # Linux: `ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v1` twice -> File exists
    ns, dev = with_veth()
    req = NeighRequest(dev.ifindex, IP("0a000002"), MAC)
    n = neigh.newneigh(ns, req)
    assert (n.lladdr, neigh.state_bits(ns, n)) == (MAC, neigh.NUD_PERMANENT)
    assert refusal(neigh.newneigh, ns, req) == (errno.EEXIST, None)
    assert neigh.getneigh(ns, dev.ifindex, IP("0a000002")) is n


def test_missing_entries_and_devices():
    # Linux: del / change of a missing entry -> ENOENT; RTM_NEWNEIGH for ifindex 99 ->
    # ENODEV; `ip neigh add 10.0.0.4 dev v1` -> Error: No link layer address given.
    ns, dev = with_veth()
    missing = NeighRequest(dev.ifindex, IP("0a000003"), MAC)
    assert refusal(neigh.delneigh, ns, missing) == (errno.ENOENT, None)
    assert refusal(neigh.newneigh, ns, missing, CHANGE) == (errno.ENOENT, None)
    assert refusal(neigh.newneigh, ns, NeighRequest(99, IP("0a000009"), MAC)) == \
        (errno.ENODEV, None)
    assert refusal(neigh.newneigh, ns, NeighRequest(dev.ifindex, IP("0a000004"))) == \
        (errno.EINVAL, "No link layer address given")
    assert refusal(neigh.getneigh, ns, dev.ifindex, IP("0a000003")) == \
        (errno.ENOENT, "Neighbour entry not found")
