"""What the phases of :class:`~netsim.qemu.builder.Builder` share: its state, and how it
warns and stops.

The builder is split by QEMU's phases into mixins (``builder_options``,
``builder_machine``, ``builder_net``, ``builder_devices``); each subclasses
:class:`BuilderBase` so that the state below is declared once, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsim.qemu import errors as E
from netsim.qemu.config import Nic
from netsim.qemu.errors import QemuError
from netsim.qemu.opts import Opts
from netsim.qemu.plan import Fail, Phase, QemuConfig, Warn


class Stop(Exception):  # noqa: N818 -- control flow inside the builder
    """The builder met the first error: the phases stop here (see :meth:`BuilderBase.stop`)."""

    def __init__(self, error: QemuError) -> None:
        self.error = error


@dataclass
class Opt:
    """One option of argv: its name without dashes, its argument, and QEMU's error
    location for it (the option as typed: ``-netdev tap,id=n1``)."""

    name: str
    arg: str | None
    loc: str


class BuilderBase:
    """The builder's state: the options of each kind as pass 2 sorted them, and what
    the phases have built so far in :attr:`cfg` (its ``startup`` list is :attr:`steps`)."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.cfg = QemuConfig(argv=list(argv))
        self.steps = self.cfg.startup
        self.opts: list[Opt] = []
        # pass 2 sorts the options out; the phases read them in QEMU's order
        self.machine_kv: dict[str, str] = {}
        self.smp_kv: dict[str, str] = {}
        self.mem_opts: list[tuple[str, str]] = []
        self.mem_loc: str | None = None
        self.ids: dict[str, set[str]] = {g: set() for g in
                                         ("netdev", "device", "drive", "net", "nic")}
        self.accel_opt: Opt | None = None
        self.cpu_opt: Opt | None = None
        self.net_opts: list[tuple[Opt, Opts]] = []
        self.nic_opts: list[tuple[Opt, Opts]] = []
        self.legacy_net: list[tuple[Opt, Opts]] = []
        self.device_opts: list[tuple[Opt, Opts]] = []
        self.drive_opts: list[tuple[Opt, Opts, dict]] = []
        self.vnc_opts: list[tuple[Opt, Opts]] = []
        self.stdio_users: list[Opt] = []
        # what the network and board phases keep track of
        self.net_counter = 0
        self.board_nics: list[Nic] = []      # NICs of -nic and -net: the board creates them
        self.mac_used: dict[int, int] = {}   # last MAC byte -> NICs using 52:54:00:12:34:xx
        self.pci_slots: dict[tuple[int, int], Nic] = {}

    def warn(self, phase: Phase, text: str) -> None:
        """QEMU prints ``text`` (already formatted) and goes on."""
        self.steps.append(Warn(phase, text=text))

    def stop(self, phase: Phase, message: str, location: str | None = None,
             hint: str | None = None, status: int = 1, text: str | None = None) -> None:
        """QEMU stops here: the plan ends with a :class:`~netsim.qemu.plan.Fail` step
        and :class:`Stop` leaves the phases. ``text`` replaces the formatted line for
        outputs that are not one ``error_report`` line; status 134 is an abort."""
        msg = text if text is not None else E.error_text(message, location, hint)
        err = QemuError(msg, status, signal=6 if status == 134 else None)
        self.steps.append(Fail(phase, location, error=err))
        raise Stop(err)
