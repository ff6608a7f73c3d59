"""``/proc/net``: the namespace's network tables, computed when read.

``/proc/net/dev`` is the interface counters table (dev_seq_show()); other parts of
netsim may add files to :attr:`ProcNet.files`.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import TYPE_CHECKING

from netsim.pseudofs.numbers import oserror

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace


_PROC_NET_DEV_HEAD = (
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|"
    "bytes    packets errs drop fifo colls carrier compressed\n")


def proc_net_dev(ns: NetNamespace) -> str:
    """``/proc/net/dev``: dev_seq_printf_stats() for every device, by ifindex."""
    lines = [_PROC_NET_DEV_HEAD]
    for dev in ns.in_order():
        s = dev.stats.get
        fields = (s("rx_bytes", 0), s("rx_packets", 0), s("rx_errors", 0),
                  s("rx_dropped", 0) + s("rx_missed_errors", 0), s("rx_fifo_errors", 0),
                  s("rx_length_errors", 0) + s("rx_over_errors", 0) + s("rx_crc_errors", 0)
                  + s("rx_frame_errors", 0), s("rx_compressed", 0), s("multicast", 0),
                  s("tx_bytes", 0), s("tx_packets", 0), s("tx_errors", 0), s("tx_dropped", 0),
                  s("tx_fifo_errors", 0), s("collisions", 0),
                  s("tx_carrier_errors", 0) + s("tx_aborted_errors", 0)
                  + s("tx_window_errors", 0) + s("tx_heartbeat_errors", 0),
                  s("tx_compressed", 0))
        widths = (7, 7, 4, 4, 4, 5, 10, 9, 8, 7, 4, 4, 4, 5, 7, 10)
        numbers = "".join(f" {v:{w}d}" for v, w in zip(fields, widths, strict=True))
        lines.append(f"{dev.name:>6}:{numbers}\n")
    return "".join(lines)


class ProcNet:
    """``/proc/net``: the files other parts of netsim may add to :attr:`files`."""

    def __init__(self, ns: NetNamespace) -> None:
        self.files: dict[str, Callable[[], str]] = {"dev": lambda: proc_net_dev(ns)}

    def exists(self, rel: str) -> bool:
        return rel == "" or rel in self.files

    def is_dir(self, rel: str) -> bool:
        return rel == ""

    def listdir(self, rel: str) -> list[str]:
        if rel:
            raise oserror(errno.ENOTDIR if rel in self.files else errno.ENOENT)
        return sorted(self.files)

    def read(self, rel: str) -> str:
        if rel not in self.files:
            raise oserror(errno.ENOENT)
        return self.files[rel]()

    def mode(self, rel: str) -> int:
        return 0o555 if rel == "" else 0o444
