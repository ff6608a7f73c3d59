"""The builder: QEMU 7.2's two passes over argv, then its start-up phases in fixed order.

Each group of phases lives in its own module, as a mixin of :class:`Builder`:

* :mod:`~netsim.qemu.builder_options` -- passes 1 and 2 (options known, arguments read);
* :mod:`~netsim.qemu.builder_machine` -- machine type, -daemonize, disks, -machine
  properties, -smp, -m, the accelerator, the CPU model;
* :mod:`~netsim.qemu.builder_net` -- -netdev, -nic, -net; the "no peer" warnings;
* :mod:`~netsim.qemu.builder_devices` -- the board, -device, the display.

:meth:`Builder.run` is the one place that says in which order QEMU does all this.
"""

from __future__ import annotations

from netsim.qemu.builder_base import Opt
from netsim.qemu.builder_devices import DevicePhases
from netsim.qemu.builder_machine import MachinePhases
from netsim.qemu.builder_net import NetPhases
from netsim.qemu.builder_options import OptionPasses
from netsim.qemu.opts import qemu_opts
from netsim.qemu.plan import Phase, QemuConfig, Running


class Builder(OptionPasses, MachinePhases, NetPhases, DevicePhases):
    """Turns argv into a :class:`~netsim.qemu.plan.QemuConfig`, phase by phase."""

    def run(self) -> QemuConfig:
        """Both passes, then every phase in QEMU's order; the plan ends with
        :class:`~netsim.qemu.plan.Running`.

        Pass 1 raises :class:`~netsim.qemu.errors.QemuError` itself (nothing has
        happened yet); an error met later ends the plan with a ``Fail`` step and
        raises :class:`~netsim.qemu.builder_base.Stop` (see :func:`netsim.qemu.cmdline.parse`).
        """
        self.first_pass()
        self.second_pass()
        if (not self.cfg.nodefaults and not self.net_opts and not self.nic_opts
                and not self.legacy_net):
            # no network option at all: QEMU adds "-net nic -net user"
            self.legacy_net = [(Opt("net", "nic", "-net nic"), qemu_opts("nic", "type")),
                               (Opt("net", "user", "-net user"), qemu_opts("user", "type"))]
        self.phase_machine_type()
        self.phase_daemonize()
        self.phase_drives()
        self.phase_machine_props()
        self.phase_smp()
        self.phase_memory()
        self.phase_accel()
        self.phase_net()
        self.phase_cpu()
        self.phase_board()
        self.phase_devices()
        self.phase_net_check()
        self.phase_display()
        self.steps.append(Running(Phase.DISPLAY))
        return self.cfg
