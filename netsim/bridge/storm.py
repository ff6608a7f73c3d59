"""The storm guard: a loop without spanning tree always stops, with an explanation.

Linux runs bridges with STP **off** by default, and a frame flooded around a loop of
bridges comes back forever: on a real kernel one broadcast in a loop of two bridges
makes thousands of frames in a fraction of a second, until a cable is cut. netsim shows
that storm -- the same frame id going round in the trace, counters climbing -- and then
stops it. That guard is netsim's own, not the kernel's:

* every bridge counts, for each recent frame id, how many times it flooded the frame
  (:func:`flood_check`, called by :func:`netsim.bridge.forward.flood`: a storm begins as
  a flood, and the known-unicast path stays untouched); the count of a frame seen once
  is forgotten after :data:`WINDOW` other frames, so memory stays bounded;
* past half of ``br.storm_limit`` it notes the ports the frame keeps coming in on;
* at ``br.storm_limit`` (:data:`STORM_LIMIT` unless raised: ``bridge.storm_limit =
  N``) it stops the run with :class:`BridgeStorm`, a
  :class:`~netsim.engine.clock.RunawayError`: the shell prints it and the command ends
  with status 124. The message names the bridges and ports of the loop and the fix.
  From then on every bridge of the loop drops that frame (a trace record each), so
  the storm is over and the world goes on; and those bridges count *every* frame coming
  in (:func:`netsim.bridge.input.handle_frame_counting`), since the storm may have left
  FDB entries that send unicast frames round the same loop.
* a unicast frame can go round a loop with no flood at all (FDB entries pointing round
  it): the known-unicast path only compares each frame's id with the newest it forwarded
  (frames are numbered as they are made). The newest one again, or one more than
  :data:`STALE_AGE` ids older, is suspect (a frame merely overtaken by others sent at
  the same moment is not); :data:`STALE_TRIGGER` suspects within a simulated second
  make the bridge count every frame coming in, as above, until a window of
  :data:`WINDOW` frames passes with none coming in twice.

A world whose ``bridge_storm_stops`` is False (``lab.bridge_storm_stops = False``; the
oracle replay sets it, since a real kernel's commands go on while a loop storms) is not
stopped: the guard only drops the frame, and the explanation is kept in the trace and in
the bridge's ``storm_reports``.

No frame passes the same bridge more than a few times in a network without loops, so
a limit of two thousand never stops anything else. The bridge still learns from a
frame it drops (as it did each time the frame came round).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from netsim.bridge import input as br_input
from netsim.engine.clock import RunawayError
from netsim.packets.summary import summarize

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort
    from netsim.stack.skb import Skb

STORM_LIMIT = 2000
"""How many times one frame may come into one bridge before the guard stops the run:
enough to fill a tap's queue (1000 frames) with copies, as the real storm does."""

WINDOW = 4096
"""Frame ids a bridge keeps a count for; the table starts again when it is full."""

STALE_AGE = 4096
"""How many ids older than the newest forwarded a known-unicast frame may be before it
is suspect: frames many hosts send at once arrive in any order, but not that late."""

STALE_TRIGGER = 256
"""Known-unicast frames older than the newest one forwarded, within one simulated second,
that make a bridge count every frame coming in (a unicast loop needs no flood)."""


class BridgeStorm(RunawayError):
    """A frame went round a loop of bridges ``limit`` times: the storm guard stopped the run.

    ``frame_id`` is the frame, ``loop`` the ``(host, bridge, ports)`` it went through.
    """

    def __init__(self, message: str, frame_id: int, loop: list[tuple[str, str, list[str]]]):
        super().__init__(message)
        self.frame_id = frame_id
        self.loop = loop


def count(br: Bridge, port: BridgePort | None, skb: Skb) -> bool:
    """One more pass of ``skb``'s frame through ``br`` (in on ``port``, None when the host
    sent it). True when the frame must be dropped: quarantined, or the limit reached."""
    seen = br.frames_seen
    frame_id = skb.frame_id
    n = seen.get(frame_id, 0)
    if not n:
        if len(seen) >= WINDOW:
            new_window(br)
        seen[frame_id] = 1
        return False
    br.storm_repeats += 1
    if n < br.storm_watch:
        seen[frame_id] = n + 1
        return False
    return watch(br, port, skb, n)


def flood_check(br: Bridge, port: BridgePort | None, skb: Skb) -> bool:
    """Before a flood: count it (or, on a bridge that counts at the door already, only
    drop a quarantined frame). True when the frame must not be flooded."""
    if not br.storm_counting:
        return count(br, port, skb)
    if skb.frame_id in br.storm_quarantine:
        _dropped(br, port, skb)
        return True
    return False


def stale_forward(br: Bridge) -> None:
    """The known-unicast path forwards the newest frame again or a very old one (maybe
    one going round a loop). The frame goes on either way."""
    now = br.ns.env.now
    if now - br.stale_since > 1.0:
        br.stale_since = now
        br.stale_count = 0
    br.stale_count += 1
    if br.stale_count >= STALE_TRIGGER:
        start_counting(br)


