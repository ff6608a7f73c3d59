"""A guest's frames: guest eth0 -> qemu process -> /dev/net/tun -> tap0 -> br0 -> eth0 -> wire."""

from lab_builders import bridge_and_lan, ok

from netsim.devices.tun import TunFile, tun_set_iff
from netsim.packets.addr import mac_aton
from netsim.qemu.vm import VirtualMachine


def start_vm(host, name: str, tap: str, mac: str) -> VirtualMachine:
    """What `qemu-system-x86_64 -netdev tap,ifname=TAP -device e1000,mac=MAC` sets up."""
    proc = host.processes.spawn(["qemu-system-x86_64", "-name", name])
    tfile = TunFile(host.ns, proc, proc.lowest_free_fd())
    proc.fd_table[tfile.fd] = tfile
    tun_set_iff(host.ns, tfile, tap, "tap")
    vm = VirtualMachine(host, proc, name)
    vm.add_nic("e1000", mac_aton(mac), vm.add_tap_backend("net0", tfile))
    return vm


def test_guest_ping_travels_through_qemu_and_the_tap_and_back():
    lab, host, lan = bridge_and_lan()
    ok(host, "ip tuntap add tap0 mode tap && ip link set tap0 master br0 "
             "&& ip link set tap0 up")
    vm = start_vm(host, "one_socket", "tap0", "00:00:02:98:ac:61")
    assert lab.vm("one_socket") is vm and lab.vm(vm.pid) is vm
    ok(vm.guest, "ip addr add 10.0.0.10/24 dev eth0 && ip link set eth0 up")
    out = vm.sh("ping -c 1 10.0.0.2").stdout
    assert "1 received" in out
    request = [r for r in lab.trace if r.func == "ping_v4_sendmsg"][-1].frame_id
    assert lab.trace.path(request) == ["one_socket:eth0", "host:qemu", "host:/dev/net/tun",
                                       "host:tap0", "host:br0", "host:eth0", "host",
                                       "lan:eth0"]
    reply = next(r.frame_id for r in lab.trace if r.func == "icmp_echo")
    assert lab.trace.path(reply)[-5:] == ["host:br0", "host:tap0", "host:/dev/net/tun",
                                          "host:qemu", "one_socket:eth0"]
    funcs = [r.func for r in lab.trace.filter(frame=request)]
    assert funcs[:5] == ["ping_v4_sendmsg", "neigh_resolve_output", "e1000_xmit_frame",
                         "qemu_send_packet", "tun_chr_write_iter"]


def test_the_bridge_learns_the_guest_mac_on_the_tap_not_the_tap_mac():
    lab, host, lan = bridge_and_lan()
    ok(host, "ip tuntap add tap0 mode tap && ip link set tap0 master br0 "
             "&& ip link set tap0 up")
    vm = start_vm(host, "vm1", "tap0", "52:54:00:12:34:56")
    ok(vm.guest, "ip addr add 10.0.0.10/24 dev eth0 && ip link set eth0 up")
    vm.sh("ping -c 1 10.0.0.2")
    tap_mac = ok(host, "cat /sys/class/net/tap0/address").strip()
    assert tap_mac != "52:54:00:12:34:56"
    assert "52:54:00:12:34:56 dev tap0 master br0 \n" in ok(host, "bridge fdb show br br0")


def test_two_vms_on_one_bridge_ping_each_other():
    lab, host, _lan = bridge_and_lan()
    for i in (0, 1):
        ok(host, f"ip tuntap add tap{i} mode tap && ip link set tap{i} master br0 "
                 f"&& ip link set tap{i} up")
    vm1 = start_vm(host, "vm1", "tap0", "52:54:00:12:34:56")
    vm2 = start_vm(host, "vm2", "tap1", "52:54:00:12:34:57")
    ok(vm1.guest, "ip addr add 10.0.0.11/24 dev eth0 && ip link set eth0 up")
    ok(vm2.guest, "ip addr add 10.0.0.12/24 dev eth0 && ip link set eth0 up")
    assert "3 received" in vm1.sh("ping -c 3 10.0.0.12").stdout
    forwards = [r for r in lab.trace if r.action == "forward" and r.host == "host"]
    assert any("behind tap1" in r.reason for r in forwards)
