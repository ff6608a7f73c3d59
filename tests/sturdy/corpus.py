"""Seed command lines for every command family netsim answers, and the words to build more.

:data:`SEEDS` holds hand-written lines per family, written against the lab of
:mod:`sturdy_lab` (h1: lo, eth0 on a cable to h2 and a port of br0, br0 10.0.0.1/24,
tap0 a port of br0, a veth pair veth0/veth1 left down, a route to 192.168.50.0/24 via
10.0.0.2, a permanent neighbour 10.0.0.3, a static FDB entry 02:00:00:00:00:04, an
iptables rule in INPUT, the disk images rhel7u4.img and sdb.img in /root).
:func:`harvested` adds the lines people already typed in this project
(``corpus_harvested.txt``, rebuilt by ``harvest.py``). :data:`VOCAB` gives, per family,
the tool's name, its subcommands and the words its arguments are made of, for purely
generated lines (``{tool} {subcommand} {random args}``).
"""

from __future__ import annotations

import functools
from pathlib import Path

HARVESTED_FILE = Path(__file__).with_name("corpus_harvested.txt")

# The blog post's QEMU line (README.md), verbatim: the trailing comma after sockets=1 too.
BLOG_QEMU = ("qemu-system-x86_64 -name one_socket -daemonize -hdb sdb.img -enable-kvm -cpu host "
             "-smp cores=4,sockets=1, -m 16G -drive file=rhel7u4.img -vnc :12 "
             "-netdev tap,id=ipvm1,ifname=tap0,script=/etc/qemu-ifup "
             "-device e1000,netdev=ipvm1,id=net0,mac=00:00:02:98:AC:61")