def new_window(br: Bridge) -> None:
    """The count table is full: start it again (memory stays bounded).

    A bridge counting every frame goes back to counting floods only when a whole
    window of frames passed with none coming in twice and none in quarantine: busy
    traffic that was merely reordered (many hosts sending at once) looked like a
    unicast loop, and now it is known not to be one.
    """
    br.frames_seen.clear()
    br.storm_ports.clear()
    if br.storm_counting and not br.storm_repeats and not br.storm_quarantine:
        stop_counting(br)
    br.storm_repeats = 0


def _dropped(br: Bridge, port: BridgePort | None, skb: Skb) -> None:
    br.storm_drops += 1
    ns = br.ns
    ns.trace.hop(ns.name, port.dev.name if port else br.name, "bridge", "drop", skb.frame_id,
                 f"{br.name}: frame #{skb.frame_id} is going round a loop; the storm guard "
                 "drops it", "netsim_storm_guard", skb.data)


def watch(br: Bridge, port: BridgePort | None, skb: Skb, n: int) -> bool:
    """A frame passes ``br`` for the ``n + 1``-th time (past the watch mark).

    Notes the port; drops the frame once it is quarantined; trips the guard at the
    limit. Returns True when the frame is dropped.
    """
    frame_id = skb.frame_id
    br.frames_seen[frame_id] = n + 1
    if frame_id in br.storm_quarantine:
        _dropped(br, port, skb)
        return True
    if port is not None:
        br.storm_ports.setdefault(frame_id, set()).add(port.dev.name)
    if n + 1 >= br.storm_limit:
        trip(br, skb)
        return True  # a world that does not stop for storms: this copy is dropped too
    return False


def _bridges(br: Bridge) -> list[Bridge]:
    """Every bridge of the world this one lives in (its own namespace's if it has none)."""
    lab = br.ns.lab
    spaces = [h.ns for h in getattr(lab, "hosts", {}).values()] or [br.ns]
    return [d for ns in spaces for d in ns.devices.values() if getattr(d, "is_bridge", False)]


def trip(br: Bridge, skb: Skb) -> None:
    """Quarantine the frame on every bridge of the loop and stop the run."""
    frame_id = skb.frame_id
    loop = []
    for b in _bridges(br):
        ports = b.storm_ports.pop(frame_id, None)
        if ports:
            b.storm_quarantine.add(frame_id)
            start_counting(b)
            loop.append((b.ns.name, b.name, sorted(ports)))
    br.storm_quarantine.add(frame_id)
    start_counting(br)
    where = " and ".join(f"{host}:{name} ({', '.join(ports)})" for host, name, ports in loop)
    stp_off = [f"{host}:{name}" for host, name, _ in loop
               if not _bridge(br, host, name).stp_enabled]
    first = next(iter(loop), (br.ns.name, br.name, []))
    cut = first[2][-1] if first[2] else "one of the loop's ports"
    now = br.ns.env.now
    message = (
        f"netsim: stopped at t={now:.6f} s: bridge storm: frame #{frame_id} "
        f"({summarize(skb.data)}) came into {br.ns.name}:{br.name} {br.storm_limit:,} times. "
        f"It keeps coming back, in on {where or br.name}: it is going round a loop, and "
        f"a real kernel would pass it on for ever. "
        + (f"STP is off on {', '.join(stp_off)}. " if stp_off else "")
        + f"Fix: turn STP on (`ip link set {br.name} type bridge stp_state 1` on every "
        f"bridge of the loop) or cut a link (e.g. `ip link set {cut} down` on {first[0]}). "
        f"The frame's copies are dropped from now on; a bridge's storm_limit "
        f"(now {br.storm_limit:,}) sets how many passes are allowed.")
    ns = br.ns
    ns.trace.hop(ns.name, br.name, "bridge", "drop", frame_id,
                 f"{br.name}: storm guard: frame #{frame_id} came in {br.storm_limit} times; "
                 f"loop through {where or br.name}", "netsim_storm_guard", skb.data)
    br.storm_reports.append(message)
    if getattr(ns.lab, "bridge_storm_stops", True):
        raise BridgeStorm(message, frame_id, loop)


def start_counting(br: Bridge) -> None:
    """From now on every frame coming into ``br`` is counted (its ports' rx_handler)."""
    if br.storm_counting:
        return
    br.storm_counting = True
    for port in br.ports:
        port.dev.rx_handler = partial(br_input.handle_frame_counting, port)


def _bridge(br: Bridge, host: str, name: str) -> Bridge:
    return next(b for b in _bridges(br) if b.ns.name == host and b.name == name)


def stop_counting(br: Bridge) -> None:
    """Back to counting floods only (the ports' rx_handler is handle_frame again)."""
    br.storm_counting = False
    br.stale_count = 0
    for port in br.ports:
        port.dev.rx_handler = partial(br_input.handle_frame, port)
