"""qemu-system-x86_64 typed at a simulated host: the seed's story, its fds, scripts and errors."""

import pytest
from lab_builders import ok

import netsim

BLOG_QEMU = ("qemu-system-x86_64 -name one_socket -daemonize -hdb sdb.img -enable-kvm -cpu host "
             "-smp cores=4,sockets=1, -m 16G -drive file=rhel7u4.img -vnc :12 "
             "-netdev tap,id=ipvm1,ifname=tap0,script=/etc/qemu-ifup "
             "-device e1000,netdev=ipvm1,id=net0,mac=00:00:02:98:AC:61")
MINIMAL = "qemu-system-x86_64 -S -display none -nodefaults "


def seed_host():
    lab = netsim.Lab(seed=0)
    host, lan = lab.host("host"), lab.host("lan")
    lab.link("host:eth0", "lan:eth0")
    ok(host, "brctl addbr br0 && brctl addif br0 eth0 && ip link set eth0 up "
             "&& ip link set br0 up && ip addr add 10.0.0.1/24 dev br0 "
             "&& ip route add default via 10.0.0.254")
    ok(lan, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    return lab, host, lan


def world(host) -> str:
    return ok(host, "ip -br link; bridge link; ip tuntap show") + ok(host, "ps -ef | wc -l")


def test_the_seed_transcript():
    lab, host, lan = seed_host()
    ok(host, "ip tuntap add tap0 mode tap && brctl addif br0 tap0")
    ok(host, "qemu-img create -f qcow2 rhel7u4.img 20G && qemu-img create sdb.img 1G")
    started = host.sh(BLOG_QEMU)
    assert started.returncode == 0
    assert "probing guessed raw" in started.stderr  # sdb.img is raw and -hdb gives no format
    ps = ok(host, "ps -ef | grep qemu")
    uid, pid, ppid = ps.split()[:3]
    assert (uid, ppid) == ("root", "1")  # -daemonize: the daemon's parent is init
    assert "-name one_socket" in ps
    fd_line = ok(host, f"ls -l /proc/{pid}/fd/ | grep tun")
    assert fd_line.endswith(" 12 -> /dev/net/tun\n")  # QEMU 7.2 with this line, under KVM
    vm = lab.vm("one_socket")
    assert vm.pid == int(pid) and lab.vm(int(pid)) is vm
    ok(vm.guest, "ip addr add 10.0.0.10/24 dev eth0 && ip link set eth0 up")
    assert "1 received" in vm.sh("ping -c 1 10.0.0.2").stdout
    request = [r for r in lab.trace if r.func == "ping_v4_sendmsg"][-1].frame_id
    assert lab.trace.path(request) == ["one_socket:eth0", "host:qemu", "host:/dev/net/tun",
                                       "host:tap0", "host:br0", "host:eth0", "host",
                                       "lan:eth0"]
    reply = [r for r in lab.trace if r.func == "icmp_echo"][-1].frame_id
    assert lab.trace.path(reply)[:1] == ["lan:eth0"]
    assert lab.trace.path(reply)[-4:] == ["host:tap0", "host:/dev/net/tun", "host:qemu",
                                          "one_socket:eth0"]
    learned = ok(host, "bridge fdb show br br0 dynamic")
    assert "00:00:02:98:ac:61 dev tap0 master br0" in learned
    assert ok(host, "cat /sys/class/net/tap0/address").strip() != "00:00:02:98:ac:61"


def test_the_minimal_line_holds_the_tap_on_fd_3_and_runs_the_script_with_its_name():
    lab, host, _lan = seed_host()
    host.write_file("ifup.sh", '#!/bin/sh\necho "ifup args: $*" >> /root/ifup.log\n'
                    'ip link set "$1" up\nip link set "$1" master br0\n', mode=0o755)
    p = host.spawn(MINIMAL + "-netdev tap,id=n1,ifname=tap0,script=/root/ifup.sh,"
                   "downscript=no -device e1000,netdev=n1,mac=52:54:00:00:00:01")
    assert p.running
    assert (3, "/dev/net/tun") in p.fds()
    assert ok(host, "cat /root/ifup.log") == "ifup args: tap0\n"
    assert "tap0" in ok(host, "bridge link")
    assert ok(host, "ip tuntap show").splitlines()[-1] == "tap0: tap one_queue vnet_hdr"


def test_a_tap_qemu_made_vanishes_with_it_and_a_persistent_one_loses_carrier():
    lab, host, _lan = seed_host()
    ok(host, "ip tuntap add tap1 mode tap && ip link set tap1 up")
    p1 = host.spawn(MINIMAL + "-netdev tap,id=n1,ifname=tap0,script=no,downscript=no "
                    "-device e1000,netdev=n1")
    p2 = host.spawn(MINIMAL + "-netdev tap,id=n1,ifname=tap1,script=no,downscript=no "
                    "-device e1000,netdev=n1")
    assert "LOWER_UP" in ok(host, "ip link show tap1")
    p1.kill()
    p2.kill()
    assert p1.returncode == 0
    assert p1.stderr.startswith("qemu-system-x86_64: terminating on signal 15 from pid ")
    assert host.sh("ip link show tap0").stderr == 'Device "tap0" does not exist.\n'
    assert "NO-CARRIER" in ok(host, "ip link show tap1")


def test_two_vms_on_one_bridge_ping_each_other():
    lab, host, _lan = seed_host()
    for i, mac in ((1, "52:54:00:00:00:01"), (2, "52:54:00:00:00:02")):
        ok(host, f"qemu-system-x86_64 -name vm{i} -daemonize -display none -nodefaults "
                 f"-netdev tap,id=n,script=/etc/qemu-ifup -device virtio-net-pci,netdev=n,"
                 f"mac={mac}")
    assert [line.split(":")[0] for line in ok(host, "ip tuntap show").splitlines()] == [
        "tap0", "tap1"]  # no ifname: the kernel picks tap%d
    vm1, vm2 = lab.vm("vm1"), lab.vm("vm2")
    ok(vm1.guest, "ip addr add 10.0.0.11/24 dev eth0 && ip link set eth0 up")
    ok(vm2.guest, "ip addr add 10.0.0.12/24 dev eth0 && ip link set eth0 up")
    assert "2 received" in vm1.sh("ping -c 2 10.0.0.12").stdout


@pytest.mark.parametrize("setup, line, status, message", [
    ("", "qemu-system-x86_64 -frobnicate", 1,
     "qemu-system-x86_64: -frobnicate: invalid option\n"),
    ("", MINIMAL + "-hda missing.img", 1,
     "qemu-system-x86_64: -hda missing.img: Could not open 'missing.img': "
     "No such file or directory\n"),
    ("printf '#!/bin/sh\\nexit 3\\n' > bad.sh && chmod 755 bad.sh", MINIMAL
     + "-netdev tap,id=n1,ifname=tap0,script=/root/bad.sh -device e1000,netdev=n1", 1,
     "qemu-system-x86_64: -netdev tap,id=n1,ifname=tap0,script=/root/bad.sh: network "
     "script /root/bad.sh failed with status 768\n"),
    ("", MINIMAL + "-netdev tap,id=n1,ifname=tap0,script=/root/none.sh", 1,
     "qemu-system-x86_64: -netdev tap,id=n1,ifname=tap0,script=/root/none.sh: network "
     "script /root/none.sh failed with status 256\n"),
    ("ip link add v0 type veth peer name v1", MINIMAL + "-netdev tap,id=n1,ifname=v0,"
     "script=no", 1, "qemu-system-x86_64: -netdev tap,id=n1,ifname=v0,script=no: could "
     "not configure /dev/net/tun (v0): Invalid argument\n"),
])
def test_refused_start_ups_leave_nothing_behind(setup, line, status, message):
    lab, host, _lan = seed_host()
    if setup:
        ok(host, setup)
    before = world(host)
    result = host.sh(line)
    assert (result.returncode, result.stderr) == (status, message)
    assert world(host) == before
    assert lab.vms == {}


def test_a_busy_tap_is_refused_with_ebusy():
    lab, host, _lan = seed_host()
    ok(host, "ip tuntap add tap0 mode tap")
    holder = host.open_tun("tap0")
    before = world(host)
    result = host.sh(MINIMAL + "-netdev tap,id=n1,ifname=tap0,script=no")
    assert result.stderr == ("qemu-system-x86_64: -netdev tap,id=n1,ifname=tap0,script=no: "
                             "could not configure /dev/net/tun (tap0): Device or resource busy\n")
    assert result.returncode == 1 and world(host) == before
    holder.close()


def test_netdev_bridge_goes_through_the_helper_and_its_acl():
    lab, host, _lan = seed_host()
    line = ("qemu-system-x86_64 -name v -daemonize -display none -nodefaults "
            "-netdev bridge,id=n,br=br0 -device e1000,netdev=n")
    refused = host.sh(line)
    assert (refused.returncode, refused.stderr) == (
        1, "failed to parse default acl file `/etc/qemu/bridge.conf'\n"
           "qemu-system-x86_64: -netdev bridge,id=n,br=br0: bridge helper failed\n")
    ok(host, "mkdir -p /etc/qemu && echo 'allow br9' > /etc/qemu/bridge.conf")
    assert host.sh(line).stderr.startswith("access denied by acl file\n")
    ok(host, "echo 'allow br0' >> /etc/qemu/bridge.conf")
    ok(host, line)
    assert "tap0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br0 state forwarding" \
        in ok(host, "bridge link")
    vm = lab.vm("v")
    ok(vm.guest, "ip addr add 10.0.0.10/24 dev eth0 && ip link set eth0 up")
    assert "1 received" in vm.sh("ping -c 1 10.0.0.2").stdout


def test_legacy_net_nic_and_net_tap_meet_on_the_hub():
    lab, host, _lan = seed_host()
    host.write_file("up.sh", '#!/bin/sh\nip link set "$1" up\nip link set "$1" master br0\n',
                    mode=0o755)
    ok(host, "qemu-system-x86_64 -name old -daemonize -display none -nodefaults "
             "-net nic,model=e1000,macaddr=52:54:00:aa:bb:cc "
             "-net tap,ifname=tap7,script=/root/up.sh,downscript=no")
    vm = lab.vm("old")
    ok(vm.guest, "ip addr add 10.0.0.10/24 dev eth0 && ip link set eth0 up")
    assert "1 received" in vm.sh("ping -c 1 10.0.0.2").stdout
    assert "52:54:00:aa:bb:cc dev tap7 master br0" in ok(host, "bridge fdb show br br0")


# ============================================================ a failed start leaves nothing
def full_world(host) -> str:
    """Processes (without ps itself), /proc, links, taps and the shell's fds."""
    ps = [line for line in ok(host, "ps -ef").splitlines() if not line.endswith(" ps -ef")]
    return "\n".join(ps) + ok(host, "ls /proc; ip -br link; ip tuntap show; ls -l /proc/$$/fd")


MQ = "-netdev tap,id=n1,ifname=tap0,script=no,downscript=no,queues=3 "


# Each refusal as the real QEMU 7.2.22 printed it (run as root in a fresh network namespace).
@pytest.mark.parametrize("line, status, message", [
    ("qemu-system-x86_64 -m 18446744073709551615", 1,      # that many MiB: past 2^64 bytes
     "qemu-system-x86_64: Parameter 'memory.size' expects size\n"),
    ("qemu-system-x86_64 -m " + "9" * 5000, 1,
     f"qemu-system-x86_64: -m {'9' * 5000}: Value '{'9' * 5000}' is out of range for "
     "parameter 'size'\n"),
    (MINIMAL + MQ + "-device e1000,netdev=zz", 1,           # three queues, then -device fails
     "qemu-system-x86_64: -device e1000,netdev=zz: Property 'e1000.netdev' can't find "
     "value 'zz'\n"),
    (MINIMAL + "-netdev tap,id=n1,ifname=tap0,script=no,queues=300", 1,   # 257th queue: E2BIG
     "qemu-system-x86_64: -netdev tap,id=n1,ifname=tap0,script=no,queues=300: could not "
     "configure /dev/net/tun (tap0): Argument list too long\n"),
    (MINIMAL + "-netdev tap,id=n1,ifname=a/b,script=no", 1,
     "qemu-system-x86_64: -netdev tap,id=n1,ifname=a/b,script=no: could not configure "
     "/dev/net/tun (a/b): Invalid argument\n"),
    (MINIMAL + "-netdev tap,id=n1,ifname=tap%d%d,script=no", 1,
     "qemu-system-x86_64: -netdev tap,id=n1,ifname=tap%d%d,script=no: could not configure "
     "/dev/net/tun (tap%d%d): Invalid argument\n"),
    (MINIMAL + "-netdev tap,id=n1,fd=0", 1,
     "qemu-system-x86_64: -netdev tap,id=n1,fd=0: Unable to query TUNGETIFF on FD 0: "
     "Inappropriate ioctl for device\n"),
    (MINIMAL + "-netdev tap,id=n1,fd=7", 1,                 # one of QEMU's own eventfds
     "qemu-system-x86_64: -netdev tap,id=n1,fd=7: Unable to query TUNGETIFF on FD 7: "
     "Inappropriate ioctl for device\n"),
    (MINIMAL + "-netdev tap,id=n1,fd=99", 1,
     "qemu-system-x86_64: -netdev tap,id=n1,fd=99: n1: Can't use file descriptor 99: "
     "Bad file descriptor\n"),
    (MINIMAL + "-netdev tap,id=n1,fd=99999999999", 1,
     "qemu-system-x86_64: -netdev tap,id=n1,fd=99999999999: Invalid file descriptor number "
     "'99999999999'\n"),
    (MINIMAL + "-netdev tap,id=n1,ifname=tap0,script=no -netdev user,id=u,"
     "hostfwd=tcp::2222-:22 -device e1000,netdev=zz", 1,
     "qemu-system-x86_64: -device e1000,netdev=zz: Property 'e1000.netdev' can't find "
     "value 'zz'\n"),
    (MINIMAL + "-netdev bridge,id=n,br=br0", 1,
     "failed to parse default acl file `/etc/qemu/bridge.conf'\n"
     "qemu-system-x86_64: -netdev bridge,id=n,br=br0: bridge helper failed\n"),
])
def test_every_failure_path_leaves_the_world_as_it_was(line, status, message):
    lab, host, _lan = seed_host()
    before = full_world(host)
    result = host.sh(line)
    assert (result.returncode, result.stderr) == (status, message)
    assert full_world(host) == before
    assert lab.vms == {}


def test_a_failing_downscript_is_reported_at_the_error_that_made_qemu_exit():
    lab, host, _lan = seed_host()
    ok(host, "printf '#!/bin/sh\\nexit 3\\n' > bad.sh && chmod 755 bad.sh")
    before = full_world(host)
    result = host.sh(MINIMAL + "-netdev tap,id=n1,ifname=tap0,script=no,"
                     "downscript=/root/bad.sh -device e1000,netdev=zz")
    # QEMU 7.2.22: the downscript runs from an exit notifier, at the -device location
    assert result.stderr == (
        "qemu-system-x86_64: -device e1000,netdev=zz: Property 'e1000.netdev' can't find "
        "value 'zz'\n"
        "qemu-system-x86_64: -device e1000,netdev=zz: network script /root/bad.sh failed "
        "with status 768\n")
    assert result.returncode == 1 and full_world(host) == before


def test_a_fault_inside_netsim_still_removes_the_process(monkeypatch):
    from netsim.qemu import launcher

    def broken(*_args, **_kwargs):
        raise RuntimeError("netsim bug")

    lab, host, _lan = seed_host()
    before = full_world(host)
    monkeypatch.setattr(launcher, "_boot", broken)
    result = host.sh(MINIMAL + "-netdev tap,id=n1,ifname=tap0,script=no,downscript=no")
    assert "internal error" in result.stderr
    assert full_world(host) == before and lab.vms == {}


def test_queues_after_the_first_attach_to_the_tap_the_kernel_named():
    lab, host, _lan = seed_host()
    p = host.spawn(MINIMAL + "-netdev tap,id=n1,script=no,downscript=no,queues=2 "
                   "-device virtio-net-pci,netdev=n1,mq=on")
    assert p.running
    taps = ok(host, "ip tuntap show").splitlines()
    assert len(taps) == 1 and taps[0].startswith("tap0: tap ") and "multi_queue" in taps[0]
    p.kill()


@pytest.mark.parametrize("name, message", [
    ("x" * 300, f"Could not open '{'x' * 300}': File name too long"),
    ("y/" * 3000, f"Could not open '{'y/' * 3000}': File name too long"),
    ("/tmp", "'file' driver requires '/tmp' to be a regular file"),
    ("a:b", "Unknown protocol 'a'"),
])
def test_image_names_qemu_cannot_open(name, message):
    # texts of QEMU 7.2.22
    lab, host, _lan = seed_host()
    before = full_world(host)
    result = host.sh(MINIMAL + f"-hda '{name}'")
    assert (result.returncode, result.stderr) == (
        1, f"qemu-system-x86_64: -hda {name}: {message}\n")
    assert full_world(host) == before


@pytest.mark.parametrize("size, out, err", [
    ("0.9999k", "Formatting 'x.img', fmt=raw size=1024\n", ""),
    ("1.5e999k", "Formatting 'x.img', fmt=raw size=1\n", ""),
    ("0x10k", "Formatting 'x.img', fmt=raw size=16384\n",
     "qemu-img: warning: Using a multiplier suffix on hex numbers is deprecated: 0x10k\n"),
    ("9" * 5000, "",
     "qemu-img: Invalid image size specified. Must be between 0 and 9223372036854775807.\n"),
    ("8E", "",
     "qemu-img: Invalid image size specified. Must be between 0 and 9223372036854775807.\n"),
    ("99999999999999999999k", "",
     "qemu-img: Invalid image size specified. You may use k, M, G, T, P or E suffixes for\n"
     "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.\n"),
])
def test_qemu_img_sizes(size, out, err):
    # qemu-img 7.2.22 create -f raw
    lab, host, _lan = seed_host()
    result = host.sh(f"qemu-img create -f raw x.img {size}")
    assert (result.stdout, result.stderr) == (out, err)
