"""The spanning tree protocol, as the Linux bridge runs it (net/bridge/br_stp.c, 802.1D).

Every bridge starts out believing it is the root. Bridges tell each other, in
configuration BPDUs, which root they know and how far away it is; a port keeps the
best offer heard on its segment (:func:`received_config_bpdu`), and each bridge
then recomputes three things, in the kernel's order::

    br_configuration_update():  root_selection()             which port leads to the root
                                designated_port_selection()  which ports this bridge serves
    br_port_state_selection():  root port and designated ports go forwarding (through
                                listening and learning), every other port blocks

Comparisons are the kernel's: lowest root id, then lowest cost to it, then lowest
id of the bridge that offers it, then lowest port id -- :class:`BridgeId` objects
compare like the kernel's ``memcmp`` of their 8 bytes.

A topology change (a port starting or stopping to forward) travels up to the root
in TCN BPDUs; the root flags its configuration BPDUs for ``forward_delay + max_age``
and, meanwhile, every bridge ages its FDB entries after ``forward_delay``
(:func:`set_topology_change`, the kernel's ``__br_set_topology_change``).

Times are jiffies here, as in the kernel (:mod:`netsim.bridge.stp_timer`); the bridge
keeps its settings in seconds. Every decision is a trace record (layer ``stp``, the
kernel function that made it): :func:`port_states` reads the state changes back,
:func:`bpdus` the BPDUs sent and read.

Left out: user-space STP (``/sbin/bridge-stp``, only in the initial namespace),
``root_block`` and ``bpdu_guard``, MRP, switchdev offload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.bridge import stp_bpdu, stp_timer
from netsim.bridge.stp_timer import jiffies, round_jiffies, to_jiffies
from netsim.packets.bpdu import BridgeId, parse

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort
    from netsim.engine.trace import Trace

BR_HOLD_TIME = 1 * stp_timer.HZ
"""At most one configuration BPDU per second and port (br_private.h)."""

MESSAGE_AGE_INCR = stp_timer.HZ // 256 + 1
"""What a bridge adds to the message age it relays: at least one STP tick (1/256 s)."""

DISABLED, LISTENING, LEARNING, FORWARDING, BLOCKING = (
    "disabled", "listening", "learning", "forwarding", "blocking")


@dataclass(slots=True)
class ConfigInfo:
    """struct br_config_bpdu: a configuration BPDU as the bridge holds it (times in jiffies)."""

    topology_change: bool
    topology_change_ack: bool
    root: BridgeId
    root_path_cost: int
    bridge_id: BridgeId
    port_id: int
    message_age: int
    max_age: int
    hello_time: int
    forward_delay: int


# ---------------------------------------------------------------------- the trace
def log(br: Bridge, dev: str, reason: str, func: str, action: str = "info",
        frame_id: int = 0, data: bytes | None = None, facts: dict | None = None) -> None:
    """One STP trace record: ``br0: <reason>`` on ``dev``, by the kernel function ``func``.

    Facts: bridge, plus the caller's ``facts`` (a port state change: port, port_no,
    state -- see :func:`set_state`)."""
    ns = br.ns
    ns.trace.hop(ns.name, dev, "stp", action, frame_id, f"{br.name}: {reason}", func, data,
                 facts={"bridge": br.name, **facts} if facts else {"bridge": br.name})


def port_states(trace: Trace) -> list[tuple[float, str, str, str, str]]:
    """Every port state change in ``trace``: ``(time, host, bridge, port, state)``, read
    from the facts of :func:`set_state`'s records."""
    return [(rec.time, rec.host, rec.fact("bridge"), rec.fact("port"), rec.fact("state"))
            for rec in trace.records
            if rec.layer == "stp" and rec.action == "info" and rec.fact("state") is not None]


def bpdus(trace: Trace) -> list[tuple[float, str, str, str, object]]:
    """Every BPDU a bridge sent or read in ``trace``: ``(time, host, port, "tx" | "rx",
    ConfigBpdu | TcnBpdu)``, decoded from the record's bytes."""
    return [(rec.time, rec.host, rec.dev, rec.action, parse(rec.data)) for rec in trace.records
            if rec.layer == "stp" and rec.action in ("tx", "rx") and rec.data is not None]


