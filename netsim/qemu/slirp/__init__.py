"""QEMU's user-mode network (``-netdev user``): libslirp inside the qemu process.

With ``-netdev tap`` the guest's frames leave qemu through /dev/net/tun and meet the
host's kernel as frames on a tap device. With ``-netdev user`` they never reach the
host's kernel as frames at all: libslirp, a small TCP/IP stack *inside the qemu
process*, reads them and plays a whole network for the guest. What leaves the host
is whatever the qemu process sends through its own ordinary sockets::

    guest eth0 --frame--> qemu: slirp_input
                             |-- ARP for 10.0.2.2/.3 ------------> arp_input answers
                             |-- DHCP to port 67 ----------------> bootp_input answers
                             |-- ICMP echo to 10.0.2.2 ----------> icmp_reflect answers
                             |-- ICMP echo to X ---> icmp_send --> the host's ICMP socket
                             |-- UDP to X:p -------> sosendto ---> the host's UDP socket
                             '-- TCP SYN to X:p ---> tcp_fconnect -> connect() on the host
    the host's socket has data --> sorecvfrom / icmp_receive --> udp_output / icmp_reflect
                             --> if_encap: a frame from 52:55:0a:00:02:02 --> guest eth0

So the guest lives alone on a private 10.0.2.0/24 (one per ``-netdev user``: two VMs
each have their own 10.0.2.15 and cannot see each other), the outside sees only the
host's address and the qemu process's ports, and the host's routing and firewall
apply to those sockets as to any program's. In the trace these steps are layer
``"slirp"`` on the host's ``"slirp"`` place: no tap, no bridge.

Modules, in the order a frame meets them (named after libslirp 4.7's files):
:mod:`.net` (the virtual network's addresses), :mod:`.stack` (``slirp_input``,
``ip_input``, ``ip_output``, ``if_encap``), :mod:`.arp`, :mod:`.bootp`, :mod:`.icmp`,
:mod:`.udp` (with ``hostfwd=udp``), :mod:`.tcp` (with ``hostfwd=tcp``), :mod:`.sockets`
(the host sockets slirp holds).

Left out: slirp's BSD TCP timers (netsim's TCP timers stand in), TFTP, SMB,
``guestfwd=``, IPv6, fragments, ICMP errors arriving on the host's UDP sockets
(``IP_RECVERR``).
"""

from netsim.qemu.slirp.net import VirtualNetwork, slirp_mac
from netsim.qemu.slirp.stack import Slirp

__all__ = ["Slirp", "VirtualNetwork", "slirp_mac"]
