"""The command reference, generated from the tables the code dispatches with.

* which programs a host runs: ``netsim.cli.commands.PROGRAMS`` (each program's module
  docstring says what it is and what it answers);
* the shell's builtins and coreutils: ``netsim.shell.plumbing._BUILTINS`` and
  ``_UTILITIES`` (filled as the shell's modules load);
* per program, the tables its parser matches words against: ``ip``'s objects
  (``_object_table``), ``bridge``'s objects, ``brctl``'s commands, ``iptables``'
  commands, targets and protocols, ``conntrack``'s commands, ``tcpdump``'s and
  ``sysctl``'s options.

A name added to one of these tables shows up here at the next build; one taken out
disappears. What a tool prints for what it does not model is part of it: ``ip``'s
objects without a handler say so plainly ("not simulated") instead of pretending.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def _summary(module_name: str) -> str:
    doc = importlib.import_module(module_name).__doc__ or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def _code(words) -> str:
    return ", ".join(f"`{w}`" for w in words)


def _ip() -> list[str]:
    from netsim.cli import ip

    table = ip._object_table()
    answered = [name for name, fn in table if fn is not None]
    not_modelled = [name for name, fn in table if fn is None]
    return [
        "Global options: `-j -d -s -br -o -4 -p -V` (and `-family`, `-loops`), matched by "
        "prefix as iproute2 does.",
        "",
        f"Objects answered: {_code(answered)}. An object is matched by prefix in ip.c's "
        "order, so `ip a` is `address` and `ip n` is `neighbor`.",
        "",
        f"Objects iproute2 has that netsim does not model (they say so): "
        f"{_code(not_modelled)}.",
    ]


def _bridge() -> list[str]:
    from netsim.cli import bridge

    return [f"Objects: {_code(o for o in bridge._OBJECTS if o != 'help')} "
            "(`vlan` shows only: with VLAN filtering off no port has a VLAN table).", "",
            "```text", bridge.USAGE.rstrip(), "```"]


def _brctl() -> list[str]:
    from netsim.cli import brctl

    lines = []
    for name, _nargs, text in brctl.COMMANDS:
        args, _, meaning = text.partition("\t")
        lines.append(f"* `brctl {name} {args.strip()}` -- {meaning.strip()}")
    return lines


def _iptables() -> list[str]:
    parse = importlib.import_module("netsim.cli.iptables.parse")

    commands: dict[str, list[str]] = {}
    for word, op in parse.COMMANDS.items():
        commands.setdefault(op, []).append(word)
    return [
        "Commands: " + ", ".join("/".join(f"`{w}`" for w in words)
                                 for words in commands.values()) + ".",
        "",
        f"Targets: {_code(parse.TARGETS)}; `--reject-with` takes "
        f"{_code(parse.REJECT_TYPES)}.",
        "",
        f"Protocols (`-p`): {_code(parse.PROTOCOLS)}.",
    ]


def _conntrack() -> list[str]:
    from netsim.cli import conntrack

    return [f"Commands: {_code('-' + c for c in conntrack._COMMANDS)}; protocols: "
            f"{_code(conntrack.PROTOS)}."]


def _tcpdump() -> list[str]:
    from netsim.cli import tcpdump

    modelled = sorted(tcpdump._MODELLED)
    rest = sorted(set(tcpdump._FLAGS + tcpdump._WITH_ARG) - set(modelled))
    return [f"Options with an effect: {_code('-' + c for c in modelled)}; the other "
            f"options tcpdump 4.99.3 takes are accepted and change nothing: "
            f"{_code('-' + c for c in rest)}."]


def _sysctl() -> list[str]:
    from netsim.cli import sysctl

    short = sorted({c for c in sysctl.SHORT_OPTS if c.isalpha()})
    return [f"Options: {_code('-' + c for c in short)}; long: "
            f"{_code('--' + name for name in sysctl.LONG_OPTS)}."]


DETAILS: dict[str, Callable[[], list[str]]] = {
    "ip": _ip, "bridge": _bridge, "brctl": _brctl, "iptables": _iptables,
    "conntrack": _conntrack, "tcpdump": _tcpdump, "sysctl": _sysctl,
}
"""Programs whose parser tables are shown; the others by their module's docstring."""


def programs() -> dict[str, str]:
    from netsim.cli.commands import PROGRAMS

    return dict(PROGRAMS)


def shell_tables() -> tuple[list[str], list[str]]:
    """(builtins, coreutils) as the shell registers them."""
    importlib.import_module("netsim.shell.interpreter")
    importlib.import_module("netsim.shell.builtins")
    from netsim.shell.plumbing import _BUILTINS, _UTILITIES

    return sorted(_BUILTINS), sorted(_UTILITIES)


def page() -> str:
    progs = programs()
    lines = [
        "# Commands",
        "",
        "What a simulated host answers when you type at it (`host.sh(...)`, `netsim shell`). "
        "Every message and exit status of these programs is the real tool's, checked "
        "against Linux where a [recording](../fidelity.md) covers it; what a tool does "
        "not model, it says so instead of pretending. Generated from the tables the "
        "code dispatches with.",
        "",
        "## Programs",
        "",
        "| program | what it is | module |",
        "| --- | --- | --- |",
    ]
    for name, target in progs.items():
        module = target.split(":")[0]
        summary = _summary(module).replace("|", "\\|")
        lines.append(f"| [`{name}`](#{_anchor(name)}) | {summary} | `{module}` |")
    lines.append("")
    for name, target in progs.items():
        module = target.split(":")[0]
        lines += [f"### `{name}` {{#{_anchor(name)}}}", "", _summary(module), ""]
        if name in DETAILS:
            lines += DETAILS[name]() + [""]
    builtins, utilities = shell_tables()
    lines += [
        "## The shell",
        "",
        "Each host has a bash: pipes, `&&`/`||`, redirections, variables, `$(...)`, "
        "functions, `if`/`for`/`while`/`case`, arithmetic, `set -e/-u/-x`. It does not "
        "glob file names (`*` stays a word).",
        "",
        f"**Builtins:** {_code(builtins)}.",
        "",
        f"**Coreutils** (netsim's own, GNU's words and exit codes): {_code(utilities)}.",
        "",
        "Files: `/sys/class/net/...` and `/proc/sys/...` are the kernel's (read and "
        "written through the model), `/proc/PID/fd` shows a process's descriptors, "
        "`/etc` holds Debian's files (`/etc/hosts`, `/etc/qemu-ifup`...).",
        "",
    ]
    return "\n".join(lines)


def _anchor(name: str) -> str:
    return "cmd-" + name.replace(".", "-").replace("_", "-")