def set_state(port: BridgePort, state: str, why: str, func: str) -> None:
    """br_set_state(): the port's new state, logged as the kernel logs it.

    Facts: bridge, port (the device's name), port_no, state."""
    port.state = state
    br = port.br
    if br.stp_enabled and state in (BLOCKING, FORWARDING):
        key = "transition_blk" if state == BLOCKING else "transition_fwd"
        port.stp_xstats[key] += 1
    log(br, port.dev.name, f"port {port.port_no}({port.dev.name}) entered {state} state: "
        f"{why}", func, facts={"port": port.dev.name, "port_no": port.port_no, "state": state})


# ---------------------------------------------------------------------- roles
def is_root_bridge(br: Bridge) -> bool:
    """br_is_root_bridge(): the root this bridge knows is itself."""
    return br.designated_root == br.stp_id


def is_designated_port(port: BridgePort) -> bool:
    """br_is_designated_port(): this bridge, through this port, serves the segment."""
    return port.designated_bridge == port.br.stp_id and port.designated_port == port.port_id


def is_designated_for_some_port(br: Bridge) -> bool:
    """br_is_designated_for_some_port()."""
    me = br.stp_id
    return any(p.state != DISABLED and p.designated_bridge == me for p in br.ports)


def get_port(br: Bridge, port_no: int) -> BridgePort | None:
    """br_get_port()."""
    return next((p for p in br.ports if p.port_no == port_no), None)


def port_role(port: BridgePort) -> str:
    """What the port is to the tree: ``root``, ``designated``, ``alternate`` (blocked)
    or ``disabled`` -- the kernel keeps no such field; this is read off the state."""
    if port.state == DISABLED:
        return "disabled"
    if port.port_no == port.br.root_port:
        return "root"
    return "designated" if is_designated_port(port) else "alternate"


# ---------------------------------------------------------------------- root and roles
def _should_become_root_port(p: BridgePort, root: BridgePort | None) -> bool:
    """br_should_become_root_port(): is ``p`` a better way to the root than ``root``?"""
    br = p.br
    if p.state == DISABLED or is_designated_port(p):
        return False
    if br.stp_id <= p.designated_root:
        return False  # what this port hears of is no better root than ourselves
    if root is None:
        return True
    for mine, theirs in ((p.designated_root, root.designated_root),
                         (p.designated_cost + p.path_cost, root.designated_cost + root.path_cost),
                         (p.designated_bridge, root.designated_bridge),
                         (p.designated_port, root.designated_port)):
        if mine != theirs:
            return mine < theirs
    return p.port_id < root.port_id


def root_selection(br: Bridge) -> None:
    """br_root_selection(): the port with the best path to the best root, or none."""
    root: BridgePort | None = None
    for p in br.ports:
        if not _should_become_root_port(p, root):
            continue
        if p.root_block:
            _root_port_block(p)
        else:
            root = p
    old_port, old_root = br.root_port, br.designated_root
    if root is None:
        br.root_port = 0
        br.designated_root = br.stp_id
        br.root_path_cost = 0
    else:
        br.root_port = root.port_no
        br.designated_root = root.designated_root
        br.root_path_cost = root.designated_cost + root.path_cost
    if (br.root_port, br.designated_root) == (old_port, old_root):
        return
    if root is None:
        log(br, br.name, f"no port hears of a better root than this bridge "
            f"({br.stp_id}): it is the root bridge", "br_root_selection")
    else:
        log(br, root.dev.name, f"BPDU on {root.dev.name} from root {root.designated_root}, "
            f"cost {root.designated_cost}, is better than ours: {root.dev.name} becomes the "
            f"root port (path cost {root.designated_cost} + {root.path_cost} = "
            f"{br.root_path_cost})", "br_root_selection")


def _root_port_block(p: BridgePort) -> None:
    """br_root_port_block(): root_block is on: the best way to the root may not be used."""
    br = p.br
    log(br, p.dev.name, f"port {p.port_no}({p.dev.name}) tried to become root port (blocked)",
        "br_root_port_block")
    set_state(p, LISTENING, "root_block: it may not be the root port", "br_root_port_block")
    fwd_delay = to_jiffies(br.forward_delay)
    if fwd_delay > 0:
        p.forward_delay_timer.mod(jiffies(br) + fwd_delay)


