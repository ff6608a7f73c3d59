"""Ready-made labs: the VM networking modes of seed claim S1, and the questions
students ask of them.

>>> from netsim import scenarios
>>> lab = scenarios.nat(vms=1)
>>> print(scenarios.reachability(lab))      # who can ping whom
>>> print(lab.why("lan1", "vm1"))           # and why not
>>> print(lab.history())                    # the commands that built it
"""

from netsim.analysis.reachability import Reachability, reachability
from netsim.scenarios.builders import bridged, host_only, nat, nat_user
from netsim.scenarios.modes import NetworkMode

__all__ = ["NetworkMode", "Reachability", "bridged", "host_only", "nat", "nat_user",
           "reachability"]
