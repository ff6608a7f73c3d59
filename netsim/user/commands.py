"""The command table: which program answers to which name on a host's PATH.

A table maps names to ``"module:function"`` strings and imports each program the
first time it is looked up, so ``import netsim`` stays light and a host that never
runs ``brctl`` never loads it. The table itself knows no program: the tools fill one
in (:data:`netsim.cli.commands.PROGRAMS`) and the world hands it to every host.

A program that keeps running after the prompt comes back (QEMU, dnsmasq) can also
start in the background (``cmd &``, ``host.spawn``): its module defines, beside
``main``, ``background(host, argv, proc)``, which takes the already-forked ``proc``
over and returns while the program runs on (see :mod:`netsim.shell.background`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from netsim.user.io import CommandFn

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.process import Process

BackgroundFn = Callable[["Host", list[str], "Process"], None]


def _load(spec: str, name: str = "") -> Callable:
    module_name, _, func = spec.partition(":")
    return getattr(importlib.import_module(module_name), func or name)


class CommandTable(Mapping[str, CommandFn]):
    """A read-only mapping ``name -> (host, argv, io) -> status``, imported lazily.

    ``programs`` maps names to ``"module:function"``; the dict is kept, not copied, so
    adding a name to it later puts a new program on every host's PATH.
    """

    def __init__(self, programs: dict[str, str]) -> None:
        self._programs = programs
        self._loaded: dict[str, CommandFn] = {}

    def __getitem__(self, name: str) -> CommandFn:
        if name not in self._loaded:
            self._loaded[name] = _load(self._programs[name])
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._programs)

    def __len__(self) -> int:
        return len(self._programs)

    def background(self, name: str) -> BackgroundFn | None:
        """How program ``name`` starts in the background: the ``background`` function
        of its module, or None if it has none (it then runs to completion)."""
        spec = self._programs.get(name)
        if spec is None:
            return None
        module = importlib.import_module(spec.partition(":")[0])
        entry = getattr(module, "background", None)
        return entry if callable(entry) else None
