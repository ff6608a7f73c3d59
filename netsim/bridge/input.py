"""A frame arrives on a bridge port (net/bridge/br_input.c).

:func:`handle_frame` is the port device's rx_handler (``br_handle_frame``). It
sorts out the IEEE link-local group addresses, then :func:`handle_frame_finish`
(``br_handle_frame_finish``) learns the source and makes the decision that reads
aloud::

    if dst is None:      flood               (unknown unicast, broadcast, multicast)
    elif dst.is_local:   pass_frame_up       (for this host: up through br0)
    else:                forward             (to the one port that MAC is behind)

Broadcast and multicast are *also* passed up, after the flood.

A BPDU (to 01:80:c2:00:00:00) is never forwarded while STP runs: the port device's own
stack gets it and LLC hands it to the spanning tree (:func:`stp_bpdu.stp_rcv`). With
STP off it is flooded like any multicast, so loops stay visible to other bridges.

The storm guard (:mod:`netsim.bridge.storm`, netsim's, not the kernel's) counts the
frames a bridge floods; a bridge that has had a storm also counts every frame coming
in, with :func:`handle_frame_counting` as its ports' rx_handler -- the common path of a
bridge that never had one is untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.bridge import forward as fwd
from netsim.bridge import storm, stp_bpdu
from netsim.packets.addr import mac_ntoa
from netsim.stack.netdevice import RX_HANDLER_CONSUMED, RX_HANDLER_PASS
from netsim.stack.skb import PACKET_HOST

if TYPE_CHECKING:
    from netsim.bridge.port import BridgePort
    from netsim.stack.skb import Skb

_LINK_LOCAL_PREFIX = b"\x01\x80\xc2\x00\x00"
_ZERO = bytes(6)

def _drop(port: BridgePort, skb: Skb, reason: str, func: str = "br_handle_frame") -> int:
    br = port.br
    br.ns.trace.hop(br.ns.name, port.dev.name, "bridge", "drop", skb.frame_id, reason, func,
                    skb.data)
    return RX_HANDLER_CONSUMED


def handle_frame(port: BridgePort, skb: Skb) -> int:
    """br_handle_frame(): the rx_handler every port device carries."""
    data = skb.data
    if data[6] & 1 or data[6:12] == _ZERO:
        return _drop(port, skb, f"{port.br.name}: source {mac_ntoa(data[6:12])} is not a "
                     "valid unicast address")
    br = port.br
    trace = br.ns.trace
    # The record of the frame entering the bridge is written with the next one when the
    # frame is forwarded to one port (fwd.RECEIVED_AND_FORWARDED); every other way out
    # writes it first (fwd.received).
    owed = trace.enabled
    if data[0] == 0x01 and data[:5] == _LINK_LOCAL_PREFIX and data[5] & 0xF0 == 0:
        fwd.received(port, skb)
        return _link_local(port, skb, data[5])
    state = port.state
    if state != "forwarding" and state != "learning":
        fwd.received(port, skb)
        return _drop(port, skb, f"{br.name}: port {port.dev.name} is {state}: frame dropped")
    if data[:6] == br.mac:
        skb.pkttype = PACKET_HOST
    handle_frame_finish(port, skb, owed)
    return RX_HANDLER_CONSUMED


def handle_frame_counting(port: BridgePort, skb: Skb) -> int:
    """The rx_handler of a bridge that had a storm: every frame is counted first, and a
    unicast frame going round a loop is dropped at the door (a flooded one is dropped
    after learning, in :func:`netsim.bridge.forward.flood`)."""
    if storm.count(port.br, port, skb) and not skb.data[0] & 1:
        return RX_HANDLER_CONSUMED
    return handle_frame(port, skb)


def _link_local(port: BridgePort, skb: Skb, low: int) -> int:
    """01:80:c2:00:00:0X: never flooded blindly (IEEE 802.1D reserves them)."""
    br = port.br
    if low == 0x00:  # STP BPDUs
        if not br.stp_enabled or br.group_fwd_mask & 1:
            return _forward_anyway(port, skb, "STP is off, so BPDUs are forwarded like "
                                   "any multicast (to keep loop detection working)")
    elif low == 0x01:  # 802.3x PAUSE
        return _drop(port, skb, f"{br.name}: 01:80:c2:00:00:01 (PAUSE) is never forwarded")
    elif (br.group_fwd_mask >> low) & 1:
        return _forward_anyway(port, skb, f"group_fwd_mask allows 01:80:c2:00:00:{low:02x}")
    # Not forwarded: learn from it, and let the port device's own stack have it.
    if port.state in ("forwarding", "learning") and port.learning:
        br.fdb.update(port, skb.data[6:12], skb.frame_id)
    br.ns.trace.hop(br.ns.name, port.dev.name, "bridge", "pass-up", skb.frame_id,
                    f"{br.name}: link-local group 01:80:c2:00:00:{low:02x} is not forwarded; "
                    f"{port.dev.name}'s own stack gets it", "br_handle_local_finish", skb.data)
    if low == 0x00:
        stp_bpdu.stp_rcv(port, skb)  # LLC SAP 0x42 -> stp_pdu_rcv() -> br_stp_rcv()
    return RX_HANDLER_PASS


def _forward_anyway(port: BridgePort, skb: Skb, why: str) -> int:
    if port.state not in ("forwarding", "learning"):
        return _drop(port, skb, f"{port.br.name}: port {port.dev.name} is {port.state}")
    port.br.ns.trace.hop(port.br.ns.name, port.dev.name, "bridge", "info", skb.frame_id,
                         f"{port.br.name}: {why}", "br_handle_frame", skb.data)
    handle_frame_finish(port, skb)
    return RX_HANDLER_CONSUMED


def handle_frame_finish(port: BridgePort, skb: Skb, owed: bool = False) -> None:
    """br_handle_frame_finish(): learn, then flood / pass up / forward.

    ``owed``: the record of the frame entering the bridge is still to be written."""
    br = port.br
    data = skb.data
    entries = br.fdb.entries
    if port.learning:
        src = data[6:12]
        known = entries.get(src)
        if known is not None and known.port is port and not known.is_static:
            known.updated = br.ns.env._now  # br_fdb_update()'s common case, written out
        else:
            if owed:
                fwd.received(port, skb)
                owed = False
            br.fdb.update(port, src, skb.frame_id)
    dst_mac = data[0:6]
    dst = None if data[0] & 1 else entries.get(dst_mac)  # br_fdb_find_rcu()
    if owed and (dst is None or dst.is_local or port.state == "learning"):
        fwd.received(port, skb)
        owed = False
    if port.state == "learning":
        br.ns.trace.hop(br.ns.name, port.dev.name, "bridge", "drop", skb.frame_id,
                        f"{br.name}: port {port.dev.name} is learning: source learned, "
                        "frame not forwarded", "br_handle_frame_finish", data)
        return
    local_rcv = br.promiscuity > 0
    if dst_mac[0] & 1:
        # Broadcast (a multicast too) and multicast: flood, and a copy goes up.
        kind = "broadcast" if dst_mac == b"\xff\xff\xff\xff\xff\xff" else "multicast"
        if kind == "multicast":
            br.stats["multicast"] += 1
        fwd.flood(br, skb, kind, ingress=port)
        fwd.pass_frame_up(br, skb)
        return
    if dst is None:
        fwd.flood(br, skb, "unknown unicast", ingress=port)
    elif dst.is_local:
        fwd.pass_frame_up(br, skb)
        return
    else:
        dst.used = br.ns.env._now
        fwd.forward(br, dst, skb, port, owed)
    if local_rcv:
        fwd.pass_frame_up(br, skb)

