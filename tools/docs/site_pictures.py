"""The concept pages' pictures, drawn by netsim's own viz at build time (SVG).

* ``concepts/data-path.svg``: the inside of the bridged mode's host after a VM's ping
  (``viz.host_inside``): the guest's process, QEMU's fd on /dev/net/tun, the tap, the
  bridge, the NIC and the wire.
* ``concepts/modes-nat.svg``: the NAT mode's whole lab (``viz.topology``).

Drawn from the model, they change when the model does. matplotlib writes text as
paths, so the files need no font.
"""

from __future__ import annotations

import io


def _svg(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


def files() -> list[tuple[str, bytes]]:
    import matplotlib

    matplotlib.use("Agg")
    import netsim.viz as viz
    from netsim import scenarios

    bridged = scenarios.bridged(vms=1)
    bridged.vm("vm1").guest.sh("ping -c 1 192.168.1.20")
    inside = viz.host_inside(bridged.host("host"))
    nat = scenarios.nat(vms=1)
    topo = viz.topology(nat)
    return [("concepts/data-path.svg", _svg(inside["ax"].figure)),
            ("concepts/modes-nat.svg", _svg(topo["ax"].figure))]


MODES_MARK = "<!-- netsim:modes -->"


def modes_section() -> str:
    """Each mode: its meaning (``NetworkMode.meaning``), how to build it, and who
    reaches whom -- real pings between every pair, run at build time."""
    from netsim import scenarios
    from netsim.scenarios import NetworkMode

    builders = {NetworkMode.HOST_ONLY: ("host_only", 2), NetworkMode.NAT: ("nat", 2),
                NetworkMode.NAT_USER: ("nat_user", 2), NetworkMode.BRIDGED: ("bridged", 1)}
    parts = []
    for mode, (name, vms) in builders.items():
        lab = getattr(scenarios, name)(vms=vms)
        table = str(scenarios.reachability(lab))
        parts += [f"### {mode.label}", "", mode.meaning[0].upper() + mode.meaning[1:] + ".",
                  "", f"`scenarios.{name}(vms={vms})`, or `netsim shell {mode.label}`:", "",
                  "```text", table, "```", ""]
    return "\n".join(parts)
