"""netsim: watch Linux VM networking work.

A frame's path from a process inside a VM to the wire, as netsim models it::

    guest process ──> qemu process ──write(fd)──> /dev/net/tun
                                    │ tun_chr_write_iter      (devices/tun.py, char half)
                                    ▼
                                  tap0 ──netif_rx──> rx_handler = br_handle_frame
                                  (devices/tun.py, net half)    (bridge/input.py)
                                                               │ learn, then
                        flood / forward / pass_frame_up ◀──────┘ (bridge/forward.py)
                                    │
                                  eth0 ──ndo_start_xmit──> cable ──> the LAN
                                  (devices/nic.py)         (wire/cable.py)

Every step is a record in ``lab.trace`` (engine/trace.py) with the reason and the
Linux function that takes it.

Quick start::

    import netsim
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link("h1:eth0", "h2:eth0")
    h1.sh("ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up")
    h2.sh("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    print(h1.sh("ping -c 3 10.0.0.2").stdout)
"""

from netsim.engine.trace import Trace, TraceRecord
from netsim.host import Host
from netsim.lab import Lab
from netsim.packets import MalformedPacket
from netsim.user.io import CommandResult

__all__ = ["CommandResult", "Host", "Lab", "MalformedPacket", "Trace", "TraceRecord"]
__version__ = "0.1.0"
