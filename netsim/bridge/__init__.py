"""The Linux bridge, one module per file of the kernel's net/bridge.

=============  =====================  ==============================================
module         kernel file            what it does
=============  =====================  ==============================================
``device``     br_device.c            the bridge as a net device (br0): xmit, up/down
``port``       br_if.c                adding and removing ports (br_add_if/br_del_if)
``input``      br_input.c             a frame arrives on a port (br_handle_frame)
``forward``    br_forward.c           forward, flood, deliver to ports
``fdb``        br_fdb.c               the forwarding database: learn, find, age
``stp_if``     br_stp_if.c            bridge id from the lowest port MAC, port states
``notify``     br_notify.c (br.c)     reacting to ports going up/down/changing MAC
=============  =====================  ==============================================

Scope: STP is not implemented (``stp_state`` is 0 and ports go straight to
forwarding; beware of loops), nor VLAN filtering, multicast snooping (multicast is
flooded) or netfilter hooks.
"""

from netsim.bridge.device import Bridge
from netsim.bridge.fdb import Fdb, FdbEntry
from netsim.bridge.port import BridgePort

__all__ = ["Bridge", "BridgePort", "Fdb", "FdbEntry"]
