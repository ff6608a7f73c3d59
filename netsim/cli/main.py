"""The ``netsim`` console command."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="netsim", description="Watch Linux VM networking work.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="a VM's frames through tap0, br0 and eth0, hop by hop")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from netsim.demo import run

        return run(seed=args.seed)
    return 2


if __name__ == "__main__":
    sys.exit(main())