SEEDS: dict[str, list[str]] = {
    "ip": [
        "ip link", "ip -d link show br0", "ip -j link show eth0", "ip -j -d link show br0",
        "ip -s link show eth0", "ip -s -s link", "ip -br link", "ip -br -c addr", "ip -o link",
        "ip -o -4 addr show", "ip -4 addr show dev br0", "ip -j -p addr",
        "ip link add dummy0 type dummy", "ip link add br1 type bridge",
        "ip link add name br2 type bridge stp_state 1 forward_delay 400",
        "ip link add veth2 type veth peer name veth3",
        "ip link add eth5 address 02:00:00:00:01:01 type veth peer name eth6",
        "ip link set veth0 up", "ip link set dev veth0 master br0", "ip link set eth0 nomaster",
        "ip link set dev br0 mtu 1400", "ip link set br0 address 02:11:22:33:44:55",
        "ip link set tap0 down", "ip link set veth0 name v0", "ip link set eth0 promisc on",
        "ip link set dev br0 type bridge stp_state 1",
        "ip link set br0 type bridge ageing_time 1000",
        "ip link set dev eth0 type bridge_slave cost 10", "ip link del veth0", "ip link delete br0",
        "ip link show type bridge", "ip link show master br0", "ip -d link show type veth",
        "ip addr", "ip address show", "ip addr add 10.0.0.5/24 dev br0",
        "ip addr add 192.168.7.1/24 brd + dev veth0 label veth0:1",
        "ip addr add 10.9.0.1/16 dev veth0 valid_lft 100 preferred_lft 50",
        "ip addr del 10.0.0.1/24 dev br0", "ip addr flush dev br0",
        "ip addr change 10.0.0.1/24 dev br0",
        "ip addr replace 10.0.0.1/24 dev br0 valid_lft forever",
        "ip route", "ip route show table main", "ip route get 10.0.0.2", "ip route get 8.8.8.8",
        "ip route add default via 10.0.0.2", "ip route add 172.16.0.0/12 dev br0 metric 100",
        "ip route add unreachable 10.99.0.0/16", "ip route add blackhole 10.98.0.0/16",
        "ip route del 192.168.50.0/24", "ip route replace 192.168.50.0/24 via 10.0.0.2 dev br0",
        "ip route flush dev br0", "ip route change 192.168.50.0/24 via 10.0.0.2 src 10.0.0.1",
        "ip -j route", "ip route list proto kernel", "ip route show scope link",
        "ip neigh", "ip neigh show dev br0", "ip -s neigh", "ip -j neigh",
        "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev br0",
        "ip neigh replace 10.0.0.3 lladdr 02:00:00:00:00:13 dev br0 nud permanent",
        "ip neigh change 10.0.0.3 lladdr 02:00:00:00:00:03 dev br0 nud stale",
        "ip neigh del 10.0.0.3 dev br0", "ip neigh flush dev br0", "ip neigh flush all",
        "ip neigh get 10.0.0.3 dev br0",
        "ip tuntap", "ip tuntap show", "ip tuntap add tap1 mode tap", "ip tuntap add mode tun",
        "ip tuntap add dev tap%d mode tap multi_queue", "ip tuntap del tap0 mode tap",
        "ip tuntap add tap2 mode tap user root group root vnet_hdr",
        "ip netns", "ip netns list", "ip netns add blue", "ip netns exec h2 ip addr",
        "ip -n h2 link", "ip -batch -", "ip -V", "ip help", "ip link help", "ip monitor",
        "ip -4 route", "ip -6 addr", "ip -family inet addr", "ip -r route", "ip -t neigh",
    ],
    "bridge": [
        "bridge fdb", "bridge fdb show", "bridge fdb show br br0", "bridge fdb show dev eth0",
        "bridge -j fdb show", "bridge -s fdb", "bridge -d fdb show br br0",
        "bridge fdb add 02:00:00:00:00:05 dev eth0 master static",
        "bridge fdb add 02:00:00:00:00:06 dev tap0 master",
        "bridge fdb replace 02:00:00:00:00:04 dev tap0 master static",
        "bridge fdb del 02:00:00:00:00:04 dev eth0 master",
        "bridge fdb add 33:33:00:00:00:02 dev eth0 self permanent",
        "bridge fdb append 00:00:00:00:00:00 dev eth0 self",
        "bridge fdb flush dev br0", "bridge fdb get 02:00:00:00:00:04 br br0",
        "bridge link", "bridge link show", "bridge -d link", "bridge -j -p link",
        "bridge link set dev eth0 cost 5", "bridge link set dev tap0 priority 10",
        "bridge link set dev eth0 learning off", "bridge link set dev tap0 flood off",
        "bridge link set dev eth0 hairpin on", "bridge link set dev eth0 state 3",
        "bridge vlan", "bridge mdb", "bridge -V", "bridge help", "bridge fdb help",
    ],
    "brctl": [
        "brctl", "brctl show", "brctl show br0", "brctl showmacs br0", "brctl showstp br0",
        "brctl addbr br1", "brctl delbr br0", "brctl addif br0 veth0", "brctl delif br0 eth0",
        "brctl delif br0 tap0 eth0", "brctl addif br0 veth0 veth1",
        "brctl setageing br0 10", "brctl setbridgeprio br0 70000", "brctl setfd br0 4",
        "brctl sethello br0 2", "brctl setmaxage br0 20", "brctl setpathcost br0 eth0 5",
        "brctl setportprio br0 eth0 64", "brctl stp br0 on", "brctl stp br0 off",
        "brctl hairpin br0 eth0 on", "brctl addbr br%d", "brctl -V", "brctl help",
    ],
    "sysctl": [
        "sysctl net.ipv4.ip_forward", "sysctl -w net.ipv4.ip_forward=1",
        "sysctl -a", "sysctl -a -N", "sysctl -n net.ipv4.conf.br0.forwarding",
        "sysctl -q -w net.ipv4.conf.all.rp_filter=2",
        "sysctl -w net.ipv4.ip_forward=1 net.ipv4.ip_default_ttl=300",
        "sysctl -w net.ipv4.ip_default_ttl=0", "sysctl net/ipv4/ip_forward",
        "sysctl -w net.bridge.bridge-nf-call-iptables=0", "sysctl -e nosuch.key",
        "sysctl -w net.ipv4.ping_group_range='0 2147483647'",
        "sysctl -p", "sysctl -p /etc/sysctl.conf", "sysctl --system", "sysctl -V",
        "sysctl -w net.ipv4.neigh.br0.base_reachable_time_ms=1000",
        "sysctl -w net.ipv4.conf.eth0.arp_ignore=1", "sysctl net.ipv4.ip_local_port_range",
        "sysctl -w net.netfilter.nf_conntrack_max=10",
    ],
    "ping": [
        "ping -c 1 10.0.0.2", "ping -c 2 -i 0.2 10.0.0.2", "ping -c 1 -W 1 10.0.0.9",
        "ping -c 3 -s 1472 10.0.0.2", "ping -c 1 -M do -s 2000 10.0.0.2", "ping -c 1 -t 1 10.0.0.2",
        "ping -c 1 -I br0 10.0.0.2", "ping -c 1 -b 10.0.0.255", "ping -q -c 2 10.0.0.2",
        "ping -n -c 1 127.0.0.1", "ping -c 1 192.168.50.1", "ping -c 1 -w 1 10.0.0.2",
        "ping -f -c 10 10.0.0.2", "ping -c 2 -p ff00 10.0.0.2", "ping -D -c 1 10.0.0.2",
        "ping -4 -c 1 localhost", "ping -V", "ping", "ping -c 1 -R 10.0.0.2", "ping -c 1 h2",
    ],
    "ps": [
        "ps", "ps -ef", "ps aux", "ps -e", "ps -p 1", "ps -p 1 -o pid,ppid,cmd", "ps -o pid=",
        "ps -C bash", "ps -u root", "ps axjf", "ps -eo pid,comm,args", "ps --pid 1030",
        "ps -e --forest", "ps -q 1", "ps l",
    ],
    "kill": [
        "kill -l", "kill -L", "kill -l 9", "kill -0 1", "kill 99999", "kill -9 99999",
        "kill -TERM 1030", "kill -s HUP 1", "kill -STOP 1", "kill %1", "kill", "kill -15 -1",
    ],
    "tcpdump": [
        "tcpdump -D", "tcpdump -i br0 -c 1", "tcpdump -n -e -i eth0 -c 2",
        "tcpdump -i any -c 1 icmp", "tcpdump -r /nonexistent.pcap",
        "tcpdump -i eth0 -w /tmp/x.pcap -c 1",
        "tcpdump -i lo -c 1 -nn 'udp port 67'", "tcpdump --version", "tcpdump -i nope",
    ],
    "iptables": [
        "iptables -S", "iptables -L", "iptables -L -n -v", "iptables -t nat -L -n",
        "iptables -t nat -S", "iptables -A FORWARD -i br0 -j ACCEPT",
        "iptables -I INPUT 1 -s 10.0.0.0/24 -p icmp -j DROP",
        "iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE",
        "iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80",
        "iptables -D INPUT -p tcp --dport 22 -j ACCEPT", "iptables -D INPUT 1",
        "iptables -P FORWARD DROP", "iptables -F", "iptables -X", "iptables -Z",
        "iptables -N MYCHAIN", "iptables -E MYCHAIN OTHER",
        "iptables -C INPUT -p tcp --dport 22 -j ACCEPT",
        "iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        "iptables -A INPUT -m state --state NEW -p udp --sport 53 -j REJECT "
        "--reject-with icmp-port-unreachable",
        "iptables -R INPUT 1 -p tcp --syn -j ACCEPT", "iptables -L INPUT --line-numbers",
        "iptables -t filter -A OUTPUT -d 192.168.50.0/24 -j REJECT", "iptables --version",
        "iptables -t nat -A POSTROUTING -j SNAT --to-source 10.0.0.1:1024-2048",
        "iptables -t mangle -L",
        "iptables -A INPUT ! -i lo -p tcp -m multiport --dports 1,2 -j DROP",
    ],
    "conntrack": [
        "conntrack -L", "conntrack -L -p icmp", "conntrack -F", "conntrack -D -s 10.0.0.2",
        "conntrack -C", "conntrack -S", "conntrack -L -o extended", "conntrack -E -c 1",
        "conntrack -L -s 10.0.0.1 -d 10.0.0.2", "conntrack -V", "conntrack -G -p tcp",
        "conntrack -L --src-nat", "conntrack -L -f ipv4", "conntrack -U -m 1",
    ],
    "dnsmasq": [
        "dnsmasq --test", "dnsmasq --interface=br0 --dhcp-range=10.0.0.50,10.0.0.99",
        "dnsmasq -i br0 -F 10.0.0.100,10.0.0.200,12h --no-daemon",
        "dnsmasq --version", "dnsmasq --help",
        "dnsmasq --bind-interfaces -z -i br0 -F 10.0.0.2,10.0.0.3",
        "dnsmasq --conf-file=/nonexistent", "dnsmasq --dhcp-range=10.0.0.50,10.0.0.10",
        "dnsmasq --port=0 --dhcp-range=10.0.0.50,10.0.0.99,255.255.255.0,1h "
        "--dhcp-leasefile=/tmp/l",
    ],
    "dhclient": [
        "dhclient -1 eth0", "dhclient -v -1 br0", "dhclient -r br0", "dhclient -x",
        "dhclient veth0", "dhclient -1 -timeout 3 veth0", "dhclient --version", "dhclient -nw br0",
        "dhclient -d -1 tap0", "dhclient nosuchdev",
    ],
    "udhcpc": [
        "udhcpc -i eth0 -n", "udhcpc -i br0 -n -q", "udhcpc -i veth0 -n -t 1 -T 1",
        "udhcpc -i veth0 -b", "udhcpc --help", "udhcpc -i nosuchdev -n", "udhcpc -f -n -q -i br0",
        "udhcpc -i br0 -n -A 1 -t 2",
    ],
    "socat": [
        "socat - UDP:10.0.0.2:7", "socat -V", "socat -h", "socat UDP-LISTEN:9999 -",
        "socat - TCP4:10.0.0.2:80", "socat TCP4-LISTEN:8080,fork PIPE", "socat",
        "socat - UDP4-DATAGRAM:10.0.0.255:9,broadcast",
        "socat -d -d - TCP:10.0.0.2:7,connect-timeout=1",
    ],
    "qemu-system-x86_64": [
        BLOG_QEMU,
        "qemu-system-x86_64 -version", "qemu-system-x86_64 -netdev help",
        "qemu-system-x86_64 -machine help",
        "qemu-system-x86_64 -S -display none -nodefaults",
        "qemu-system-x86_64 -S -display none -nodefaults "
        "-netdev tap,id=n1,ifname=tap1,script=no,downscript=no -device e1000,netdev=n1",
        "qemu-system-x86_64 -name vm1 -daemonize -m 512 -display none -nodefaults "
        "-netdev tap,id=n0,ifname=tap5,script=/etc/qemu-ifup -device virtio-net-pci,netdev=n0",
        "qemu-system-x86_64 -m 16X", "qemu-system-x86_64 -smp cores=4,sockets=1,",
        "qemu-system-x86_64 -nic user,model=e1000 -display none -daemonize -name u1",
        "qemu-system-x86_64 -netdev user,id=u0 -device e1000,netdev=u0 -display none -daemonize",
        "qemu-system-x86_64 -hda sdb.img -display none -S -daemonize",
        "qemu-system-x86_64 -foo", "qemu-system-x86_64 -vnc :12 -S -daemonize",
    ],
    "qemu-img": [
        "qemu-img create -f qcow2 rhel7u4.img 20G", "qemu-img create sdb.img 1G",
        "qemu-img create -f raw new.img 10M", "qemu-img info sdb.img", "qemu-img --version",
        "qemu-img create x.img", "qemu-img create -f vmdk a.img 1G", "qemu-img info nosuch.img",
    ],
    "pseudofs": [
        "cat /sys/class/net/br0/address", "cat /sys/class/net/eth0/mtu", "ls /sys/class/net",
        "cat /sys/class/net/br0/bridge/stp_state", "echo 1 > /sys/class/net/br0/bridge/stp_state",
        "echo 1400 > /sys/class/net/eth0/mtu", "echo 1 > /proc/sys/net/ipv4/ip_forward",
        "cat /proc/sys/net/ipv4/ip_forward", "echo abc > /proc/sys/net/ipv4/ip_forward",
        "cat /proc/net/dev", "cat /proc/net/route", "ls -l /proc/1/fd", "cat /proc/1/status",
        "cat /proc/self/cmdline", "ls /sys/class/net/br0/brif", "cat /sys/class/net/tap0/tun_flags",
        "echo 0 > /sys/class/net/br0/bridge/ageing_time", "cat /sys/class/net/eth0/operstate",
        "echo 02:00:00:00:00:99 > /sys/class/net/eth0/address", "echo '0 2147483647' > "
        "/proc/sys/net/ipv4/ping_group_range", "cat /proc/sys/net/ipv4/conf/br0/forwarding",
        "cat /sys/class/net/br0/bridge/hello_time", "cat /etc/qemu-ifup",
        "cat /proc/net/nf_conntrack",
    ],
    "shell": [
        "echo hello", "echo -n x", "echo -e 'a\\tb'", "printf '%d\\n' 42",
        "printf '%s %x\\n' a 255",
        "printf '%5.2f' 3.14159", "printf", "seq 3", "seq 1 2 10", "seq -w 8 12", "seq 5 -1 1",
        "head -n 2 /etc/hosts", "tail -n 1 /etc/hosts", "head -c 5 /etc/hostname",
        "shift", "shift 2", "exit", "exit 3", "exit 256", "echo $((1 + 2 * 3))",
        "echo $((2 ** 10))", "echo $((7 / 0))", "echo $(( (1 << 62) * 4 ))",
        "awk 'BEGIN { print 1 + 1 }'", "awk '{ print $1 }' /etc/hosts", "grep root /etc/passwd",
        "grep -c x /etc/hosts", "sort -n /etc/hosts", "sort -r -k 2 /etc/hosts", "read x",
        "read -r a b", "export A=1", "export -p", "declare -i n=5", "let n=1+1", "set -- a b c",
        "test 1 -eq 1", "[ -e /etc/hosts ]", "true", "false", "cd /tmp", "pwd", "type ip",
        "which ip", "command -v brctl", "env", "printenv PATH", "wc -l /etc/hosts",
        "cut -d: -f1 /etc/passwd",
        "tr a-z A-Z", "uniq /etc/hosts", "basename /a/b/c", "dirname /a/b/c", "sleep 0.1",
        "ls /", "ls -la /root", "mkdir -p /tmp/x/y", "touch /tmp/f", "rm /nonexistent",
        "chmod 755 /tmp",
        "readlink -f /proc/self", "ln -s /tmp /root/t", "tee /tmp/out", "unset PATH", "local x=1",
        "return 1", "break", "continue", "eval echo hi", "exec true", "source /nonexistent",
        ". /etc/profile", "wait", "kill -l", "bash -c 'echo $0'", "sh -c 'exit 4'",
        "echo ${x:-default}", "echo ${#PATH}", "echo ~", "echo *", "x=5", "(( x = 2 ** 63 ))",
        "[[ a == a ]]", "echo $RANDOM", "echo $$", "echo $?", "printf '%c' hello", "seq 0",
        "readonly R=1", "typeset -x T=2", "cat /etc/hostname", "cat", "grep", "sort",
    ],
}

