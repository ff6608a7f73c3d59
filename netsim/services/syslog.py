"""Log lines as daemons leave them in /var/log/syslog (or dnsmasq's --log-facility file).

The traditional syslog format: ``Jan  1 09:50:03 gw dnsmasq-dhcp[1032]: DHCPACK(...)``
-- month, day padded to two columns, wall-clock time, host name, tag and PID. A file
given to dnsmasq with ``--log-facility=FILE`` has the same lines without the host name
(as the real dnsmasq writes them).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from netsim.user.process import wall_clock

if TYPE_CHECKING:
    from netsim.host import Host

SYSLOG = "/var/log/syslog"


def stamp(sim_seconds: float) -> str:
    """``"Jan  1 09:50:03"`` for a simulated time (UTC, as the simulated hosts keep it)."""
    t = time.gmtime(wall_clock(sim_seconds))
    return time.strftime("%b ", t) + f"{t.tm_mday:2d} " + time.strftime("%H:%M:%S", t)


def log(host: Host, tag: str, pid: int, text: str, path: str = SYSLOG,
        with_host: bool = True) -> None:
    """Append one line; a file that cannot be written loses the line, as syslog would."""
    who = f"{host.name} " if with_host else ""
    line = f"{stamp(host.lab.now)} {who}{tag}[{pid}]: {text}\n"
    fs = host.fs
    try:
        parent = path.rsplit("/", 1)[0] or "/"
        fs.mkdir(parent, parents=True)
        fs.write(path, line, append=True)
    except OSError:
        pass
