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
``stp``        br_stp.c               spanning tree: root, designated ports, states,
                                      topology change, BPDUs received
``stp_if``     br_stp_if.c            bridge id from the lowest port MAC; ports and
                                      bridge join and leave STP; priority, cost
``stp_bpdu``   br_stp_bpdu.c          BPDUs as bytes, in and out of a port
``stp_timer``  br_stp_timer.c         hello, hold, message age, forward delay, TCN and
                                      topology change timers, in jiffies
``storm``      (netsim's own)         a loop without STP stops with an explanation
``options``    br_stp.c, br_stp_if.c  one checked setter per bridge and port setting
``netlink``    br_netlink.c           ``ip ... type bridge``, ``bridge link set``
``fdb_ops``    rtnetlink.c, br_fdb.c  ``bridge fdb add/del/show``: the FDB by netlink
=============  =====================  ==============================================

Every way in -- sysfs (bridge-utils writes it), rtnetlink (``ip``, ``bridge``) -- sets
the bridge's and ports' settings through the same setters of ``options``, as the
kernel's br_sysfs_br.c, br_netlink.c and br_ioctl.c all call br_set_*(); refusals are
:class:`netsim.stack.extack.NetlinkError` (errno and extack), which each tool words
its own way.

The kernel's STP runs once ``stp_state`` is 1 (``ip link set br0 type bridge stp_state
1``, ``brctl stp br0 on``); it is off by default, as in Linux, and a loop of bridges
without it storms until :mod:`netsim.bridge.storm` stops the run.

Scope: no user-space STP (RSTP daemons), VLAN filtering, multicast snooping (multicast
is flooded) or netfilter hooks.
"""

from netsim.bridge.device import Bridge
from netsim.bridge.fdb import Fdb, FdbEntry
from netsim.bridge.port import BridgePort

__all__ = ["Bridge", "BridgePort", "Fdb", "FdbEntry"]
