"""The player shown on the site: a NAT lab's ping, saved as its own offline page.

``netsim.viz.player(lab)`` makes one self-contained HTML document (inline SVG, CSS and
JavaScript). The site keeps it as a file of its own, ``player/nat-ping.html``, which
docs/player.md embeds in an iframe and links to for a full window.
"""

from __future__ import annotations

PAGE = "player/nat-ping.html"


def files() -> list[tuple[str, str]]:
    import netsim.viz as viz
    from netsim import scenarios

    lab = scenarios.nat(vms=1)
    lab.vm("vm1").guest.sh("ping -c 1 198.51.100.10")
    return [(PAGE, viz.player(lab).html)]
