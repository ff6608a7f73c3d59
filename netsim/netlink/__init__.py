"""The kernel's control plane, as rtnetlink offers it to the tools.

``ip``, ``bridge``, ``brctl`` and writes to ``/sys`` do not change the model
themselves: they ask the kernel here, which checks the request, applies it or refuses
it with an errno and an extended-ack message (:class:`~netsim.stack.extack.
NetlinkError`), as net/core/rtnetlink.c, net/ipv4/devinet.c and fib_frontend.c do.
"""

from netsim.stack.extack import NetlinkError, error_text, strerror

__all__ = ["NetlinkError", "error_text", "strerror"]