def become_designated_port(p: BridgePort) -> None:
    """br_become_designated_port(): this bridge's own offer is what the segment gets."""
    br = p.br
    p.designated_root = br.designated_root
    p.designated_cost = br.root_path_cost
    p.designated_bridge = br.stp_id
    p.designated_port = p.port_id


def _should_become_designated_port(p: BridgePort) -> bool:
    """br_should_become_designated_port(): is our offer better than the one recorded?"""
    br = p.br
    if is_designated_port(p) or p.designated_root != br.designated_root:
        return True
    if br.root_path_cost != p.designated_cost:
        return br.root_path_cost < p.designated_cost
    if br.stp_id != p.designated_bridge:
        return br.stp_id < p.designated_bridge
    return p.port_id < p.designated_port


def designated_port_selection(br: Bridge) -> None:
    """br_designated_port_selection()."""
    for p in br.ports:
        if p.state != DISABLED and _should_become_designated_port(p):
            was = is_designated_port(p)
            rival = p.designated_bridge
            become_designated_port(p)
            if not was and rival != br.stp_id:
                log(br, p.dev.name, f"{p.dev.name} becomes the designated port of its "
                    f"segment: root {br.designated_root} at cost {br.root_path_cost} from "
                    f"here beats the offer of {rival}", "br_designated_port_selection")


def configuration_update(br: Bridge) -> None:
    """br_configuration_update()."""
    root_selection(br)
    designated_port_selection(br)


# ---------------------------------------------------------------------- port states
def make_forwarding(p: BridgePort, why: str) -> None:
    """br_make_forwarding(): a blocked port starts its way to forwarding."""
    if p.state != BLOCKING:
        return
    br = p.br
    fwd_delay = to_jiffies(br.forward_delay)
    if not br.stp_enabled or fwd_delay == 0:
        set_state(p, FORWARDING, why + ("; STP is off: it forwards at once"
                                        if not br.stp_enabled else "; forward_delay is 0"),
                  "br_port_state_selection")
        topology_change_detection(br)
        p.forward_delay_timer.delete()
    else:
        set_state(p, LISTENING, why + f"; it listens for forward_delay ({br.forward_delay:g} s) "
                  "before it learns", "br_port_state_selection")
    if fwd_delay:
        p.forward_delay_timer.mod(jiffies(br) + fwd_delay)


def make_blocking(p: BridgePort, why: str) -> None:
    """br_make_blocking(): stop forwarding (a port that did forward changes the topology)."""
    if p.state in (DISABLED, BLOCKING):
        return
    if p.state in (FORWARDING, LEARNING):
        topology_change_detection(p.br)
    set_state(p, BLOCKING, why, "br_port_state_selection")
    p.forward_delay_timer.delete()


def port_state_selection(br: Bridge) -> None:
    """br_port_state_selection(): root and designated ports forward, the others block.

    The bridge device has carrier exactly when one of its ports forwards.
    """
    live = 0
    for p in br.ports:
        if p.state == DISABLED:
            continue
        if p.port_no == br.root_port:
            p.config_pending = p.topology_change_ack = False
            make_forwarding(p, "it is the root port (the best path to the root)")
        elif is_designated_port(p):
            p.message_age_timer.delete()
            make_forwarding(p, "it is the designated port of its segment")
        else:
            p.config_pending = p.topology_change_ack = False
            make_blocking(p, f"a better designated port exists on this segment "
                          f"({p.designated_bridge} port {p.designated_port:04x}, root cost "
                          f"{p.designated_cost})")
        if p.state == FORWARDING:
            live += 1
    br.set_carrier(live > 0)
    # Once ports are involved the bridge's operstate is known (Linux shows UP/DOWN, not
    # the UNKNOWN of a bridge that never had a port), even when the carrier did not change.
    br.operstate_known = True


