"""The Linux bridge, one module per file of the kernel's net/bridge.

=============  =====================  ==============================================
module         kernel file            what it does
=============  =====================  ==============================================
``device``     br_device.c, br.c      the bridge as a net device (br0): xmit, up/down,
                                      and its notifier (ports going up/down...)
``port``       br_if.c                adding and removing ports (br_add_if/br_del_if)
``input``      br_input.c             a frame arrives on a port (br_handle_frame)
``forward``    br_forward.c           forward, flood, deliver to ports
``fdb``        br_fdb.c               the forwarding database: learn, find, age
``stp_if``     br_stp_if.c            bridge id from the lowest port MAC, port states
``options``    br_stp.c, br_stp_if.c  one checked setter per bridge and port setting
``netlink``    br_netlink.c           ``ip ... type bridge``, ``bridge link set``
``fdb_ops``    rtnetlink.c, br_fdb.c  ``bridge fdb add/del/show``: the FDB by netlink
=============  =====================  ==============================================

Every way in -- sysfs (bridge-utils writes it), rtnetlink (``ip``, ``bridge``) -- sets
the bridge's and ports' settings through the same setters of ``options``, as the
kernel's br_sysfs_br.c, br_netlink.c and br_ioctl.c all call br_set_*(); refusals are
:class:`netsim.stack.extack.NetlinkError` (errno and extack), which each tool words
its own way.

Scope: STP is not implemented (``stp_state`` is kept and shown, but ports go straight to
forwarding; beware of loops), nor VLAN filtering, multicast snooping (multicast is
flooded) or netfilter hooks.
"""

from netsim.bridge.device import Bridge
from netsim.bridge.fdb import Fdb, FdbEntry
from netsim.bridge.port import BridgePort

__all__ = ["Bridge", "BridgePort", "Fdb", "FdbEntry"]