FAMILY_OF_WORD: dict[str, str] = {
    "ip": "ip", "bridge": "bridge", "brctl": "brctl", "sysctl": "sysctl", "ping": "ping",
    "ps": "ps", "kill": "kill", "tcpdump": "tcpdump", "iptables": "iptables",
    "conntrack": "conntrack", "dnsmasq": "dnsmasq", "dhclient": "dhclient", "udhcpc": "udhcpc",
    "socat": "socat", "qemu-system-x86_64": "qemu-system-x86_64", "qemu-img": "qemu-img",
}

# Words for generated lines: (tool, subcommands, argument words). Subcommands may be
# empty for tools that take options only. Argument words mix what the lab has (device
# names, addresses) with the tool's keywords.
_DEVS = ["lo", "eth0", "br0", "tap0", "veth0", "veth1", "nosuch", "br1", "tap1", "dev"]
_ADDRS = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1/24", "10.0.0.0/24", "0.0.0.0/0",
          "255.255.255.255", "192.168.50.0/24", "127.0.0.1", "default", "10.0.0.256", "1.2.3"]
_MACS = ["02:00:00:00:00:04", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00", "01:00:5e:00:00:01",
         "02:00:00:00:00", "zz:00:00:00:00:00", "02-00-00-00-00-04"]