# ---------------------------------------------------------------------- BPDUs out
def transmit_config(p: BridgePort) -> None:
    """br_transmit_config(): our configuration out of ``p`` -- unless one left less than a
    second ago (the hold timer): then it waits, ``config_pending``."""
    if p.hold_timer.pending:
        p.config_pending = True
        return
    br = p.br
    now = jiffies(br)
    if is_root_bridge(br):
        age = 0
    else:
        root = get_port(br, br.root_port)
        age = (now - root.designated_age if root is not None else 0) + MESSAGE_AGE_INCR
    max_age = to_jiffies(br.max_age)
    if age >= max_age:
        return  # too old to pass on
    info = ConfigInfo(br.topology_change, p.topology_change_ack, br.designated_root,
                      br.root_path_cost, br.stp_id, p.port_id, age, max_age,
                      to_jiffies(br.hello_time), to_jiffies(br.forward_delay))
    stp_bpdu.send_config_bpdu(p, info)
    p.topology_change_ack = False
    p.config_pending = False
    if br.stp_enabled:
        p.hold_timer.mod(round_jiffies(now + BR_HOLD_TIME, now))


def config_bpdu_generation(br: Bridge) -> None:
    """br_config_bpdu_generation(): configuration BPDUs out of every designated port."""
    for p in br.ports:
        if p.state != DISABLED and is_designated_port(p):
            transmit_config(p)


def transmit_tcn(br: Bridge) -> None:
    """br_transmit_tcn(): a TCN out of the root port."""
    p = get_port(br, br.root_port)
    if p is not None:
        stp_bpdu.send_tcn_bpdu(p)
    else:
        log(br, br.name, f"root port {br.root_port} not found for topology notice",
            "br_transmit_tcn")


# ---------------------------------------------------------------------- BPDUs in
def _supersedes_port_info(p: BridgePort, b: ConfigInfo) -> bool:
    """br_supersedes_port_info(): is the BPDU better than (or a refresh of) what ``p`` knew?"""
    for theirs, known in ((b.root, p.designated_root), (b.root_path_cost, p.designated_cost),
                          (b.bridge_id, p.designated_bridge)):
        if theirs != known:
            return theirs < known
    if b.bridge_id != p.br.stp_id:
        return True  # the same offer, from another bridge: a refresh
    return b.port_id <= p.designated_port


def _record_config_information(p: BridgePort, b: ConfigInfo) -> None:
    """br_record_config_information(): keep the offer, and how old it is."""
    now = jiffies(p.br)
    p.designated_root = b.root
    p.designated_cost = b.root_path_cost
    p.designated_bridge = b.bridge_id
    p.designated_port = b.port_id
    p.designated_age = now - b.message_age
    p.message_age_timer.mod(now + b.max_age - b.message_age)


def _record_config_timeout_values(br: Bridge, b: ConfigInfo) -> None:
    """br_record_config_timeout_values(): the root's timers are everybody's."""
    hz = stp_timer.HZ
    br.max_age = b.max_age / hz
    br.hello_time = b.hello_time / hz
    br.forward_delay = b.forward_delay / hz
    set_topology_change(br, b.topology_change)


def received_config_bpdu(p: BridgePort, b: ConfigInfo, frame_id: int = 0) -> None:
    """br_received_config_bpdu(): a configuration BPDU heard on ``p``."""
    br = p.br
    p.stp_xstats["rx_bpdu"] += 1
    was_root = is_root_bridge(br)
    dev = p.dev.name
    if _supersedes_port_info(p, b):
        same = (b.root, b.root_path_cost, b.bridge_id, b.port_id) == (
            p.designated_root, p.designated_cost, p.designated_bridge, p.designated_port)
        if not same:  # the same offer again only restarts the message age timer
            log(br, dev, f"BPDU on {dev} from {b.bridge_id} port {b.port_id:04x}: root "
                f"{b.root}, cost {b.root_path_cost}: better than what {dev} knew: recorded",
                "br_received_config_bpdu", frame_id=frame_id)
        _record_config_information(p, b)
        configuration_update(br)
        port_state_selection(br)
        if not is_root_bridge(br) and was_root:
            br.hello_timer.delete()
            if br.topology_change_detected:
                br.topology_change_timer.delete()
                transmit_tcn(br)
                br.tcn_timer.mod(jiffies(br) + to_jiffies(br.bridge_hello_time))
        if p.port_no == br.root_port:
            _record_config_timeout_values(br, b)
            config_bpdu_generation(br)
            if b.topology_change_ack:
                _topology_change_acknowledged(br)
    elif is_designated_port(p):
        log(br, dev, f"BPDU on {dev} from {b.bridge_id}: root {b.root}, cost "
            f"{b.root_path_cost}, is worse than ours: {dev} stays designated and answers "
            "with our own", "br_reply", frame_id=frame_id)
        transmit_config(p)  # br_reply()
    else:
        log(br, dev, f"BPDU on {dev} from {b.bridge_id} is worse than the offer {dev} "
            "already has: ignored", "br_received_config_bpdu", frame_id=frame_id)


