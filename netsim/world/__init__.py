"""The world: hosts, cables, VMs and the history of what was typed, on one clock."""

from netsim.world.history import History, HistoryEntry
from netsim.world.world import World

__all__ = ["History", "HistoryEntry", "World"]
