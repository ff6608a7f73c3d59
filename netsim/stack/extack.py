"""A request the kernel refused: an errno, and often an extended-ack message (extack) --
or one it would have carried out but netsim does not model (:class:`NotSimulated`).

Kernel code at every layer refuses requests this way (a bridge setter, a route
create), so the types live with the core stack; :mod:`netsim.netlink` re-exports them.

iproute2 prints ``Error: <message>.`` when the kernel sent a message and
``RTNETLINK answers: <strerror(errno)>`` when it did not, then exits with status 2
(lib/libnetlink.c); bridge-utils and sysfs writers see the bare errno.
"""

from __future__ import annotations

import errno
import os

# The strerror() texts of glibc, the ones Linux users see.
_STRERROR = {
    errno.EPERM: "Operation not permitted",
    errno.ENOENT: "No such file or directory",
    errno.ESRCH: "No such process",
    errno.EBUSY: "Device or resource busy",
    errno.EEXIST: "File exists",
    errno.ENODEV: "No such device",
    errno.EINVAL: "Invalid argument",
    errno.ERANGE: "Numerical result out of range",
    errno.ELOOP: "Too many levels of symbolic links",
    errno.EOPNOTSUPP: "Operation not supported",
    errno.EADDRNOTAVAIL: "Cannot assign requested address",
    errno.ENETDOWN: "Network is down",
    errno.ENETUNREACH: "Network is unreachable",
    errno.EHOSTUNREACH: "No route to host",
    errno.EAFNOSUPPORT: "Address family not supported by protocol",
    errno.ENOBUFS: "No buffer space available",
    errno.EXFULL: "Exchange full",
}


def strerror(code: int) -> str:
    return _STRERROR.get(code) or os.strerror(code)


class NetlinkError(Exception):
    """A request the (simulated) kernel refused: errno and optional extack message."""

    def __init__(self, code: int, extack: str | None = None) -> None:
        super().__init__(extack or strerror(code))
        self.code = code
        self.extack = extack

    def text(self) -> str:
        """What iproute2's rtnl_talk() prints for it."""
        return error_text(self)


class NotSimulated(Exception):
    """A valid request for something netsim does not model (the kernel would have done it).

    The tools say so plainly instead of pretending (``netsim: WHAT is not simulated``).
    """

    def __init__(self, what: str, hint: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.hint = hint


def error_text(err: NetlinkError) -> str:
    """What iproute2 prints for a refused request (lib/libnetlink.c)."""
    if err.extack:
        dot = "" if err.extack.endswith(".") else "."
        return f"Error: {err.extack}{dot}\n"
    return f"RTNETLINK answers: {strerror(err.code)}\n"
