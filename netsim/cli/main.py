"""The ``netsim`` console command."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="netsim", description="Watch Linux VM networking work.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="a VM's frames through tap0, br0 and eth0, hop by hop")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo.add_argument("--out", metavar="DIR",
                      help="also write DIR/demo.pcap (tap0 and eth0) and DIR/demo.gif")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from netsim.demo import run

        return run(seed=args.seed, out_dir=args.out)
    return 2


def entry() -> int:
    """The console script: like ``main``, but quiet when the reader goes away (``| head``)."""
    try:
        status = main()
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at /dev/null so that is silent too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # what a shell reports for a program killed by SIGPIPE


if __name__ == "__main__":
    sys.exit(entry())
