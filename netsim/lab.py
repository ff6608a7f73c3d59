"""``netsim.Lab``: a world with the simulated tools on every host's PATH.

:class:`~netsim.world.World` holds the hosts, cables and VMs on a clock and knows no
tools; a ``Lab`` is that world with :mod:`netsim.cli`'s programs (``ip``, ``brctl``,
``ping``, ``qemu-system-x86_64``...) in its command table and the analysis tools
(:meth:`why`) at hand. This is where the layers meet, so nothing below imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.cli.commands import REGISTRY
from netsim.world import World

if TYPE_CHECKING:
    from netsim.analysis.why import Why


class Lab(World):
    """A simulated world. ``Lab(seed=0)``; then :meth:`host`, :meth:`link`, :meth:`run`."""

    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed, commands=REGISTRY)

    def why(self, source: str, target: str) -> Why:
        """Why can (or can't) ``source`` reach ``target``? One real ping, explained from
        the trace: where the last packet died, the rule, route or setting that decided,
        the kernel function, and a fix to try. See :mod:`netsim.analysis.why`."""
        from netsim.analysis.why import why  # netfilter's tables and more: on first use

        return why(self, source, target)
