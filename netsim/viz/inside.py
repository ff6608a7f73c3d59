"""One host from the inside, in layers: the seed's picture.

::

    user space   [ qemu (pid 1034) fd 3 -> /dev/net/tun  [guest: eth0 10.0.0.10/24] ]
    kernel       [ /dev/net/tun | tap0 ]   (one device, two halves)
                 [ br0  + its FDB ]        [ IP stack: addresses ]
                 [ eth0 driver ]
    wire         ------------------------------------------  [ lan:eth0 ]

As everywhere in :mod:`netsim.viz`, layout and drawing are separate:
:func:`host_inside_layout` computes boxes and *positions* (plain numbers, keyed by the
trace's place names -- ``"host:tap0"``, ``"host:/dev/net/tun"``, ``"host:qemu"``,
``"host:slirp"``, ``"vm1:eth0"``, and ``"host"`` for the host's cable),
:func:`host_inside` draws them.

A VM with ``-netdev user`` holds no /dev/net/tun: its qemu box carries libslirp, and a
line runs from it straight to the host's IP stack -- the guest's traffic enters the
kernel as the qemu process's own sockets, not as frames on a device.
An animation moves a marker between those positions (see :mod:`netsim.viz.animate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.packets.addr import ip_ntoa, mac_ntoa
from netsim.viz.graph import device_kind

if TYPE_CHECKING:
    from netsim.host import Host

WIDTH = 14.0
LAYERS = {"user": (7.2, 10.0), "kernel": (1.6, 7.0), "wire": (0.0, 1.4)}
COL = 2.3          # horizontal room per tap / NIC column
DEV_W, DEV_H = 2.1, 0.6
SIDE = 0.3         # a marker waits this far right of a device box, not on its label
COLOURS = {"user": "#FFF4E0", "kernel": "#E8F0FA", "wire": "#F2F2F2", "process": "#FFE2B0",
           "guest": "#E6DDF5", "chardev": "#D6EFD8", "tap": "#A9DCAE", "bridge": "#F5D0D2",
           "nic": "#BFD0EA", "ip": "#FFFFFF", "peer": "#E0E0E0", "veth": "#F3E3C3"}


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
    fontsize: float = 7.5
    va: str = "center"   # "center": label in the middle; "top": a heading

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


@dataclass
class InsideLayout:
    host: str
    boxes: list[Box] = field(default_factory=list)
    lines: list[tuple[tuple[float, float], tuple[float, float], str]] = field(default_factory=list)
    notes: list[tuple[float, float, str, float]] = field(default_factory=list)  # x, y, text, size
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)   # the text twin, line by line


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


def host_inside_layout(host: Host) -> InsideLayout:
    """Where every part of ``host`` goes in the layered picture (no matplotlib)."""
    lab, name = host.lab, host.name
    L = InsideLayout(name)
    pos = L.positions
    vms = {vm.pid: vm for vm in lab.vms.values() if vm.host is host}
    devs = [d for d in host.ns.in_order() if device_kind(d) != "loopback"]
    kinds = {d.name: device_kind(d) for d in devs}
    taps = [d for d in devs if kinds[d.name] in ("tap", "tun")]
    bridges = [d for d in devs if kinds[d.name] == "bridge"]
    wired = [d for d in devs if kinds[d.name] not in ("tap", "tun", "bridge")]

    for layer, (y0, y1) in LAYERS.items():
        title = {"user": "user space", "kernel": "kernel", "wire": "wire"}[layer]
        L.boxes.append(Box(0, y0, WIDTH, y1 - y0, "", COLOURS[layer], "layer"))
        L.notes.append((0.1, y1 - 0.12, title, 8.5))

    # ---- kernel, top row: each tap as one device with two halves, chardev above netdev.
    holders = _tun_holders(host)
    held_by = {id(tf.device): (proc, tf) for proc, tfs in holders for tf in tfs}
    tap_x: dict[str, float] = {}
    L.text.append(f"{name}: user space")
    for i, dev in enumerate(taps):
        x = 0.5 + i * COL
        tap_x[dev.name] = x + DEV_W / 2
        L.boxes.append(Box(x, 5.95, DEV_W, 0.5, "/dev/net/tun (char dev)", COLOURS["chardev"],
                           "chardev", fontsize=8))
        L.boxes.append(Box(x, 5.4, DEV_W, 0.55, f"{dev.name}\n(net device, {kinds[dev.name]})",
                           COLOURS["tap"], "tap", fontsize=8))
        pos.setdefault(f"{name}:/dev/net/tun", (x + DEV_W + SIDE, 6.2))
        pos[f"{name}:/dev/net/tun@{dev.name}"] = (x + DEV_W + SIDE, 6.2)
        pos[f"{name}:{dev.name}"] = (x + DEV_W + SIDE, 5.67)

    # ---- user space: one box per process holding /dev/net/tun, above its tap(s).
    for j, (proc, tfiles) in enumerate(holders):
        xs = [tap_x[tf.device.name] for tf in tfiles if tf.device and tf.device.name in tap_x]
        cx = sum(xs) / len(xs) if xs else 0.5 + j * COL + DEV_W / 2
        vm = vms.get(proc.pid)
        w = 3.0 if vm is not None else 2.2
        x = min(max(0.2, cx - w / 2), WIDTH - w - 0.2)
        comm = "qemu" if vm is not None else proc.comm
        fd_lines = "\n".join(f"fd {tf.fd} -> /dev/net/tun ({tf.ifname})" for tf in tfiles)
        h = 2.35 if vm is not None else 0.5 + 0.3 * len(tfiles)
        L.boxes.append(Box(x, 7.35 + 2.35 - h, w, h, f"{comm} (pid {proc.pid})\n{fd_lines}",
                           COLOURS["process"], "process", fontsize=7.5, va="top"))
        key = f"{name}:qemu" if vm is not None else f"{name}:{proc.comm}"
        # beside the box for a plain process; inside qemu's, right of its fd line
        spot = (x + w - 0.35, 8.75) if vm is not None else (x + w + SIDE, 9.7 - h / 2)
        pos.setdefault(key, spot)
        pos[f"{name}:pid{proc.pid}"] = spot
        for tf in tfiles:
            L.text.append(f"  {comm} (pid {proc.pid}) fd {tf.fd} -> /dev/net/tun "
                          f"(attached to {tf.ifname})")
            if tf.device is not None and tf.device.name in tap_x:
                L.lines.append(((tap_x[tf.device.name], 7.35), (tap_x[tf.device.name], 6.45),
                                "#B07020"))
        if vm is not None:
            gdevs = [d for d in vm.guest.ns.in_order() if device_kind(d) != "loopback"]
            glabel = "\n".join(f"{d.name} {' '.join(_ips(vm.guest, d)) or '(no IP)'}"
                               for d in gdevs) or "(no NIC)"
            L.boxes.append(Box(x + 0.2, 7.5, w - 0.4, 1.0, f"guest {vm.name}\n{glabel}",
                               COLOURS["guest"], "guest", fontsize=8, va="top"))
            for d in gdevs:
                pos.setdefault(f"{vm.name}:{d.name}", (x + w - 0.45, 7.85))
                pos.setdefault(vm.name, (x + w - 0.45, 7.85))
            L.text.append(f"    inside it, the guest {vm.name}: {glabel.replace(chr(10), '; ')}")
    if not holders:
        L.text.append("  (no process holds /dev/net/tun)")
    _user_mode_qemus(L, host, vms)

    # ---- kernel, bottom row: NICs (drivers) and veths; middle row: bridges.
    L.text.append(f"{name}: kernel")
    for dev in taps:
        holder = held_by.get(id(dev))
        who = f"fd {holder[1].fd} of pid {holder[0].pid}" if holder else "no process"
        L.text.append(f"  {dev.name}: /dev/net/tun (char device, {who}) + {dev.name} "
                      f"(net device){_master(dev)}")
    nic_x: dict[str, float] = {}
    for i, dev in enumerate(wired):
        x = 0.5 + (len(taps) + i) * COL  # right of the taps: a frame's path reads diagonally
        nic_x[dev.name] = x + DEV_W / 2
        kind = kinds[dev.name]
        label = f"{dev.name} ({'driver' if kind == 'nic' else kind})\n{mac_ntoa(dev.mac)}"
        L.boxes.append(Box(x, 1.8, DEV_W, 0.7, label, COLOURS.get(kind, COLOURS["nic"]), "nic",
                           fontsize=8))
        pos[f"{name}:{dev.name}"] = (x + DEV_W + SIDE, 2.15)
        L.text.append(f"  {dev.name}: {kind} {mac_ntoa(dev.mac)}{_master(dev)}")
    right = 0.5 + (len(taps) + len(wired)) * COL - COL + DEV_W
    for i, br in enumerate(bridges):
        members = [p.dev.name for p in br.ports]
        xs = [tap_x.get(m, nic_x.get(m)) for m in members]
        xs = [v for v in xs if v is not None] or [0.5 + DEV_W / 2]
        x0 = min(xs) - DEV_W / 2
        x1 = max(xs) + DEV_W / 2
        y = 3.05 + i * 0.05
        L.boxes.append(Box(x0, y, x1 - x0, 1.7, f"{br.name} (bridge)", COLOURS["bridge"],
                           "bridge", fontsize=9, va="top"))
        pos[f"{name}:{br.name}"] = ((x0 + x1) / 2, y + 0.55)
        for m in members:
            mx = tap_x.get(m, nic_x.get(m))
            if mx is None:
                continue
            top = m in tap_x
            L.lines.append(((mx, 5.4 if top else 2.5), (mx, y + 1.7 if top else y), "#888888"))
        rows = []
        for e in br.fdb:
            if e.is_local:
                continue
            rows.append(f"{mac_ntoa(e.mac)} -> {e.port.dev.name if e.port else br.name}")
        fdb_text = "FDB (MAC -> port)\n" + ("\n".join(rows) if rows else "(empty)")
        L.notes.append((max(x1, right) + 0.3, y + 1.6, fdb_text, 7.5))
        L.text.append(f"  {br.name}: bridge, ports {', '.join(members) or '(none)'}; "
                      f"FDB: {'; '.join(rows) or '(empty)'}")
        right = max(right, x1)
    # ---- the IP stack: every address, by device.
    addrs = [f"{d.name} {ip}" for d in devs for ip in _ips(host, d)]
    ip_label = "IP stack\n" + ("\n".join(addrs) if addrs else "(no addresses)")
    L.boxes.append(Box(WIDTH - 2.7, 3.05, 2.5, 1.7, ip_label, COLOURS["ip"], "ip", fontsize=8,
                       va="top"))
    pos[f"{name}:ip"] = (WIDTH - 1.45, 3.9)
    L.text.append(f"  IP stack: {', '.join(addrs) or '(no addresses)'}")

    # ---- the wire, and the machine at its far end.
    L.text.append(f"{name}: wire")
    L.lines.append(((0.3, 0.7), (WIDTH - 3.0, 0.7), "#333333"))
    for dev in wired:
        L.lines.append(((nic_x[dev.name], 1.8), (nic_x[dev.name], 0.7), "#333333"))
    first = nic_x[wired[0].name] if wired else WIDTH / 2
    pos[name] = (first + 0.9, 0.7)
    for k, cable in enumerate(c for c in lab.cables if name in (c.a.ns.name, c.b.ns.name)):
        near, far = (cable.a, cable.b) if cable.a.ns.name == name else (cable.b, cable.a)
        y = 0.45 - k * 0.5
        L.boxes.append(Box(WIDTH - 3.0, y, 2.8, 0.5,
                           f"{far.ns.name}:{far.name} (other end of the cable)",
                           COLOURS["peer"], "peer", fontsize=7.5))
        pos.setdefault(f"{far.ns.name}:{far.name}", (WIDTH - 3.3, y + 0.25))
        pos.setdefault(far.ns.name, (WIDTH - 4.6, 0.7))
        L.text.append(f"  {name}:{near.name} ---- cable ---- {far.ns.name}:{far.name}")
    return L


def _user_mode_qemus(L: InsideLayout, host: Host, vms: dict) -> None:
    """qemu processes with ``-netdev user``: libslirp inside, sockets down to the IP stack."""
    from netsim.qemu.slirp import Slirp

    name = host.name
    users = [(pid, vm, [b for b in vm.backends if isinstance(b, Slirp) and not b.closed])
             for pid, vm in sorted(vms.items())]
    users = [(pid, vm, slirps) for pid, vm, slirps in users if slirps and vm.running]
    w, h = 3.3, 2.35
    for k, (pid, vm, slirps) in enumerate(users):
        x = WIDTH - 0.2 - (len(users) - k) * (w + 0.3) + 0.3  # the first VM leftmost
        nets = "\n".join(f"libslirp (netdev {s.netdev_id})\n{ip_ntoa(s.vnet.net)}/"
                         f"{s.vnet.prefixlen}, gw {ip_ntoa(s.vnet.host)}" for s in slirps)
        L.boxes.append(Box(x, 7.35, w, h, f"qemu (pid {pid}): no /dev/net/tun\n{nets}",
                           COLOURS["process"], "process", fontsize=7.5, va="top"))
        gdevs = [d for d in vm.guest.ns.in_order() if device_kind(d) != "loopback"]
        glabel = "\n".join(f"{d.name} {' '.join(_ips(vm.guest, d)) or '(no IP)'}"
                           for d in gdevs) or "(no NIC)"
        L.boxes.append(Box(x + 0.2, 7.5, w - 0.4, 1.0, f"guest {vm.name}\n{glabel}",
                           COLOURS["guest"], "guest", fontsize=8, va="top"))
        spot = (x + w - 0.35, 8.75)
        L.positions.setdefault(f"{name}:slirp", spot)
        L.positions[f"{name}:slirp@{pid}"] = spot
        L.positions.setdefault(f"{name}:pid{pid}", spot)
        for d in gdevs:
            L.positions.setdefault(f"{vm.name}:{d.name}", (x + w - 0.45, 7.85))
            L.positions.setdefault(vm.name, (x + w - 0.45, 7.85))
        # socket calls, not frames: from the process straight into the IP stack
        L.lines.append(((x + w / 2, 7.35), (WIDTH - 1.45, 4.75), "#B8860B"))
        socks = [so for s in slirps for so in s.sockets.all]
        L.notes.append((x + w / 2 + 0.1, 6.9, "socket calls\n(sendto / recvfrom)", 7))
        L.text.append(f"  qemu (pid {pid}) -netdev user: libslirp inside the process, no "
                      f"/dev/net/tun; guest {vm.name}: {glabel.replace(chr(10), '; ')}")
        for so in socks:
            L.text.append(f"    {so.describe()} for the guest's {ip_ntoa(so.laddr)}:{so.lport}"
                          + (" (hostfwd)" if so.hostfwd else ""))


def _master(dev) -> str:
    return f", port of {dev.master.name}" if dev.master is not None else ""


def host_inside(host: Host, ax=None) -> dict:
    """Draw ``host`` in layers; return ``{"boxes": [...], "texts": [...], "lines": [...],
    "positions": {place: (x, y)}, "ax": ax}``."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    L = host_inside_layout(host)
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 6.6))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.95)
    boxes, texts, lines = [], [], []
    for b in L.boxes:
        patch = FancyBboxPatch((b.x, b.y), b.w, b.h, boxstyle="round,pad=0,rounding_size=0.08",
                               facecolor=b.colour, edgecolor="#666666" if b.kind != "layer"
                               else "none", linewidth=0.8, zorder=0 if b.kind == "layer" else 1)
        ax.add_patch(patch)
        boxes.append(patch)
        if b.label:
            x, y = b.centre
            if b.va == "top":
                x, y = b.x + 0.12, b.y + b.h - 0.1
            texts.append(ax.text(x, y, b.label, fontsize=b.fontsize, zorder=3,
                                 ha="left" if b.va == "top" else "center", va=b.va))
    for (x0, y0), (x1, y1), colour in L.lines:
        lines.extend(ax.plot([x0, x1], [y0, y1], color=colour, linewidth=1.2, zorder=0.5))
    for x, y, text, size in L.notes:
        texts.append(ax.text(x, y, text, fontsize=size, va="top", ha="left", zorder=3,
                             family="monospace" if text.startswith("FDB") else None,
                             fontweight="bold" if size > 8 else None))
    ax.set_xlim(-0.1, WIDTH + 0.1)
    ax.set_ylim(-0.1, LAYERS["user"][1] + 0.1)
    ax.set_title(f"inside {host.name}", fontsize=10)
    ax.axis("off")
    return {"boxes": boxes, "texts": texts, "lines": lines, "positions": dict(L.positions),
            "ax": ax}


def host_inside_text(host: Host) -> str:
    """The layered picture in words: user space, kernel, wire."""
    return "\n".join(host_inside_layout(host).text)