_NUMS = ["0", "1", "2", "10", "64", "1500", "65535", "65536", "-1", "4294967295", "0x10",
         "010", "1e3", "1.5", "2147483648", "9223372036854775808"]

VOCAB: dict[str, tuple[str, list[str], list[str]]] = {
    "ip": ("ip", ["link", "addr", "address", "route", "neigh", "neighbour", "tuntap", "netns",
                  "link add", "link set", "link del", "link show", "addr add", "addr del",
                  "addr flush", "route add", "route del", "route get", "route replace",
                  "neigh add", "neigh del", "neigh replace", "tuntap add", "tuntap del",
                  "-j link", "-d link", "-s link", "-br addr", "-o addr", "-4 route",
                  "-j -d -s link show", "monitor", "rule", "maddr", "help"],
           _DEVS + _ADDRS + _MACS + _NUMS + [
               "dev", "name", "type", "bridge", "veth", "dummy", "peer", "up", "down",
               "master", "nomaster", "mtu", "address", "brd", "+", "label", "scope", "link",
               "host", "global", "via", "metric", "src", "proto", "kernel", "table", "main",
               "lladdr", "nud", "permanent", "stale", "reachable", "noarp", "mode", "tap",
               "tun", "multi_queue", "vnet_hdr", "user", "group", "valid_lft",
               "preferred_lft", "forever", "promisc", "on", "off", "arp", "txqueuelen",
               "stp_state", "forward_delay", "ageing_time", "priority", "cost", "show",
               "unreachable", "blackhole", "prohibit", "onlink", "help", "all", "flush",
               "alias", "netns", "vlan", "id", "state", "UP", "carrier", "qlen"]),
    "bridge": ("bridge", ["fdb", "fdb add", "fdb del", "fdb replace", "fdb append",
                          "fdb show", "fdb flush", "fdb get", "link", "link set", "link show",
                          "-j fdb", "-d link", "-s fdb", "vlan", "mdb", "monitor"],
               _DEVS + _MACS + _NUMS + [
                   "dev", "br", "master", "self", "static", "dynamic", "permanent", "local",
                   "vlan", "dst", "cost", "priority", "state", "learning", "flood",
                   "hairpin", "guard", "root_block", "on", "off", "port", "brport",
                   "mcast_flood", "bcast_flood", "neigh_suppress", "help"]),
    "brctl": ("brctl", ["addbr", "delbr", "addif", "delif", "show", "showmacs", "showstp",
                        "setageing", "setbridgeprio", "setfd", "sethello", "setmaxage",
                        "setpathcost", "setportprio", "stp", "hairpin", "setgcint", ""],
              _DEVS + _NUMS + ["on", "off", "yes", "no", "maybe", "0.5", "br%d"]),
    "sysctl": ("sysctl", ["", "-w", "-n", "-q -w", "-a", "-e", "-p", "-N", "-b"],
               ["net.ipv4.ip_forward", "net.ipv4.ip_forward=1", "net.ipv4.ip_forward=2",
                "net.ipv4.conf.all.forwarding=1", "net.ipv4.conf.br0.rp_filter=1",
                "net.ipv4.ip_default_ttl=", "net.ipv4.ip_default_ttl=256",
                "net.ipv4.ping_group_range=0 1", "net.ipv4.neigh.default.gc_thresh1=",
                "net/ipv4/ip_forward=1", "kernel.hostname=x", "nosuch=1", "net.ipv4", "=",
                "net.bridge.bridge-nf-call-iptables=0", "net.ipv4.ip_local_port_range=10 5",
                "net.ipv4.conf.eth0.arp_ignore=8", "net.netfilter.nf_conntrack_max=-1",
                *_NUMS]),
    "ping": ("ping", [""], _ADDRS + _NUMS + ["-c", "-i", "-s", "-W", "-w", "-t", "-I", "-M",
                                             "do", "want", "dont", "-f", "-q", "-n", "-b",
                                             "-p", "-D", "-R", "-l", "-4", "-6", "-A", "-O",
                                             "br0", "eth0", "h2", "localhost"]),
    "ps": ("ps", ["", "-ef", "aux", "-e", "-p", "-o", "-C", "-u", "--pid", "-q", "axjf"],
           _NUMS + ["pid", "ppid", "cmd", "comm", "args", "pid,cmd", "pid=", "bash", "root",
                    "--forest", "-f", "-l", "-H", "x", "a", "u", "--sort", "-pid", "%cpu"]),
    "kill": ("kill", [""], _NUMS + ["-l", "-L", "-s", "-0", "-9", "-TERM", "-HUP", "-STOP",
                                    "-CONT", "SIGKILL", "1", "1030", "%1", "-n", "-64", "-65",
                                    "--", "-INT", "99999"]),
    "tcpdump": ("tcpdump", [""], _DEVS + _NUMS + [
        "-i", "-c", "-n", "-nn", "-e", "-v", "-vv", "-w", "-r", "-D", "-p", "-s", "-q", "-t",
        "any", "icmp", "arp", "udp", "tcp", "port", "host", "and", "or", "not", "ether",
        "src", "dst", "/tmp/x.pcap", "(", ")", "udp port 67"]),
    "iptables": ("iptables", ["-A", "-I", "-D", "-R", "-C", "-S", "-L", "-F", "-X", "-Z",
                              "-N", "-E", "-P", "-t nat -A", "-t nat -L", "-t filter -S",
                              "-t raw -L", "--list", "--append", "-V"],
                 _ADDRS + _NUMS + ["INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING",
                                   "MYCHAIN", "-p", "tcp", "udp", "icmp", "all", "-s", "-d",
                                   "-i", "-o", "br0", "eth0", "lo+", "-j", "ACCEPT", "DROP",
                                   "REJECT", "MASQUERADE", "SNAT", "DNAT", "RETURN", "--dport",
                                   "--sport", "--to-destination", "--to-source",
                                   "--to-ports", "-m", "conntrack", "state", "--ctstate",
                                   "--state", "NEW,ESTABLISHED", "--syn", "!", "-n", "-v",
                                   "--line-numbers", "-x", "--reject-with", "tcp-reset",
                                   "icmp-host-prohibited", "1:65535", "80", "10.0.0.2:80"]),
    "conntrack": ("conntrack", ["-L", "-D", "-F", "-C", "-S", "-E", "-G", "-U", "-I", "-V",
                                "-h"],
                  _ADDRS + _NUMS + ["-p", "tcp", "udp", "icmp", "-s", "-d", "--sport",
                                    "--dport", "-o", "extended", "xml", "id", "-f", "ipv4",
                                    "--src-nat", "--dst-nat", "-m", "-t", "--state",
                                    "ESTABLISHED", "-c", "-z", "conntrack", "expect"]),
    "dnsmasq": ("dnsmasq", [""], [
        "--interface=br0", "-i", "br0", "--dhcp-range=10.0.0.50,10.0.0.99",
        "--dhcp-range=10.0.0.50,10.0.0.99,12h", "--dhcp-range=1,2", "-F", "--no-daemon",
        "-d", "-k", "--bind-interfaces", "-z", "--port=0", "--port=99999", "--test",
        "--conf-file=", "--dhcp-host=02:00:00:00:00:09,10.0.0.77", "--dhcp-option=3,10.0.0.1",
        "--dhcp-leasefile=/tmp/l", "--listen-address=10.0.0.1", "--except-interface=lo",
        "--log-dhcp", "-q", "--pid-file=", "--version", "--help", *_NUMS]),
    "dhclient": ("dhclient", [""], _DEVS + _NUMS + ["-1", "-v", "-d", "-r", "-x", "-nw", "-q",
                                                    "-timeout", "-pf", "-lf", "/tmp/l",
                                                    "--version", "-4", "-6", "-sf"]),
    "udhcpc": ("udhcpc", [""], _DEVS + _NUMS + ["-i", "-n", "-q", "-b", "-f", "-t", "-T",
                                                "-A", "-s", "-S", "-R", "-O", "-x",
                                                "hostname:h1", "--help", "-v"]),
    "socat": ("socat", [""], [
        "-", "UDP:10.0.0.2:7", "UDP4:10.0.0.2:7", "TCP:10.0.0.2:7", "TCP4:10.0.0.2:80",
        "TCP4-LISTEN:8080,fork", "UDP-LISTEN:9999", "PIPE", "STDIO", "-d", "-d -d", "-V",
        "-h", "-u", "-U", "-t", "1", "UDP:10.0.0.2:99999", "TCP:nohost:1", "EXEC:/bin/cat",
        "UDP4-DATAGRAM:10.0.0.255:9,broadcast", ",connect-timeout=1", "-T", "0.5", *_NUMS]),
    "qemu-system-x86_64": ("qemu-system-x86_64", [""], [
        "-name", "vm1", "one_socket", "-daemonize", "-hdb", "-hda", "sdb.img", "rhel7u4.img",
        "-enable-kvm", "-cpu", "host", "qemu64", "-smp", "cores=4,sockets=1,", "4", "-m",
        "16G", "512", "16X", "-drive", "file=rhel7u4.img", "file=sdb.img,format=raw", "-vnc",
        ":12", "none", "-netdev", "tap,id=ipvm1,ifname=tap0,script=/etc/qemu-ifup",
        "tap,id=n1,ifname=tap1,script=no,downscript=no", "user,id=u0", "bridge,id=b0,br=br0",
        "-device", "e1000,netdev=ipvm1,id=net0,mac=00:00:02:98:AC:61", "e1000,netdev=n1",
        "virtio-net-pci,netdev=u0", "-nic", "user", "tap,ifname=tap3", "-S", "-display",
        "-nodefaults", "-monitor", "stdio", "-serial", "-machine", "help", "-version",
        "-net", "nic", "-boot", "d", "-cdrom", "-kernel", "-append", "-mem-path", *_NUMS]),
    "qemu-img": ("qemu-img", ["create", "info", "check", "convert", "resize", "--help", ""],
                 ["-f", "qcow2", "raw", "vmdk", "x.img", "sdb.img", "rhel7u4.img", "1G", "20G",
                  "16X", "-o", "size=1G", "-b", "-F", *_NUMS]),
    "pseudofs": ("cat", ["", "-A"], [
        "/sys/class/net/br0/address", "/sys/class/net/eth0/mtu", "/sys/class/net",
        "/proc/sys/net/ipv4/ip_forward", "/proc/net/dev", "/proc/1/status", "/proc/1/fd",
        "/sys/class/net/br0/bridge/stp_state", "/sys/devices/virtual/net/br0/ifindex",
        "/proc/sys/net/ipv4/conf/all/forwarding", "/proc/self/stat", "/proc/net/route",
        "/sys/class/net/tap0/tun_flags", "/sys/class/net/br0/brif/eth0/port_no",
        "/proc/sys/net/ipv4/ping_group_range", "/sys/class/net/nosuch/mtu"]),
    "shell": ("echo", [""], ["$((", "))", "$((2**63))", "$((1/0))", "${x:?e}", "$#", "$@",
                             "-n", "-e", "\\c", "*", "?", "~", "$(echo", ")", "`true`", "${",
                             "}", "[", "]", "'", '"', "\\", "$'\\x41'", *_NUMS]),
}


