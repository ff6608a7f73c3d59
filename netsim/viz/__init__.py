"""Pictures of a lab: pure functions over its state (a graph) or its trace (a ladder).

Nothing here imports matplotlib at import time: ``import netsim.viz`` stays cheap and
works on machines without a display stack. Each drawing function imports matplotlib
when it is called, takes ``ax=None`` (a new figure) and returns what it drew, the way
networkx's ``draw_networkx_*`` functions do. Every picture has a text twin
(``*_text``) for terminals and tests.
"""

from netsim.viz._mpl import MatplotlibMissing, show
from netsim.viz.animate import animate, animate_text
from netsim.viz.fdb import fdb, fdb_events, fdb_rows, fdb_text
from netsim.viz.graph import DEVICE_KINDS, device_kind, to_networkx
from netsim.viz.inside import host_inside, host_inside_layout, host_inside_text
from netsim.viz.ladder import hops, ladder, ladder_text
from netsim.viz.player import Player, player
from netsim.viz.stp import animate_stp, stp, stp_layout, stp_steps, stp_text
from netsim.viz.topology import topology, topology_layout, topology_text

__all__ = ["DEVICE_KINDS", "MatplotlibMissing", "show",
           "device_kind", "fdb", "fdb_events", "fdb_rows", "fdb_text",
           "hops", "ladder", "ladder_text", "to_networkx",
           "animate", "animate_text", "host_inside", "host_inside_layout", "host_inside_text",
           "animate_stp", "stp", "stp_layout", "stp_steps", "stp_text", "Player", "player",
           "topology", "topology_layout", "topology_text"]
