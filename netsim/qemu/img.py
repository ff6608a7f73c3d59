"""``qemu-img create``: make the disk images a QEMU command line names.

netsim does not emulate disks: an image is a small file in the host's file system
that records its format and virtual size, enough for QEMU to open it (and to probe
its format: a qcow2 file starts with ``QFI\\xfb``; anything else is read as raw).
The messages are qemu-img 7.2's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.io import Io

FORMATS = {
    "raw": "fmt=raw size={size}",
    "qcow2": ("fmt=qcow2 cluster_size=65536 extended_l2=off compression_type=zlib "
              "size={size} lazy_refcounts=off refcount_bits=16"),
}
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}


def parse_size(text: str) -> int | None:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([bkmgtpBKMGTP]?)", text)
    if m is None:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def main(host: Host, argv: list[str], io: Io) -> int:
    args = argv[1:]
    if not args:
        io.error("qemu-img: Not enough arguments\nTry 'qemu-img --help' for more information\n")
        return 1
    if args[0] != "create":
        io.error(f"netsim: qemu-img {args[0]} is not simulated (only `qemu-img create`)\n")
        return 2
    fmt = "raw"
    rest: list[str] = []
    words = iter(args[1:])
    for word in words:
        if word == "-f":
            fmt = next(words, "")
        elif word.startswith("-f") and len(word) > 2:
            fmt = word[2:]
        else:
            rest.append(word)
    if not rest:
        io.error("qemu-img: Expecting image file name\nTry 'qemu-img --help' for more "
                 "information\n")
        return 1
    path = rest[0]
    if fmt not in FORMATS:
        io.error(f"qemu-img: {path}: Unknown file format '{fmt}'\n")
        return 1
    if len(rest) < 2:
        io.error(f"qemu-img: {path}: Image creation needs a size parameter\n")
        return 1
    size = parse_size(rest[1])
    if size is None:
        io.error("qemu-img: Invalid image size specified. You may use k, M, G, T, P or E "
                 "suffixes for\nqemu-img: kilobytes, megabytes, gigabytes, terabytes, "
                 "petabytes and exabytes.\n")
        return 1
    io.write(f"Formatting '{path}', " + FORMATS[fmt].format(size=size) + "\n")
    fs = host.fs
    content = ("QFI\xfb" if fmt == "qcow2" else "") + f"netsim disk image {fmt} {size}\n"
    try:
        fs.write(fs.resolve(path, io.cwd), content)
    except OSError as err:
        io.error(f"qemu-img: {path}: Could not create '{path}': {err.strerror}\n")
        return 1
    return 0
