"""The kernel's control plane, as rtnetlink offers it to the tools.

``ip``, ``bridge``, ``brctl``, qemu's tap set-up and writes to ``/sys`` do not change
the model themselves: they ask the kernel here, which checks the request in the
kernel's order, applies it or refuses it with an errno and an extended-ack message
(:class:`~netsim.stack.extack.NetlinkError`), as net/core/rtnetlink.c,
net/ipv4/devinet.c and fib_frontend.c do.

===============  ===============================================================
module           what it is
===============  ===============================================================
``link``         RTM_NEWLINK/DELLINK: create (bridge, veth pair), change, delete
                 a device, and the steps they are made of (mtu, flags, master...)
``addr``         RTM_NEWADDR/DELADDR: IPv4 addresses (devinet), their order
``route``        RTM_NEWROUTE/DELROUTE/GETROUTE: fib_create_info(), the tables
``neigh``        RTM_NEWNEIGH/DELNEIGH/GETNEIGH: the ARP cache
``devinfo``      what the kernel reports about a device (flags, kind, limits)
``message``      the NLM_F_* flags of a request (add, replace, change)
(errors)         NetlinkError and NotSimulated live in netsim.stack.extack
===============  ===============================================================

Requests name devices by ifindex, as netlink does (a tool finds the index by name
first, and prints its own "Cannot find device"); ifindexes themselves are handed out
by the namespace (:meth:`~netsim.stack.namespace.NetNamespace.alloc_ifindex`).
This package imports only the model below it (stack, devices, bridge, packets),
never a tool.
"""

from netsim.stack.extack import NetlinkError, NotSimulated, error_text, strerror

__all__ = ["NetlinkError", "NotSimulated", "error_text", "strerror"]
