"""BPDUs in and out of a bridge port (net/bridge/br_stp_bpdu.c).

Out: :func:`send_config_bpdu` / :func:`send_tcn_bpdu` build the bytes
(:mod:`netsim.packets.bpdu`: 802.3 + LLC ``42 42 03``, to 01:80:c2:00:00:00, from the
port's own MAC) and hand them to the port device (``dev_queue_xmit``), only while the
kernel's STP runs. The times go out in 1/256 s: ``br_set_ticks()`` rounds down.

In: a BPDU is link-local, so :func:`netsim.bridge.input.handle_frame` lets the port
device's own stack have it; there LLC hands it to :func:`stp_rcv` (``br_stp_rcv``),
which reads it only if STP runs, the bridge is up, the port is not disabled and the
frame went to the bridge group address -- then ``br_get_ticks()`` rounds the times up to
jiffies and a configuration BPDU older than its own max age is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.bridge import stp, stp_if
from netsim.bridge.stp_timer import HZ
from netsim.packets import bpdu as wire
from netsim.stack.skb import Skb

if TYPE_CHECKING:
    from netsim.bridge.port import BridgePort


def set_ticks(j: int) -> int:
    """br_set_ticks(): jiffies -> 1/256 s, rounded down."""
    return wire.STP_HZ * j // HZ


def get_ticks(ticks: int) -> int:
    """br_get_ticks(): 1/256 s -> jiffies, rounded up."""
    return -(-ticks * HZ // wire.STP_HZ)


def _send(port: BridgePort, message: wire.Bpdu, func: str) -> None:
    """br_send_bpdu(): the frame out of the port device."""
    dev = port.dev
    data = wire.frame(dev.mac, message)
    br = port.br
    frame_id = br.ns.lab.new_frame_id()
    stp.log(br, dev.name, f"sends on {dev.name}: {wire.describe(message)}", func, "tx",
            frame_id, data)
    dev.queue_xmit(Skb(data, frame_id, dev))


def send_config_bpdu(port: BridgePort, info: stp.ConfigInfo) -> None:
    """br_send_config_bpdu()."""
    if not port.br.stp_enabled:
        return
    message = wire.ConfigBpdu(info.topology_change, info.topology_change_ack, info.root,
                              info.root_path_cost, info.bridge_id, info.port_id,
                              set_ticks(info.message_age), set_ticks(info.max_age),
                              set_ticks(info.hello_time), set_ticks(info.forward_delay))
    _send(port, message, "br_send_config_bpdu")
    port.stp_xstats["tx_bpdu"] += 1


def send_tcn_bpdu(port: BridgePort) -> None:
    """br_send_tcn_bpdu()."""
    if not port.br.stp_enabled:
        return
    _send(port, wire.TcnBpdu(), "br_send_tcn_bpdu")
    port.stp_xstats["tx_tcn"] += 1


def stp_rcv(port: BridgePort, skb: Skb) -> None:
    """br_stp_rcv(): a BPDU received on a port, as LLC delivers it."""
    br = port.br
    try:
        message = wire.parse(skb.data)
    except ValueError:
        message = None
    if message is None:
        stp.log(br, port.dev.name, "not a BPDU this bridge reads (LLC 42 42 03, protocol 0, "
                "version 0): dropped", "br_stp_rcv", "drop", skb.frame_id, skb.data)
        return
    if not br.stp_enabled or not br.admin_up or port.state == "disabled":
        return
    if skb.data[:6] != wire.STP_GROUP_ADDR:
        return
    if port.guard:
        stp.log(br, port.dev.name, f"BPDU received on blocked port {port.port_no}"
                f"({port.dev.name}): bpdu_guard disables it", "br_stp_rcv", "drop",
                skb.frame_id, skb.data)
        stp_if.disable_port(port)
        return
    stp.log(br, port.dev.name, f"BPDU received on {port.dev.name}: {wire.describe(message)}",
            "br_stp_rcv", "rx", skb.frame_id, skb.data)
    if isinstance(message, wire.TcnBpdu):
        stp.received_tcn_bpdu(port, skb.frame_id)
        return
    info = stp.ConfigInfo(message.topology_change, message.topology_change_ack, message.root,
                          message.root_path_cost, message.bridge_id, message.port_id,
                          get_ticks(message.message_age), get_ticks(message.max_age),
                          get_ticks(message.hello_time), get_ticks(message.forward_delay))
    if info.message_age > info.max_age:
        stp.log(br, port.dev.name, f"port {port.port_no} config from {message.bridge_id} "
                f"(message_age {info.message_age} > max_age {info.max_age}): dropped",
                "br_stp_rcv", "drop", skb.frame_id)
        return
    stp.received_config_bpdu(port, info, skb.frame_id)