@functools.cache
def harvested() -> tuple[str, ...]:
    """The harvested lines (``corpus_harvested.txt``), with their ``\\n`` unescaped."""
    lines = []
    for raw in HARVESTED_FILE.read_text().splitlines():
        out, i = [], 0
        while i < len(raw):
            if raw[i] == "\\" and i + 1 < len(raw):
                out.append("\n" if raw[i + 1] == "n" else raw[i + 1])
                i += 2
            else:
                out.append(raw[i])
                i += 1
        lines.append("".join(out))
    return tuple(lines)


def seed_lines() -> list[tuple[str, str]]:
    """Every (family, line) of :data:`SEEDS`."""
    return [(family, line) for family, lines in SEEDS.items() for line in lines]


@functools.cache
def all_lines() -> tuple[str, ...]:
    """The hand-written seeds, then the harvested lines not already among them."""
    seen: dict[str, None] = {}
    for _family, line in seed_lines():
        seen.setdefault(line, None)
    for line in harvested():
        seen.setdefault(line, None)
    return tuple(seen)


def family_of(line: str) -> str:
    """The family a line belongs to: its first word's tool, "pseudofs" for a line that
    reads or writes /sys or /proc, "shell" for the rest (builtins, coreutils, syntax)."""
    words = line.split()
    first = words[0].rsplit("/", 1)[-1] if words else ""
    if first in FAMILY_OF_WORD:
        return FAMILY_OF_WORD[first]
    if "/sys/" in line or "/proc/" in line:
        return "pseudofs"
    return "shell"
