"""One host from the inside, in layers: the seed's picture.

::

    user space   [ qemu (pid 1034) fd 3 -> /dev/net/tun  [guest: eth0 10.0.0.10/24] ]
    kernel       [ /dev/net/tun | tap0 ]   (one device, two halves)
                 [ br0  + its FDB ] -------- [ IP stack: routing, netfilter ]
                 [ eth0 driver ]                          |
                                                     [ eth1 driver ]
    wire         ------------------------------------------
                 [ lan:eth0 (other end of the cable) ]  [ gw ]  [ web ]

What the kernel does *between* devices is drawn too, from the host's public state
(:func:`netsim.viz.graph.routing`): every device the IP layer sees (a bridge, a NIC that
is no bridge's port) has a line into the IP stack box; a bridge port has none, so an
enslaved eth0 visibly stops being an IP interface (seed claim S3). With
``ip_forward=1`` a green path runs through the IP stack from each such device to the
uplink, through a netfilter box when POSTROUTING masquerades there (libvirt's NAT);
with ``ip_forward=0`` the same path is drawn closed, with a red X (host-only).

As everywhere in :mod:`netsim.viz`, layout and drawing are separate:
:func:`host_inside_layout` computes boxes and *positions* (plain numbers, keyed by the
trace's place names -- ``"host:tap0"``, ``"host:/dev/net/tun"``, ``"host:qemu"``,
``"host:slirp"``, ``"vm1:eth0"``, ``"host"`` for the host's cable, ``"lan:eth0"`` for
the machines beyond it -- plus ``"host:ip"``, ``"host:ip@eth0"`` and ``"host:nat@eth0"``
for the IP layer), :func:`host_inside` draws them.

A VM with ``-netdev user`` holds no /dev/net/tun: its qemu box carries libslirp, and a
line runs from it straight to the host's IP stack -- the guest's traffic enters the
kernel as the qemu process's own sockets, not as frames on a device -- and on through
the host's routing to the uplink.
An animation moves a marker between those positions (see :mod:`netsim.viz.animate`).

Left out: more than three FDB rows per bridge (the rest is counted), the filter table's
rules (only whether NAT applies), and routes other than the default one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.packets.addr import ip_ntoa, mac_ntoa
from netsim.viz._args import need_host
from netsim.viz._mpl import pyplot
from netsim.viz.graph import Routing, device_kind, routing

if TYPE_CHECKING:
    from netsim.host import Host

WIDTH = 14.0       # the least width; a host with many taps gets a wider picture
HEIGHT = 10.0
INCH = 0.75        # figure inches per data unit, both ways: labels are sized for this scale
FONT = 9.0         # every label; headings a little larger
LAYERS = {"user": (7.2, 10.0), "kernel": (1.9, 7.0), "wire": (0.0, 1.7)}
COL = 3.0          # horizontal room per tap / NIC column
DEV_W = 2.8        # a device box: wide enough for "fd 3 -> /dev/net/tun (vnet0)" at 9 pt
INSET = 0.2        # a marker waits this far inside a box's right end, clear of its label
TAP_Y, CHR_Y, TAP_H = 5.4, 5.95, 0.55    # tap: net device below, char device above
BR_Y, BR_H = 3.1, 1.7                    # bridges, and the IP stack's lower edge
NIC_Y, NIC_H = 2.1, 0.7                  # drivers
IP_TOP = CHR_Y + TAP_H                   # the IP stack box reaches the taps' top
ENTRY_Y = BR_Y + 1.15                    # where a bridge's line enters the IP stack
WIRE_Y = 1.2
PROC_Y, PROC_H = 7.35, 2.25               # qemu boxes
MAX_FDB_ROWS = 3
COLOURS = {"user": "#FFF4E0", "kernel": "#E8F0FA", "wire": "#F2F2F2", "process": "#FFE2B0",
           "guest": "#E6DDF5", "chardev": "#D6EFD8", "tap": "#A9DCAE", "bridge": "#F5D0D2",
           "nic": "#BFD0EA", "ip": "#FFFFFF", "peer": "#E0E0E0", "veth": "#F3E3C3",
           "netfilter": "#FCE4EC", "routed": "#2E7D32", "closed": "#C62828",
           "sockets": "#B8860B", "stack": "#555555"}


@dataclass
class Box:
    """A rectangle with a label: ``(x, y)`` its lower-left corner."""

    x: float
    y: float
    w: float
    h: float
    label: str
    colour: str
    kind: str
    fontsize: float = FONT
    va: str = "center"   # "center": label in the middle; "top": a heading
    family: str | None = None
    ha: str = "center"   # a label in the middle: "left" leaves the right end free

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x + self.w and self.y <= y <= self.y + self.h


@dataclass
class Path:
    """A polyline with a meaning (``kind``): "routed", "closed", "sockets", "stack"."""

    points: list[tuple[float, float]]
    colour: str
    kind: str
    style: str = "-"
    label: str = ""
    label_at: tuple[float, float] | None = None   # the label's right end
    label_va: str = "bottom"


@dataclass
class InsideLayout:
    host: str
    width: float = WIDTH
    boxes: list[Box] = field(default_factory=list)
    lines: list[tuple[tuple[float, float], tuple[float, float], str]] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    # x, y, text, size[, ha]: free text, top-aligned, left of x when ha is "right"
    notes: list[tuple] = field(default_factory=list)
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)   # the text twin, line by line

    def box(self, kind: str, label_start: str = "") -> Box:
        """The first box of ``kind`` whose label starts with ``label_start``."""
        return next(b for b in self.boxes if b.kind == kind and b.label.startswith(label_start))


def _ips(host: Host, dev) -> list[str]:
    return [f"{ip_ntoa(a.local)}/{a.prefixlen}" for a in host.ns.ipv4.addresses_of(dev)]


def _tun_holders(host: Host) -> list[tuple[object, list]]:
    """Processes holding /dev/net/tun open: ``(process, [TunFile, ...])`` by PID."""
    from netsim.devices.tun import TunFile

    out = []
    for pid in sorted(host.processes.procs):
        proc = host.processes.procs[pid]
        if not getattr(proc, "running", True):
            continue
        tfiles = [obj for _fd, obj in sorted(proc.fd_table.items())
                  if isinstance(obj, TunFile) and not obj.closed]
        if tfiles:
            out.append((proc, tfiles))
    return out


@dataclass
class _Plan:
    """Which device goes in which column: computed first, applied by the layout."""

    taps: list
    bridges: list
    under_bridge: list    # NICs / veths that are a bridge's port: below their bridge
    under_stack: list     # the rest: below the IP stack, which they connect to
    kinds: dict[str, str]
    ip_x: float           # the IP stack box's left edge
    width: float


def _plan(host: Host) -> _Plan:
    devs = [d for d in host.ns.in_order() if device_kind(d) != "loopback"]
    kinds = {d.name: device_kind(d) for d in devs}
    taps = [d for d in devs if kinds[d.name] in ("tap", "tun")]
    bridges = [d for d in devs if kinds[d.name] == "bridge"]
    wired = [d for d in devs if kinds[d.name] not in ("tap", "tun", "bridge")]
    under_bridge = [d for d in wired if d.master is not None]
    under_stack = [d for d in wired if d.master is None]
    left_cols = len(taps) + len(under_bridge)
    # Beside the taps and bridges; without any, the IP stack takes the room, so that
    # a user-mode qemu's socket calls (right-aligned above it) miss its heading.
    ip_x = 0.4 + left_cols * COL + 0.8 if left_cols else 4.0
    ip_w = max(4.6, len(under_stack) * COL + 0.4)
    return _Plan(taps, bridges, under_bridge, under_stack, kinds, ip_x,
                 max(WIDTH, ip_x + ip_w + 0.2))


def host_inside_layout(host: Host) -> InsideLayout:
    """Where every part of ``host`` goes in the layered picture (no matplotlib)."""
    host = need_host(host, "host_inside_layout")
    plan = _plan(host)
    L = InsideLayout(host.name, width=plan.width)
    for layer, (y0, y1) in LAYERS.items():
        title = {"user": "user space", "kernel": "kernel", "wire": "wire"}[layer]
        L.boxes.append(Box(0, y0, L.width, y1 - y0, "", COLOURS[layer], "layer"))
        L.notes.append((0.1, y1 - 0.12, title, FONT + 1))
    vms = {vm.pid: vm for vm in host.lab.vms.values() if vm.host is host}
    L.text.append(f"{host.name}: user space")
    tap_x = _taps(L, host, plan)
    _tap_processes(L, host, vms, tap_x)
    _user_mode_qemus(L, host, vms, plan)
    L.text.append(f"{host.name}: kernel")
    _tap_text(L, host, plan)
    dev_x = _drivers(L, host, plan)
    dev_x.update(tap_x)
    bridge_right = _bridges(L, host, plan, dev_x)
    _ip_stack(L, host, plan, dev_x, bridge_right)
    _wire(L, host, dev_x, plan)
    return L


def _taps(L: InsideLayout, host: Host, plan: _Plan) -> dict[str, float]:
    """Kernel, top row: each tap as one device with two halves, char device above."""
    name, tap_x = host.name, {}
    for i, dev in enumerate(plan.taps):
        x = 0.4 + i * COL
        tap_x[dev.name] = x + DEV_W / 2
        L.boxes.append(Box(x, CHR_Y, DEV_W, TAP_H, "/dev/net/tun (char dev)",
                           COLOURS["chardev"], "chardev", fontsize=FONT))
        L.boxes.append(Box(x, TAP_Y, DEV_W, TAP_H,
                           f"{dev.name}\n(net device, {plan.kinds[dev.name]})",
                           COLOURS["tap"], "tap", fontsize=FONT))
        spot = (x + DEV_W - INSET, CHR_Y + TAP_H / 2)
        L.positions.setdefault(f"{name}:/dev/net/tun", spot)
        L.positions[f"{name}:/dev/net/tun@{dev.name}"] = spot
        L.positions[f"{name}:{dev.name}"] = (x + DEV_W - INSET, TAP_Y + TAP_H / 2)
    return tap_x


def _guest(L: InsideLayout, vm, x: float, w: float) -> str:
    """The guest's box inside its qemu's box; returns its label (for the text twin)."""
    gdevs = [d for d in vm.guest.ns.in_order() if device_kind(d) != "loopback"]
    glabel = "\n".join(f"{d.name} {' '.join(_ips(vm.guest, d)) or '(no IP)'}"
                       for d in gdevs) or "(no NIC)"
    L.boxes.append(Box(x + 0.12, PROC_Y + 0.12, w - 0.24, 1.05, f"guest {vm.name}\n{glabel}",
                       COLOURS["guest"], "guest", fontsize=FONT, va="top"))
    spot = (x + w - 0.12 - INSET, PROC_Y + 0.35)
    for d in gdevs:
        L.positions.setdefault(f"{vm.name}:{d.name}", spot)
    L.positions.setdefault(vm.name, spot)
    return glabel


def _tap_processes(L: InsideLayout, host: Host, vms: dict, tap_x: dict[str, float]) -> None:
    """User space: one box per process holding /dev/net/tun, above its tap(s)."""
    name = host.name
    holders = _tun_holders(host)
    for j, (proc, tfiles) in enumerate(holders):
        xs = [tap_x[tf.device.name] for tf in tfiles if tf.device and tf.device.name in tap_x]
        x0 = (min(xs) if xs else 0.4 + j * COL + DEV_W / 2) - DEV_W / 2
        w = (max(xs) - min(xs) if xs else 0.0) + DEV_W
        vm = vms.get(proc.pid)
        comm = "qemu" if vm is not None else proc.comm
        fd_lines = "\n".join(f"fd {tf.fd} -> /dev/net/tun ({tf.ifname})" for tf in tfiles)
        h = PROC_H if vm is not None else 0.5 + 0.3 * len(tfiles)
        L.boxes.append(Box(x0, PROC_Y + PROC_H - h, w, h, f"{comm} (pid {proc.pid})\n{fd_lines}",
                           COLOURS["process"], "process", fontsize=FONT, va="top"))
        spot = (x0 + w - INSET, PROC_Y + 1.45) if vm is not None else (
            x0 + w - INSET, PROC_Y + PROC_H - h + 0.2)
        L.positions.setdefault(f"{name}:qemu" if vm is not None else f"{name}:{proc.comm}",
                               spot)
        L.positions[f"{name}:pid{proc.pid}"] = spot
        for tf in tfiles:
            L.text.append(f"  {comm} (pid {proc.pid}) fd {tf.fd} -> /dev/net/tun "
                          f"(attached to {tf.ifname})")
            if tf.device is not None and tf.device.name in tap_x:
                tx = tap_x[tf.device.name]
                L.lines.append(((tx, PROC_Y + PROC_H - h), (tx, CHR_Y + TAP_H), "#B07020"))
        if vm is not None:
            glabel = _guest(L, vm, x0, w)
            L.text.append(f"    inside it, the guest {vm.name}: {glabel.replace(chr(10), '; ')}")
    if not holders:
        L.text.append("  (no process holds /dev/net/tun)")


def _user_mode_qemus(L: InsideLayout, host: Host, vms: dict, plan: _Plan) -> None:
    """qemu processes with ``-netdev user``: libslirp inside, sockets down to the IP stack.

    They stand right above the IP stack, right-aligned, so their socket calls drop
    straight into it.
    """
    from netsim.qemu.slirp import Slirp

    name = host.name
    users = [(pid, vm, [b for b in vm.backends if isinstance(b, Slirp) and not b.closed])
             for pid, vm in sorted(vms.items())]
    users = [(pid, vm, slirps) for pid, vm, slirps in users if slirps and vm.running]
    w = DEV_W
    for k, (pid, vm, slirps) in enumerate(users):
        x = L.width - 0.2 - (len(users) - k) * COL + (COL - w)  # the first VM leftmost
        nets = "\n".join(f"libslirp (netdev {s.netdev_id})\n{ip_ntoa(s.vnet.net)}/"
                         f"{s.vnet.prefixlen}, gw {ip_ntoa(s.vnet.host)}" for s in slirps)
        L.boxes.append(Box(x, PROC_Y, w, PROC_H, f"qemu (pid {pid})\nno /dev/net/tun:\n{nets}",
                           COLOURS["process"], "process", fontsize=FONT, va="top"))
        glabel = _guest(L, vm, x, w)
        spot = (x + w - INSET, PROC_Y + 1.45)
        L.positions.setdefault(f"{name}:slirp", spot)
        L.positions[f"{name}:slirp@{pid}"] = spot
        L.positions.setdefault(f"{name}:pid{pid}", spot)
        # socket calls, not frames: from the process straight into the IP stack
        sx = x + w / 2
        L.paths.append(Path([(sx, PROC_Y), (sx, IP_TOP)], COLOURS["sockets"], "sockets",
                            label="socket calls\n(sendto / recvfrom)",
                            label_at=(sx - 0.1, (PROC_Y + IP_TOP) / 2)))
        L.text.append(f"  qemu (pid {pid}) -netdev user: libslirp inside the process, no "
                      f"/dev/net/tun; guest {vm.name}: {glabel.replace(chr(10), '; ')}")
        for so in (so for s in slirps for so in s.sockets.all):
            L.text.append(f"    {so.describe()} for the guest's {ip_ntoa(so.laddr)}:{so.lport}"
                          + (" (hostfwd)" if so.hostfwd else ""))


def _tap_text(L: InsideLayout, host: Host, plan: _Plan) -> None:
    held_by = {id(tf.device): (proc, tf) for proc, tfs in _tun_holders(host) for tf in tfs}
    for dev in plan.taps:
        holder = held_by.get(id(dev))
        who = f"fd {holder[1].fd} of pid {holder[0].pid}" if holder else "no process"
        L.text.append(f"  {dev.name}: /dev/net/tun (char device, {who}) + {dev.name} "
                      f"(net device){_master(dev)}")


def _drivers(L: InsideLayout, host: Host, plan: _Plan) -> dict[str, float]:
    """Kernel, bottom row: a bridge's NIC ports after the taps (a frame's path reads
    diagonally); the other NICs under the IP stack, which they feed."""
    dev_x: dict[str, float] = {}
    right = L.width - 0.2 - 0.3
    slots = [(dev, 0.4 + (len(plan.taps) + i) * COL) for i, dev in enumerate(plan.under_bridge)]
    slots += [(dev, right - (len(plan.under_stack) - i) * COL + (COL - DEV_W))
              for i, dev in enumerate(plan.under_stack)]
    for dev, x in slots:
        kind = plan.kinds[dev.name]
        dev_x[dev.name] = x + DEV_W / 2
        label = f"{dev.name} ({'driver' if kind == 'nic' else kind})\n{mac_ntoa(dev.mac)}"
        L.boxes.append(Box(x, NIC_Y, DEV_W, NIC_H, label, COLOURS.get(kind, COLOURS["nic"]),
                           "nic", fontsize=FONT))
        L.positions[f"{host.name}:{dev.name}"] = (x + DEV_W - INSET, NIC_Y + NIC_H / 2)
        L.text.append(f"  {dev.name}: {kind} {mac_ntoa(dev.mac)}{_master(dev)}")
        if dev.master is not None:
            _port_note(L, dev, x, [sx for _d, sx in slots])
            L.text.append(f"    {dev.name} is a port of {dev.master.name}: its frames go to "
                          f"{dev.master.name}, and the IP stack sees {dev.master.name}, "
                          f"not {dev.name}")
    return dev_x


def _port_note(L: InsideLayout, dev, x: float, right_boxes: list[float]) -> None:
    """Beside a NIC that is a bridge's port, when there is room: why no line goes from
    it to the IP stack (seed claim S3)."""
    start = x + DEV_W + 0.15
    limit = min([b for b in right_boxes if b > x] + [L.width - 0.2])
    if limit - start >= 2.6:
        L.notes.append((start, NIC_Y + NIC_H - 0.05, f"a port of {dev.master.name}: the IP "
                        f"stack\nsees {dev.master.name}, not {dev.name}", FONT))


def _bridges(L: InsideLayout, host: Host, plan: _Plan, dev_x: dict[str, float]) -> float:
    """Kernel, middle row: each bridge spanning its ports, its FDB inside. Returns the
    right edge of the rightmost bridge."""
    right = 0.0
    for i, br in enumerate(plan.bridges):
        members = [p.dev.name for p in br.ports]
        xs = [dev_x[m] for m in members if m in dev_x] or [0.4 + DEV_W / 2]
        x0, x1 = min(xs) - DEV_W / 2, max(xs) + DEV_W / 2
        y = BR_Y + i * 0.05
        rows = [f"{mac_ntoa(e.mac)} -> {e.port.dev.name if e.port else br.name}"
                for e in br.fdb if not e.is_local]
        shown = rows[:MAX_FDB_ROWS] + ([f"(+{len(rows) - MAX_FDB_ROWS} more)"]
                                       if len(rows) > MAX_FDB_ROWS else [])
        fdb = "FDB (MAC -> port)\n" + ("\n".join(shown) if shown else "(empty)")
        L.boxes.append(Box(x0, y, x1 - x0, BR_H, f"{br.name} (bridge)", COLOURS["bridge"],
                           "bridge", fontsize=FONT + 1, va="top"))
        L.notes.append((x0 + 0.12, y + BR_H - 0.42, fdb, FONT))
        L.positions[f"{host.name}:{br.name}"] = (x1 - INSET, y + 0.3)
        for m in members:
            if m in dev_x:
                top = any(t.name == m for t in plan.taps)
                L.lines.append(((dev_x[m], TAP_Y if top else NIC_Y + NIC_H),
                                (dev_x[m], y + BR_H if top else y), "#888888"))
        L.text.append(f"  {br.name}: bridge, ports {', '.join(members) or '(none)'}; "
                      f"FDB: {'; '.join(rows) or '(empty)'}")
        right = max(right, x1)
    return right


def _ip_stack(L: InsideLayout, host: Host, plan: _Plan, dev_x: dict[str, float],
              bridge_right: float) -> None:
    """The IP stack box, the devices it sees, and what it does between them."""
    name, r = host.name, routing(host)
    x0, x1, y0, y1 = plan.ip_x, L.width - 0.2, BR_Y, IP_TOP
    head = [f"ip_forward={int(r.forwarding)}"]
    if r.gateway and r.uplink is not None:
        head.append(f"default via {r.gateway} dev {r.uplink.name}")
    L.boxes.append(Box(x0, y0, x1 - x0, y1 - y0, "IP stack (IPv4)\n" + "\n".join(head),
                       COLOURS["ip"], "ip", fontsize=FONT, va="top"))
    L.positions[f"{name}:ip"] = (x0 + 0.45, ENTRY_Y + 0.55)
    entries: dict[str, tuple[float, float]] = {}
    sees = []
    for dev in _stack_devices(host, plan):
        label = f"{dev.name} {' '.join(_ips(host, dev)) or '(no address)'}"
        sees.append(label)
        if plan.kinds[dev.name] == "bridge":  # from the bridge's right edge, level
            at = (x0, ENTRY_Y)
            L.paths.append(Path([(bridge_right, ENTRY_Y), at], COLOURS["stack"], "stack"))
            L.notes.append((x0 + 0.1, ENTRY_Y - 0.16, label, FONT))
            L.positions[f"{name}:ip@{dev.name}"] = (x0 + 0.25, ENTRY_Y)
        elif dev.name in dev_x and dev.master is None:  # up from its driver below
            at = (dev_x[dev.name], y0)
            L.paths.append(Path([(at[0], NIC_Y + NIC_H), at], COLOURS["stack"], "stack"))
            L.notes.append((at[0] - 0.1, y0 + 0.27, label, FONT, "right"))
            L.positions[f"{name}:ip@{dev.name}"] = (at[0] + 0.3, y0 + 0.2)
        else:
            continue
        entries[dev.name] = at
    L.text.append(f"  IP stack sees: {', '.join(sees) or '(no addresses)'}")
    _routing(L, host, r, entries, (x0, x1))


def _stack_devices(host: Host, plan: _Plan) -> list:
    """Devices with a line into the IP stack: bridges and unenslaved drivers."""
    return [d for d in plan.bridges + plan.under_stack if d.master is None]


def _routing(L: InsideLayout, host: Host, r: Routing, entries: dict[str, tuple[float, float]],
             span: tuple[float, float]) -> None:
    """What the IP stack does between its devices: forward (green, through netfilter's
    NAT if any), refuse to (``ip_forward=0``: red X), or send the host's own sockets'
    packets out by the default route."""
    name = host.name
    up = r.uplink
    if up is None or up.name not in entries:
        return
    ux, uy = entries[up.name]
    for dev in r.stack_devs:
        if dev is up or dev.name not in entries:
            continue
        ex, ey = entries[dev.name]
        points = [(ex, ey), (ux, ey), (ux, uy)]
        if r.forwarding:
            L.paths.append(Path(points, COLOURS["routed"], "routed", style=":",
                                label="forwarded (ip_forward=1)", label_at=(ux - 0.1, ey + 0.06)))
            L.text.append(f"  routing: ip_forward=1: packets from {dev.name} are forwarded out "
                          f"of {up.name}")
        else:
            L.paths.append(Path(points[:2], COLOURS["closed"], "closed", style="--",
                                label="not forwarded: ip_forward=0",
                                label_at=(ux - 0.35, ey + 0.06)))
            L.text.append(f"  routing: ip_forward=0: nothing is forwarded between {dev.name} "
                          f"and {up.name}")
    users = [p for p in L.paths if p.kind == "sockets"]
    for k, p in enumerate(users):
        sx = p.points[0][0]
        top = p.points[-1][1]
        L.paths.append(Path([(sx, top), (sx, ENTRY_Y + 0.6), (ux, ENTRY_Y + 0.6), (ux, uy)],
                            COLOURS["sockets"], "routed", style=":",
                            label="" if k else "the host's own packets: routed out",
                            label_at=(ux - 0.1, ENTRY_Y + 0.52), label_va="top"))
    if users:
        via = f" via {r.gateway}" if r.gateway else ""
        L.text.append(f"  routing: slirp's sockets are the host's own: out of {up.name} by "
                      f"default{via} dev {up.name}")
    if r.nat and (r.routed or users):
        w = min(3.0, span[1] - span[0] - 0.3)  # the label on the left, a marker's room
        nx0 = min(max(ux - w / 2, span[0] + 0.15), span[1] - 0.15 - w)
        L.boxes.append(Box(nx0, uy + 0.5, w, 0.55,
                           f"netfilter nat POSTROUTING\n{', '.join(r.nat)} out of {up.name}",
                           COLOURS["netfilter"], "netfilter", fontsize=FONT, ha="left"))
        L.positions[f"{name}:nat@{up.name}"] = (nx0 + w - INSET, uy + 0.77)
        L.text.append(f"  netfilter: nat POSTROUTING {', '.join(r.nat)} rewrites the source of "
                      f"what leaves by {up.name} to {up.name}'s address")


def _wire(L: InsideLayout, host: Host, dev_x: dict[str, float], plan: _Plan) -> None:
    """The wire, the machine at each cable's far end, and the machines beyond."""
    lab, name = host.lab, host.name
    L.text.append(f"{name}: wire")
    cables = [c for c in lab.cables if name in (c.a.ns.name, c.b.ns.name)]
    drops = [dev_x[d.name] for d in plan.under_bridge + plan.under_stack if d.name in dev_x]
    for dev in plan.under_bridge + plan.under_stack:
        L.lines.append(((dev_x[dev.name], NIC_Y), (dev_x[dev.name], WIRE_Y), "#333333"))
    guests = {vm.guest.name for vm in lab.vms.values()}
    peers = []
    for cable in cables:
        near, far = (cable.a, cable.b) if cable.a.ns.name == name else (cable.b, cable.a)
        peers.append((far.ns.name, far.name, near.name))
    beyond = [h for h in lab.hosts if h != name and h not in guests
              and h not in [p[0] for p in peers]]
    widths = [2.5] * len(peers) + [1.25] * len(beyond)
    total = sum(widths) + 0.2 * max(len(widths) - 1, 0)
    start = (drops[0] if drops else L.width / 2) - (widths[0] / 2 if widths else 0)
    x = min(max(0.3, start), L.width - 0.2 - total)
    ticks = list(drops)
    for k, (far_host, far_dev, near_dev) in enumerate(peers):
        box = Box(x, 0.15, widths[k], 0.7, f"{far_host}:{far_dev}\n(other end of\n"
                  f"{near_dev}'s cable)", COLOURS["peer"], "peer", fontsize=FONT)
        L.boxes.append(box)
        L.lines.append(((x + 0.3, 0.85), (x + 0.3, WIRE_Y), "#333333"))
        ticks.append(x + 0.3)
        # the far machine's cable (its frames coming back) is the tick up to the wire
        L.positions.setdefault(far_host, (x + 0.3, (0.85 + WIRE_Y) / 2))
        _outside_positions(L, lab, far_host, (x + widths[k] - INSET, 0.5))
        L.text.append(f"  {name}:{near_dev} ---- cable ---- {far_host}:{far_dev}")
        x += widths[k] + 0.2
    if beyond:
        L.notes.append((x, 1.1, "further on", FONT))
        L.text.append(f"  further on: {', '.join(beyond)}")
    for m in beyond:
        L.boxes.append(Box(x, 0.15, 1.25, 0.7, m, COLOURS["peer"], "beyond", fontsize=FONT))
        _outside_positions(L, lab, m, (x + 1.25 - INSET, 0.5))
        x += 1.25 + 0.2
    if ticks:
        L.lines.append(((min(ticks) - 0.3, WIRE_Y), (max(ticks) + 0.3, WIRE_Y), "#333333"))
        L.positions[name] = ((min(drops) if drops else min(ticks)) + 0.6, WIRE_Y)


