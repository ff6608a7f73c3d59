"""The kernel's answers to `ip`: errors as rtnetlink reports them.

When the kernel refuses a request it returns an errno and, often, an *extended
ack* message. iproute2 prints ``Error: <message>.`` when there is a message and
``RTNETLINK answers: <strerror(errno)>`` when there is none, then exits with
status 2. :class:`NetlinkError` is that refusal; :func:`report` prints it the way
iproute2 does, and ``with talk():`` around a call into :mod:`netsim.netlink` turns
whatever the kernel answers into what `ip` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from netsim.cli.ip.args import IpExit
from netsim.cli.ip.render import Printer
from netsim.stack.extack import NetlinkError, NotSimulated, error_text, strerror  # noqa: F401


def report(err: NetlinkError, status: int = 2) -> IpExit:
    """rtnl_talk() failed: the message, and the exit status 2 most callers end with."""
    return IpExit(status, error_text(err))


@contextmanager
def talk() -> Iterator[None]:
    """rtnl_talk(): send the request (the body of the ``with``) and print a refusal as
    iproute2 does; a request netsim does not model says so."""
    try:
        yield
    except NetlinkError as err:
        raise report(err) from None
    except NotSimulated as err:
        raise not_modelled(err.what, err.hint) from None


def not_modelled(what: str, hint: str = "") -> IpExit:
    """A valid request for something netsim does not simulate: said plainly, status 2."""
    return IpExit(2, f"netsim: {what} is not simulated{'; ' + hint if hint else ''}\n")


def flush_rounds(p: Printer, stats: bool, collect: Callable[[], Sequence],
                 delete: Callable[[Sequence], None], what: str) -> int:
    """The flush loop of `ip addr|route|neigh flush`: dump what the filter selects, delete
    it, and again until a dump finds nothing; with -s each round is counted aloud."""
    rounds = 0
    while True:
        doomed = collect()
        if not doomed:
            if stats:
                p.fp("Nothing to flush.\n" if rounds == 0 else
                     f"*** Flush is complete after {rounds} round{'s' if rounds > 1 else ''} ***\n")
            return 0
        rounds += 1
        delete(doomed)
        if stats:
            p.fp(f"\n*** Round {rounds}, deleting {len(doomed)} {what} ***\n")
