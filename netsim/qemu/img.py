"""``qemu-img create``: make the disk images a QEMU command line names.

netsim does not emulate disks: an image is a small file in the host's file system
that records its format and virtual size, enough for QEMU to open it (and to probe
its format: a qcow2 file starts with ``QFI\\xfb``; anything else is read as raw).
The messages are qemu-img 7.2's.
"""

from __future__ import annotations

from errno import EINVAL
from typing import TYPE_CHECKING

from netsim.qemu.cutils import qemu_strtosz

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.io import Io

FORMATS = {
    "raw": "fmt=raw size={size}",
    "qcow2": ("fmt=qcow2 cluster_size=65536 extended_l2=off compression_type=zlib "
              "size={size} lazy_refcounts=off refcount_bits=16"),
}
_INVALID_SIZE = ("qemu-img: Invalid image size specified. You may use k, M, G, T, P or E "
                 "suffixes for\nqemu-img: kilobytes, megabytes, gigabytes, terabytes, "
                 "petabytes and exabytes.\n")
_SIZE_RANGE = ("qemu-img: Invalid image size specified. Must be between 0 and "
               "9223372036854775807.\n")


def parse_size(text: str) -> int | None:
    """The size as ``cvtnum`` reads it (``qemu_strtosz``), or None if invalid."""
    size = qemu_strtosz(text)
    return size.value if size.err == 0 and size.value < 1 << 63 else None


def _size_or_error(text: str, io: Io) -> int | None:
    """qemu-img 7.2's ``cvtnum("image size", text)``: the size, or None after its error."""
    size = qemu_strtosz(text)
    if size.hex_suffix:
        io.error(f"qemu-img: warning: Using a multiplier suffix on hex numbers is "
                 f"deprecated: {text}\n")
    if size.err == EINVAL:
        io.error(_INVALID_SIZE)
        return None
    if size.err or size.value >= 1 << 63:
        io.error(_SIZE_RANGE)
        return None
    return size.value


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
    size = _size_or_error(rest[1], io) if len(rest) >= 2 else None
    if len(rest) >= 2 and size is None:
        return 1
    if fmt not in FORMATS:
        io.error(f"qemu-img: {path}: Unknown file format '{fmt}'\n")
        return 1
    if len(rest) < 2:
        io.error(f"qemu-img: {path}: Image creation needs a size parameter\n")
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
