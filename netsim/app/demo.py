"""The demo: a VM's frames through /dev/net/tun, tap0, br0 and eth0 to a LAN host.

The same scenario as the seed (and the recording ``vm_tap_arp_ping``): a host with
a bridge br0 whose ports are tap0 (the VM's) and the uplink eth0 (a cable to a LAN
machine). A "VM" process holds tap0's file descriptor and writes an ARP request and
an ICMP echo request, exactly the bytes a guest's NIC would hand to QEMU.
"""

from __future__ import annotations

import sys
from pathlib import Path

from netsim.lab import Lab
from netsim.packets import arp, ethernet, icmp, ipv4
from netsim.packets.addr import BROADCAST_MAC, ZERO_MAC, ip_aton, mac_aton

VM_MAC = mac_aton("52:54:00:12:34:56")
VM_IP = ip_aton("10.0.0.10")
LAN_IP = ip_aton("10.0.0.2")

SETUP_HOST = [
    "ip link add name br0 type bridge",
    "ip link set eth0 master br0",
    "ip tuntap add tap0 mode tap",
    "ip link set tap0 master br0",
    "ip addr add 10.0.0.1/24 dev br0",
    "ip link set br0 up && ip link set eth0 up && ip link set tap0 up",
]
SETUP_LAN = ["ip addr add 10.0.0.2/24 dev eth0", "ip link set eth0 up"]


def build(seed: int = 0) -> tuple[Lab, object]:
    """The lab and the VM's open tap file, ready for frames."""
    lab = Lab(seed=seed)
    host, lan = lab.host("host"), lab.host("lan")
    lab.link("host:eth0", "lan:eth0")
    for h, commands in ((host, SETUP_HOST), (lan, SETUP_LAN)):
        for command in commands:
            result = h.sh(command)
            if result.returncode:
                raise RuntimeError(f"{h.name}$ {command}: {result.stderr.strip()}")
    vm = host.open_tun("tap0", mode="tap")
    lab.run(0.1)
    return lab, vm


def arp_request() -> bytes:
    payload = arp.Arp(arp.ARPOP_REQUEST, VM_MAC, VM_IP, ZERO_MAC, LAN_IP).pack()
    return ethernet.build(BROADCAST_MAC, VM_MAC, ethernet.ETH_P_ARP, payload, pad=True)


def echo_request(dst_mac: bytes) -> bytes:
    message = icmp.echo(0x4242, 1, b"netsim-demo-ping-0123456789")
    packet = ipv4.build(VM_IP, LAN_IP, ipv4.IPPROTO_ICMP, message, ident=0x1111)
    return ethernet.build(dst_mac, VM_MAC, ethernet.ETH_P_IP, packet)


def run(out=print, seed: int = 0, out_dir: str | Path | None = None) -> int:
    """Tell the story; with ``out_dir``, also write demo.pcap (tap0 and eth0 merged,
    plus demo-tap0.pcap and demo-eth0.pcap), demo.gif (the echo's journey) and
    demo.html (the same journey in the interactive player, for any browser)."""
    lab, vm = build(seed)
    host = lab.host("host")
    captures = [host.capture("tap0"), host.capture("eth0")] if out_dir is not None else []
    start = len(lab.trace)
    out("netsim demo: a VM process on tap0 (a port of br0) talks to a LAN host through eth0\n")
    out(f"The VM process is pid {vm.process.pid}; it holds /dev/net/tun as fd {vm.fd} "
        f"attached to {vm.ifname}.\n")
    out("1. The VM asks: who has 10.0.0.2?  (write() on the fd)")
    vm.write(arp_request())
    replies = vm.read(timeout=0.5)
    if not replies:
        out("   no ARP reply came back")
        return 1
    lan_mac = replies[0][6:12]
    out(f"   the VM read {len(replies)} frame(s) back: the ARP reply\n")
    out("2. The VM sends an ICMP echo request to 10.0.0.2")
    echo_start = len(lab.trace)
    vm.write(echo_request(lan_mac))
    replies = vm.read(timeout=0.5)
    out(f"   the VM read {len(replies)} frame(s) back: the echo reply\n")
    out("Every hop, with the reason and [the kernel function]:")
    current = None
    for record in lab.trace.records[start:]:
        if not record.frame_id:
            continue
        if record.frame_id != current:
            current = record.frame_id
            out(f"\nframe #{current}: {record.summary}")
        where = f"{record.host}:{record.dev}" if record.dev else f"{record.host} (cable)"
        out(f"  {record.time * 1000:9.4f} ms  {where:<22} {record.action:<8} "
            f"{record.reason} [{record.func}]")
    out("\nbr0's forwarding database afterwards:")
    out(lab.host("host").sh("bridge fdb show br br0 dynamic").stdout.rstrip())
    if out_dir is not None:
        echo_ids = sorted({r.frame_id for r in lab.trace.records[echo_start:] if r.frame_id})
        for path in write_outputs(lab, captures, echo_ids, Path(out_dir)):
            out(f"wrote {path}")
    vm.close()
    return 0


def write_outputs(lab: Lab, captures: list, frame_ids: list[int], out_dir: Path) -> list[Path]:
    """demo.pcap (every captured frame, by time), one pcap per device, demo.html (the
    echo's journey in :func:`netsim.viz.player`) and demo.gif (the same, animated)."""
    from netsim.stack.pcap import write_pcap
    from netsim.viz.player import player

    out_dir.mkdir(parents=True, exist_ok=True)
    frames = sorted((f for cap in captures for f in cap.stop()), key=lambda f: f.time)
    written = [write_pcap(out_dir / "demo.pcap", frames, "ether")]
    written += [cap.save(out_dir / f"demo-{cap.dev.name}.pcap") for cap in captures]
    page = player(lab, frames=frame_ids,
                  title="netsim demo: the VM's ping through tap0, br0 and eth0, hop by hop")
    written.append(page.save(out_dir / "demo.html"))
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # no display needed to write a GIF
    import matplotlib.pyplot as plt

    from netsim.viz.animate import animate

    anim = animate(lab, frames=frame_ids)
    gif = out_dir / "demo.gif"
    anim.save(gif, writer="pillow", fps=1.5)
    plt.close(anim.netsim_caption.figure)
    written.append(gif)
    return written
