"""The ``netsim`` console command."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from netsim import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="netsim", description="Watch Linux VM networking work.")
    parser.add_argument("--version", action="version", version=f"netsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="a VM's frames through tap0, br0 and eth0, hop by hop")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo.add_argument("--out", metavar="DIR",
                      help="also write DIR/demo.pcap (tap0 and eth0), DIR/demo.gif and "
                           "DIR/demo.html (the ping in an interactive player)")
    modes = sub.add_parser("modes", help="the VM networking modes: who reaches whom, and why not")
    modes.add_argument("mode", nargs="?", choices=["host-only", "nat", "nat-user", "bridged"],
                       help="one mode (default: all four)")
    modes.add_argument("--history", action="store_true",
                       help="also print the commands that built each lab")
    # netsim lab list | start | check (netsim/app/lab_cmd.py)
    from netsim.app import lab_cmd

    lab_cmd.add_parser(sub)
    from netsim.app import shell_cmd  # `netsim shell`: its arguments

    shell_cmd.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command is None:  # `netsim` alone: say what it can do
        parser.print_help()
        return 0
    if args.command == "demo":
        from netsim.app.demo import run

        problem = args.out and unwritable_dir(args.out)
        if problem:
            print(f"netsim demo: --out {args.out}: {problem}", file=sys.stderr)
            return 2
        try:
            return run(seed=args.seed, out_dir=args.out)
        except OSError as error:  # the disk filled up, or permissions changed meanwhile
            print(f"netsim demo: {error.filename or args.out}: {error.strerror}", file=sys.stderr)
            return 1
    if args.command == "modes":
        return show_modes(args.mode, args.history)
    if args.command == "lab":
        return lab_cmd.run(args)
    if args.command == "shell":
        return shell_cmd.main(args)
    return 2


def unwritable_dir(path: str) -> str | None:
    """Why files cannot be written into directory ``path`` (made if missing), or None."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        return "exists and is not a directory"
    probe = target
    while not probe.exists():  # the nearest existing parent decides
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a directory"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{os.strerror(errno.EACCES)} (cannot write in {probe})"
    return None


# One question per mode whose answer teaches the mode: (source, target).
_WHY_EXAMPLES = {"host-only": ("vm1", "lan1"), "nat": ("lan1", "vm1"),
                 "nat-user": ("vm1", "vm2"), "bridged": ("web", "vm1")}


def show_modes(only: str | None, history: bool, out=print) -> int:
    """``netsim modes``: each mode's meaning, reachability table and one ``why``."""
    from netsim import scenarios
    from netsim.scenarios.modes import NetworkMode

    builders = {NetworkMode.HOST_ONLY: scenarios.host_only, NetworkMode.NAT: scenarios.nat,
                NetworkMode.NAT_USER: scenarios.nat_user, NetworkMode.BRIDGED: scenarios.bridged}
    for mode, build in builders.items():
        if only is not None and mode.label != only:
            continue
        lab = build(vms=2)
        out(f"== {mode.label}: {mode.meaning}")
        if history:
            out(str(lab.history().on("host")))
        out(str(scenarios.reachability(lab)))
        source, target = _WHY_EXAMPLES[mode.label]
        out(f"\n$ lab.why({source!r}, {target!r})\n{lab.why(source, target)}\n")
    return 0


def entry() -> int:
    """The console script: like ``main``, but quiet when the reader goes away (``| head``)."""
    try:
        status = main()
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        return 130  # what a shell reports for a program stopped by Ctrl-C
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at /dev/null so that is silent too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # what a shell reports for a program killed by SIGPIPE


if __name__ == "__main__":
    sys.exit(entry())
