"""What the kernel tells the tools about a device: now :mod:`netsim.netlink.devinfo`.

The name stays for the tools that still import it from here (`bridge`'s bridge_cmd.py).
"""

from netsim.netlink.devinfo import *  # noqa: F403