def received_tcn_bpdu(p: BridgePort, frame_id: int = 0) -> None:
    """br_received_tcn_bpdu(): a bridge below reports a topology change."""
    p.stp_xstats["rx_tcn"] += 1
    if not is_designated_port(p):
        return
    br = p.br
    log(br, p.dev.name, f"port {p.port_no}({p.dev.name}) received tcn bpdu",
        "br_received_tcn_bpdu", frame_id=frame_id)
    topology_change_detection(br)
    p.topology_change_ack = True  # br_topology_change_acknowledge()
    transmit_config(p)


# ---------------------------------------------------------------------- topology change
def topology_change_detection(br: Bridge) -> None:
    """br_topology_change_detection(): the root flags the change for forward_delay +
    max_age; any other bridge tells its root with a TCN (repeated until acknowledged)."""
    if not br.stp_enabled or not br.admin_up:
        return
    isroot = is_root_bridge(br)
    log(br, br.name, "topology change detected, " + ("propagating" if isroot
                                                       else "sending tcn bpdu"),
        "br_topology_change_detection")
    now = jiffies(br)
    if isroot:
        set_topology_change(br, True)
        br.topology_change_timer.mod(now + to_jiffies(br.bridge_forward_delay)
                                     + to_jiffies(br.bridge_max_age))
    elif not br.topology_change_detected:
        transmit_tcn(br)
        br.tcn_timer.mod(now + to_jiffies(br.bridge_hello_time))
    br.topology_change_detected = True


def _topology_change_acknowledged(br: Bridge) -> None:
    """br_topology_change_acknowledged(): the root heard our TCN."""
    br.topology_change_detected = False
    br.tcn_timer.delete()
    log(br, br.name, "the root acknowledged the topology change", "br_received_config_bpdu")


def set_topology_change(br: Bridge, on: bool) -> None:
    """__br_set_topology_change(): during a topology change the ageing time shown is
    2 * forward_delay (and the FDB holds entries for forward_delay only)."""
    on = bool(on)
    if br.stp_enabled and br.topology_change != on:
        if on:
            br.ageing_time = 2 * br.forward_delay
            why = (f"topology change: learned entries now age after forward_delay "
                   f"({br.forward_delay:g} s)")
        else:
            br.ageing_time = br.bridge_ageing_time
            why = f"topology change over: entries age after {br.ageing_time:g} s again"
        log(br, br.name, why, "__br_set_topology_change")
    br.topology_change = on


def become_root_bridge(br: Bridge) -> None:
    """br_become_root_bridge(): our own timers rule again, and we say so at once."""
    br.max_age = br.bridge_max_age
    br.hello_time = br.bridge_hello_time
    br.forward_delay = br.bridge_forward_delay
    topology_change_detection(br)
    br.tcn_timer.delete()
    if br.admin_up:
        config_bpdu_generation(br)
        br.hello_timer.mod(jiffies(br) + to_jiffies(br.hello_time))


# ---------------------------------------------------------------------- settings
def set_hello_time(br: Bridge, seconds: float) -> None:
    """br_set_hello_time() once checked: ours, and the one in use if we are the root."""
    br.bridge_hello_time = seconds
    if is_root_bridge(br):
        br.hello_time = seconds


def set_max_age(br: Bridge, seconds: float) -> None:
    """br_set_max_age() once checked."""
    br.bridge_max_age = seconds
    if is_root_bridge(br):
        br.max_age = seconds


def set_forward_delay(br: Bridge, seconds: float) -> None:
    """__br_set_forward_delay()."""
    br.bridge_forward_delay = seconds
    if is_root_bridge(br):
        br.forward_delay = seconds
