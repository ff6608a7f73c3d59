"""Sending frames out of bridge ports (net/bridge/br_forward.c).

Both pass NF_BR_FORWARD on the way out (br_netfilter: iptables FORWARD for bridged
IPv4 when ``net.bridge.bridge-nf-call-iptables=1``), at the cost of one ``is None``
test while the host has no netfilter.

* :func:`forward` (``br_forward``): known unicast, to the one port its MAC is behind --
  never back out of the port it came in on (``should_deliver``).
* :func:`flood` (``br_flood``): unknown unicast, broadcast and multicast, a copy to
  every *other* forwarding port.
* :func:`pass_frame_up` (``br_pass_frame_up``): the frame is for this host; it is
  received again, now by the bridge device br0, whose IP address answers.

On the way out every copy passes ``is_skb_forwardable()`` (``br_dev_queue_push_xmit``):
a frame longer than the port's MTU + 14 + 4 (room for a VLAN tag) is freed there,
counted nowhere (measured on Linux 6.18). br0 counts what it passes up as received,
without the Ethernet header (``skb->len`` after ``eth_type_trans``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.bridge import storm
from netsim.engine.trace import Step
from netsim.packets.addr import mac_ntoa
from netsim.stack.skb import PartialSkb, finish_checksum

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.fdb import FdbEntry
    from netsim.bridge.port import BridgePort
    from netsim.stack.skb import Skb


# Known unicast sent to one port (row: a = the egress port). Facts: mac, port.
_FORWARD = Step("bridge", "forward", "br_forward",
                lambda host, dev, data, a, b: f"{dev}: {mac_ntoa(data[0:6])} is in the FDB "
                f"behind {a}: forwarding to {a} only",
                facts=lambda host, dev, data, a, b: {"mac": mac_ntoa(data[0:6]), "port": a})

# A frame entering a bridge port (row: a = the bridge's name). Facts: bridge, port.
RECEIVED = Step("bridge", "rx", "br_handle_frame",
                lambda host, dev, data, a, b:
                f"{dev} is a port of {a}: its rx_handler gives the frame to the bridge",
                facts=lambda host, dev, data, a, b: {"bridge": a, "port": dev})


class _ReceivedAndForwarded(Step):
    """A frame enters by one port and is forwarded to one other: one row, two records
    (row: dev = the ingress port, a = the bridge, b = the egress port)."""

    def __init__(self) -> None:
        super().__init__("bridge", "forward", "br_forward")
        self.width = 2

    def records(self, time, host, dev, frame_id, data, a, b):
        return (RECEIVED.records(time, host, dev, frame_id, data, a, None)
                + _FORWARD.records(time, host, a, frame_id, data, b, None))


RECEIVED_AND_FORWARDED = _ReceivedAndForwarded()

def deliver(port: BridgePort, skb: Skb, bridged: bool = True) -> None:
    """__br_forward() -> br_dev_queue_push_xmit(): transmit the frame on the port device.

    In between sits NF_BR_FORWARD for a ``bridged`` frame (one that came in on another
    port): with netfilter in use, br_netfilter may send it through iptables' FORWARD
    chain (bridge-nf-call-iptables). What br0 itself sends passes NF_BR_LOCAL_OUT,
    where iptables has no say.
    """
    nf = port.br.ns.netfilter
    if bridged and nf is not None and not nf.bridge_forward(port.br, skb):
        return
    dev = port.dev
    if len(skb.data) > dev.mtu + FORWARDABLE_SLACK:
        too_long(port.br, dev, skb)
        return
    if type(skb) is PartialSkb and not dev.tx_csum_offload:
        skb = finish_checksum(skb, dev)  # validate_xmit_skb(): this port cannot offload
    skb.dev = dev
    dev.queue_xmit(skb)


FORWARDABLE_SLACK = 14 + 4
"""is_skb_forwardable(): a frame may be the MTU + the Ethernet header + a VLAN tag long."""


def too_long(br: Bridge, dev, skb: Skb) -> None:
    """br_dev_queue_push_xmit(): is_skb_forwardable() failed: freed, counted nowhere."""
    trace = br.ns.trace
    if trace.enabled:
        trace.hop(br.ns.name, dev.name, "bridge", "drop", skb.frame_id,
                  f"{br.name}: the frame ({len(skb.data)} bytes) is longer than {dev.name}'s "
                  f"MTU {dev.mtu} + 18: not sent, and no counter says so",
                  "br_dev_queue_push_xmit", skb.data)


def received(port: BridgePort, skb: Skb) -> None:
    """The record of a frame entering the bridge by ``port`` (when tracing)."""
    br = port.br
    trace = br.ns.trace
    if trace.enabled:
        trace.step(RECEIVED, br.ns.name, port.dev.name, skb.frame_id, skb.data, br.name)


def forward(br: Bridge, dst: FdbEntry, skb: Skb, ingress: BridgePort | None,
            owed: bool = False) -> None:
    """br_forward(): known unicast to the port the FDB names.

    ``owed``: the record of the frame entering by ``ingress`` is still to be written
    (see :func:`netsim.bridge.input.handle_frame`).

    (netsim's storm guard notes a frame older than the newest forwarded: many of those
    in a second mean a unicast frame going round a loop; see :mod:`netsim.bridge.storm`.)
    """
    frame_id = skb.frame_id
    newest = br.fwd_newest
    if frame_id > newest:  # frames are numbered as they are made
        br.fwd_newest = frame_id
    elif frame_id == newest or newest - frame_id > storm.STALE_AGE:
        storm.stale_forward(br)  # the same frame again, or a very old one: a loop?
    port = dst.port
    trace = br.ns.trace
    # the kernel's should_deliver() (not back where it came from unless hairpin, and
    # forwarding), written out on this hottest path
    if port is None or (port is ingress and not port.hairpin) or port.state != "forwarding":
        mac = skb.data[0:6]
        if owed:
            received(ingress, skb)
        if trace.enabled:
            where = port.dev.name if port else br.name
            why = ("it came in on that port: not sent back" if port is ingress
                   else f"port {where} is {port.state if port else 'the bridge'}")
            trace.hop(br.ns.name, br.name, "bridge", "drop", skb.frame_id,
                      f"{br.name}: {mac_ntoa(mac)} is behind {where}; {why}", "br_forward",
                      skb.data)
        return
    if trace.enabled:
        if owed:
            ns = br.ns
            trace.add((ns.env._now, RECEIVED_AND_FORWARDED, ns.name, ingress.dev.name,
                       skb.frame_id, skb.data, br.name, port.dev.name))
        else:
            trace.step(_FORWARD, br.ns.name, br.name, skb.frame_id, skb.data, port.dev.name)
    # deliver(), inlined on this hottest path: the frame leaves by the port device
    nf = br.ns.netfilter
    if nf is not None and ingress is not None and not nf.bridge_forward(br, skb):
        return
    dev = port.dev
    if len(skb.data) > dev.mtu + 18:  # is_skb_forwardable()
        too_long(br, dev, skb)
        return
    if type(skb) is PartialSkb and not dev.tx_csum_offload:
        skb = finish_checksum(skb, dev)  # validate_xmit_skb(): this port cannot offload
    skb.dev = dev
    dev.queue_xmit(skb)


def flood(br: Bridge, skb: Skb, kind: str, ingress: BridgePort | None) -> None:
    """br_flood(): a copy to every other forwarding port that accepts this kind of frame.

    (netsim's storm guard counts the frame first: see :mod:`netsim.bridge.storm`.)
    """
    if storm.flood_check(br, ingress, skb):
        return
    # the kernel's should_deliver() and the port's flag for this kind of frame (BR_FLOOD,
    # BR_MCAST_FLOOD, BR_BCAST_FLOOD), written out: this runs once per port
    ports = br.ports
    if kind == "unknown unicast":
        targets = [p for p in ports if p.flood and (p is not ingress or p.hairpin)
                   and p.state == "forwarding"]
    elif kind == "multicast":
        targets = [p for p in ports if p.mcast_flood and (p is not ingress or p.hairpin)
                   and p.state == "forwarding"]
    else:
        targets = [p for p in ports if p.bcast_flood and (p is not ingress or p.hairpin)
                   and p.state == "forwarding"]
    trace = br.ns.trace
    if trace.enabled:
        names = ", ".join(p.dev.name for p in targets) or "no other port"
        if kind == "unknown unicast":
            why = f"dst {mac_ntoa(skb.data[0:6])} not in the FDB"
        else:
            why = f"{kind} {mac_ntoa(skb.data[0:6])}"
        trace.hop(br.ns.name, br.name, "bridge", "flood", skb.frame_id,
                  f"{br.name}: {why}: flooding to {names}", "br_flood", skb.data)
    bridged = ingress is not None
    if br.ns.netfilter is not None or type(skb) is PartialSkb:
        for port in targets:
            deliver(port, skb.clone(), bridged)
        return
    # deliver()'s common case (no netfilter, nothing to finish), once per port
    size = len(skb.data) - FORWARDABLE_SLACK
    for port in targets:
        dev = port.dev
        if size > dev.mtu:
            too_long(br, dev, skb)
            continue
        copy = skb.clone()
        copy.dev = dev
        dev.queue_xmit(copy)


def pass_frame_up(br: Bridge, skb: Skb) -> None:
    """br_pass_frame_up(): br0 receives the frame and hands it to this host's stack."""
    if not br.admin_up:
        return
    up = skb.clone()
    up.dev = br
    stats = br.stats
    stats.rx_packets += 1
    stats.rx_bytes += len(skb.data) - 14  # skb->len: eth_type_trans() pulled the header
    trace = br.ns.trace
    if trace.enabled:
        trace.hop(br.ns.name, br.name, "bridge", "pass-up", skb.frame_id,
                  f"{br.name}: frame for this host: passed up to {br.name}'s own stack",
                  "br_pass_frame_up", skb.data)
    br.netif_receive(up)
