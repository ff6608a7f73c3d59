"""The command registry: which program answers to which name in a host's shell.

Programs are imported on first use, so ``import netsim`` stays light and a host
that never runs ``brctl`` never loads it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from netsim.cli.io import CommandFn

if TYPE_CHECKING:
    from netsim.host import Host

# name -> "module:function"; each function is (host, argv, io) -> exit status
PROGRAMS: dict[str, str] = {
    "ip": "netsim.cli.ip:main",
    "bridge": "netsim.cli.bridge_cmd:main",
    "brctl": "netsim.cli.brctl:main",
    "sysctl": "netsim.cli.sysctl:main",
    "ping": "netsim.cli.ping:main",
}


class Registry(Mapping[str, CommandFn]):
    """A read-only mapping that imports each program the first time it is looked up."""

    def __init__(self, programs: dict[str, str]) -> None:
        self._programs = programs
        self._loaded: dict[str, CommandFn] = {}

    def __getitem__(self, name: str) -> CommandFn:
        if name not in self._loaded:
            module_name, _, func = self._programs[name].partition(":")
            self._loaded[name] = getattr(importlib.import_module(module_name), func)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._programs)

    def __len__(self) -> int:
        return len(self._programs)


REGISTRY = Registry(PROGRAMS)


def make_shell(host: Host):
    """The shell a host's ``sh()`` runs in: every registered program, the host's files."""
    from netsim.cli.shell import Shell

    return Shell(host, REGISTRY, host.fs)