def _outside_positions(L: InsideLayout, lab, machine: str, spot: tuple[float, float]) -> None:
    """Every place of a machine drawn as one box: its devices and its cables."""
    host = lab.hosts.get(machine)
    if host is not None:
        for dev in host.ns.in_order():
            L.positions.setdefault(f"{machine}:{dev.name}", spot)
    L.positions.setdefault(machine, spot)


def _master(dev) -> str:
    return f", port of {dev.master.name}" if dev.master is not None else ""


# the layers lie under everything, the IP stack under the paths that cross it, and
# netfilter's box over them: a path into it is seen to go through it
_BOX_Z = {"layer": 0, "ip": 0.8}


def host_inside(host: Host, ax=None) -> dict:
    """Draw ``host`` in layers; return ``{"boxes": [...], "texts": [...], "lines": [...],
    "paths": [...], "positions": {place: (x, y)}, "layout": InsideLayout, "ax": ax}``.

    ``boxes[i]`` is the patch of ``layout.boxes[i]`` and ``box_texts[i]`` its label
    (None for a box without one), so tests can hold each label to its box.
    """
    host = need_host(host, "host_inside")
    plt = pyplot("host_inside")
    from matplotlib.patches import FancyBboxPatch

    L = host_inside_layout(host)
    if ax is None:
        fig, ax = plt.subplots(figsize=(L.width * INCH, HEIGHT * INCH))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.95)
    boxes, box_texts, texts, lines, paths = [], [], [], [], []
    for b in L.boxes:
        patch = FancyBboxPatch((b.x, b.y), b.w, b.h, boxstyle="round,pad=0,rounding_size=0.08",
                               facecolor=b.colour, edgecolor="#666666" if b.kind != "layer"
                               else "none", linewidth=0.8, zorder=_BOX_Z.get(b.kind, 1))
        ax.add_patch(patch)
        boxes.append(patch)
        label = None
        if b.label:
            x, y = b.centre
            ha = "left" if b.va == "top" else b.ha
            if b.va == "top":
                x, y = b.x + 0.12, b.y + b.h - 0.1
            elif ha == "left":
                x = b.x + 0.12
            label = ax.text(x, y, b.label, fontsize=b.fontsize, zorder=3, linespacing=1.15,
                            ha=ha, va=b.va, family=b.family)
            texts.append(label)
        box_texts.append(label)
    for (x0, y0), (x1, y1), colour in L.lines:
        lines.extend(ax.plot([x0, x1], [y0, y1], color=colour, linewidth=1.2, zorder=0.5))
    for p in L.paths:
        xs, ys = zip(*p.points, strict=True)
        # under the boxes: a path crossing netfilter's box is seen to go through it
        (line,) = ax.plot(xs, ys, color=p.colour, linestyle=p.style, zorder=0.9,
                          linewidth=2.0 if p.kind in ("routed", "closed") else 1.3)
        paths.append(line)
        if p.kind == "routed":  # an arrowhead where the path leaves
            (ex, ey), (fx, fy) = p.points[-2], p.points[-1]
            ax.annotate("", xy=(fx, fy), xytext=(fx + (ex - fx) * 0.01, fy + (ey - fy) * 0.01),
                        arrowprops={"arrowstyle": "-|>", "color": p.colour, "lw": 1.5},
                        zorder=1.6)
        if p.kind == "closed":  # where forwarding would turn to the uplink: refused
            cx, cy = p.points[-1]
            ax.plot([cx], [cy], marker="X", markersize=13, color=p.colour, zorder=2)
        if p.label and p.label_at:
            texts.append(ax.text(*p.label_at, p.label, fontsize=FONT, color=p.colour, zorder=3,
                                 ha="right",
                                 va=p.label_va if p.kind != "sockets" else "center",
                                 fontstyle="italic"))
    for x, y, text, size, *ha in L.notes:
        texts.append(ax.text(x, y, text, fontsize=size, va="top", ha=ha[0] if ha else "left",
                             zorder=3,
                             family="monospace" if text.startswith("FDB") else None,
                             fontweight="bold" if size > FONT else None))
    ax.set_xlim(-0.1, L.width + 0.1)
    ax.set_ylim(-0.1, HEIGHT + 0.1)
    ax.set_title(f"inside {host.name}", fontsize=FONT + 2)
    ax.axis("off")
    return {"boxes": boxes, "box_texts": box_texts, "texts": texts, "lines": lines,
            "paths": paths, "positions": dict(L.positions), "layout": L, "ax": ax}


def host_inside_text(host: Host) -> str:
    """The layered picture in words: user space, kernel, wire."""
    host = need_host(host, "host_inside_text")
    return "\n".join(host_inside_layout(host).text)
