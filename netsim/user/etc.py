"""Files a Debian host ships under /etc: distribution files, not kernel code.

:func:`netsim.pseudofs.tree.make_fs` writes them into every host's file system.
Debian 12 (bookworm), package qemu-system-common 1:7.2+dfsg-7+deb12u18, mode 0755:
``/etc/qemu-ifup`` is the script QEMU runs with the tap's name as $1
(``-netdev tap,script=...``), ``/etc/qemu-ifdown`` the one it runs when the tap goes.
``/etc/hosts`` is what Debian's installer writes: ``localhost`` and the machine's own
name (on 127.0.1.1, which ``lo`` answers for the whole 127.0.0.0/8).
"""

from __future__ import annotations

QEMU_IFUP = """#! /bin/sh
# Script to bring a network (tap) device for qemu up.
# The idea is to add the tap device to the same bridge
# as we have default routing to.

# in order to be able to find brctl
PATH=$PATH:/sbin:/usr/sbin
ip=$(command -v ip)

if [ -n "$ip" ]; then
   ip link set "$1" up
else
   brctl=$(command -v brctl)
   if [ -z "$ip$brctl" ]; then
     echo "W: $0: not doing any bridge processing: neither ip nor brctl utility not found" >&2
     exit 0
   fi
   ifconfig "$1" 0.0.0.0 up
fi

switch=$(ip route ls | \\
    awk '/^default / {
          for(i=0;i<NF;i++) { if ($i == "dev") { print $(i+1); next; } }
         }'
        )

# only add the interface to default-route bridge if we
# have such interface (with default route) and if that
# interface is actually a bridge.
# It is possible to have several default routes too
for br in $switch; do
    if [ -d /sys/class/net/$br/bridge/. ]; then
        if [ -n "$ip" ]; then
          exec ip link set "$1" master "$br"
        else
          exec brctl addif $br "$1"
        fi
    fi
done

echo "W: $0: no bridge for guest interface found" >&2
"""

QEMU_IFDOWN = """#! /bin/sh
# Script to shut down a network (tap) device for qemu.
# Initially this script is empty, but you can configure,
# for example, accounting info here.

:
"""


def etc_hosts(hostname: str) -> str:
    """Debian's /etc/hosts for a machine called ``hostname``."""
    return (f"127.0.0.1\tlocalhost\n127.0.1.1\t{hostname}\n\n"
            "# The following lines are desirable for IPv6 capable hosts\n"
            "::1     localhost ip6-localhost ip6-loopback\n"
            "ff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n")
