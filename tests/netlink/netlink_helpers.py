"""What the netlink tests share: a fresh namespace, and a refusal caught as (errno, extack).

Every expectation in tests/netlink was checked on Linux 6.18 in a scratch namespace, with
iproute2 6.1 where it can send the request and with hand-built rtnetlink messages where
it cannot (an ifindex that does not exist: iproute2 looks names up first).
"""

from __future__ import annotations

import netsim
from netsim.netlink import NetlinkError


def fresh_ns():
    """A host's namespace with nothing but lo (ifindex 1)."""
    return netsim.Lab(seed=0).host("h1").ns


def refusal(call, *args, **kwargs) -> tuple[int, str | None]:
    """(errno, extack) of a request the kernel refuses."""
    try:
        call(*args, **kwargs)
    except NetlinkError as err:
        return err.code, err.extack
    raise AssertionError("the request was not refused")
