"""The global options of `ip` (``-j -d -s -br -o -4 -p``...) and what a sub-command needs.

:class:`Ctx` is everything one `ip` run carries around: the host it runs on (its
kernel is ``host.ns``), the options iproute2 keeps in global variables
(``json``, ``show_details``, ``show_stats``, ``brief``, ``oneline``,
``preferred_family``...) and the printer that collects standard output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.cli.ip.render import Printer

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.stack.namespace import NetNamespace


class Ctx:
    """``Ctx(host)``; the options start as iproute2's defaults (the class's values)."""

    json: bool = False
    pretty: bool = False
    details: int = 0
    stats: int = 0
    brief: bool = False
    oneline: bool = False
    family: str = ""          # "" (any), "inet", "inet6", "link", "bridge", "mpls"
    force: bool = False

    def __init__(self, host: Host, cred: tuple[int, int, tuple[int, ...]] = (0, 0, ())) -> None:
        self.host = host
        self.printer = Printer()
        self.stderr: list[str] = []
        self.cred = cred  # uid, gid, supplementary groups of the `ip` process

    @property
    def ns(self) -> NetNamespace:
        return self.host.ns

    def new_printer(self) -> Printer:
        """A fresh printer with this run's -j/-p/-o settings."""
        self.printer = Printer(self.json, self.pretty, self.oneline)
        return self.printer

    def warn(self, text: str) -> None:
        """Something printed on standard error without ending the program."""
        self.stderr.append(text)

    @property
    def family_word(self) -> str:
        """How iproute2's address errors name the expected family."""
        return self.family if self.family in ("inet", "inet6") else "any valid"
