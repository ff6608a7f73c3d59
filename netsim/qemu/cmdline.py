"""Read a ``qemu-system-x86_64`` command line the way QEMU 7.2 does.

:func:`parse` turns the arguments into a :class:`QemuConfig` -- memory, CPUs, disks,
network backends, NICs with the MAC addresses QEMU gives them -- or raises
:class:`~netsim.qemu.errors.QemuError` with QEMU's exact message and exit status.
It touches nothing: no file is opened, no tap created. What QEMU *does* while starting
is listed, in QEMU's order, in :attr:`QemuConfig.startup` -- open this image, open
/dev/net/tun, run the ifup script, bind the VNC port -- so that the simulator can do
each step, and when one fails print QEMU's message (:mod:`netsim.qemu.errors`) and
stop exactly where QEMU stops.

How QEMU 7.2 reads its command line (checked against the real binary, see
``netsim/qemu/README.md``):

1. **First pass** over all of argv: every ``-name`` must be a known option
   (``-foo: invalid option``) and an option that takes an argument must have one
   (``-m: requires an argument``). ``--foo`` is ``-foo``; an argument that does not
   start with ``-`` is a disk image (like ``-hda``).
2. **Second pass**, option by option in argv order: options for other targets are
   refused, and the option's *syntax* is checked -- ``-m`` sizes, ``-smp`` keys,
   ``id=`` names and duplicate ids, ``-vnc``/``-name`` parameters.
3. Then QEMU builds the machine in fixed phases, whatever the order on the command
   line: machine type; ``-daemonize``; disks; machine properties, ``-smp``, ``-m``;
   the accelerator (KVM); network backends (``-netdev``, then ``-nic``, then ``-net``);
   the CPU model; the board (NICs of ``-nic``/``-net``, IDE disks, vCPUs); ``-device``;
   warnings about unconnected NICs; the display (GTK window or VNC server).

The first error met in that order is the one QEMU prints, and everything before it
has already happened: a ``-device e1000,netdev=typo`` error comes *after* the tap was
created and ``/etc/qemu-ifup`` ran (and QEMU runs the downscript on its way out).
That is why errors found after the first side effect are not raised by :func:`parse`
but put in the plan as a :class:`Fail` step.

Where each part lives:

* :mod:`netsim.qemu.opts` -- the syntax of option arguments (QemuOpts, keyval, sizes);
* :mod:`netsim.qemu.tables` -- what the real binary knows (options, devices, CPUs);
* :mod:`netsim.qemu.config` -- what the command line asks for (disks, NICs, backends);
* :mod:`netsim.qemu.plan` -- :class:`QemuConfig` and the start-up steps;
* :mod:`netsim.qemu.builder` and its ``builder_*`` modules -- the passes and phases;
* :mod:`netsim.qemu.info_network` -- the monitor's ``info network``;
* :mod:`netsim.qemu.fds` -- the fd numbers the running qemu process holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from netsim.qemu.builder import Builder
from netsim.qemu.builder_base import Stop
from netsim.qemu.errors import PROG
from netsim.qemu.plan import (
    AttachImage,
    BridgeHelper,
    HostFwdListen,
    InitGtk,
    OpenImage,
    OpenTap,
    OpenVhost,
    QemuConfig,
    RunScript,
    Step,
    UseFd,
    Warn,
)


def parse(argv: Sequence[str]) -> QemuConfig:
    """Parse ``qemu-system-x86_64`` arguments (with or without the program name).

    Raises :class:`QemuError` for what QEMU would refuse before touching anything,
    :class:`QemuExit` for ``-version`` (stdout, status 0), :class:`NotModelled` for
    help texts and forms netsim does not handle. Otherwise the config's
    :attr:`~QemuConfig.startup` lists the steps to carry out; it may end with a
    :class:`Fail` step that comes after side effects (a tap, a script).
    """
    args = list(argv)
    if args and args[0].rsplit("/", 1)[-1] == PROG:
        args = args[1:]
    builder = Builder(args)
    try:
        return builder.run()
    except Stop as stop:
        steps = builder.cfg.startup
        if any(_is_effect(s) for s in steps):
            return builder.cfg      # the plan ends with the Fail step, after the effects
        # An error met before any side effect is certain: raise it now, after the
        # warnings QEMU printed on its way there.
        warnings = tuple(s.text for s in steps if isinstance(s, Warn))
        raise stop.error.with_warnings(warnings) from None


def _is_effect(step: Step) -> bool:
    """Steps whose outcome depends on the host or changes it. parse() raises an error
    only if none comes before it; it takes KVM, RAM and the fork of -daemonize as
    given (a netsim host has /dev/kvm), so those do not count."""
    return isinstance(step, (OpenImage, AttachImage, OpenTap, RunScript, OpenVhost, UseFd,
                             BridgeHelper, HostFwdListen, InitGtk))
