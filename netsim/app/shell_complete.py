"""Tab completion for ``netsim shell``: what bash-completion offers on a Debian host.

:func:`complete` takes the line up to the cursor and gives the words that can stand
where the cursor's word is: a command name first (the host's command table, the
shell's builtins and coreutils, the session's ``ssh``, ``lab``, ``help``), then the
command's own words -- ``ip``'s objects and verbs (``ip li`` -> ``link``, ``ip link set
dev ta`` -> ``tap0``), ``bridge``'s and ``brctl``'s subcommands, device, bridge and
port names where they go, machines after ``ssh``, ``sysctl`` keys, process ids after
``kill``, and file names from the host's own file system anywhere else (a directory
ends in ``/``). It reads the machine's state, never changes it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.host import Host

# Words after which a new command starts, and command prefixes that run the next word.
_SEPARATORS = re.compile(r"(\|\||&&|[;|&(){}\n]|`|\$\()")
_KEYWORDS = {"if", "then", "else", "elif", "do", "while", "until", "!", "time", "{"}
_PREFIXES = {"sudo", "command", "exec", "nohup", "time", "builtin", "watch", "env"}
_REDIRECTS = {">", ">>", "<", "2>", "2>>", "&>", "&>>", "<>"}

# ip.c's objects as students type them, and the prefixes ip matches them by.
_IP_OBJECTS = ["addr", "help", "link", "neigh", "netns", "route", "tuntap"]
_IP_PREFIX_ORDER = [("address", "addr"), ("route", "route"), ("neighbor", "neigh"),
                    ("neighbour", "neigh"), ("link", "link"), ("tuntap", "tuntap"),
                    ("tap", "tuntap"), ("netns", "netns"), ("help", "help")]
_IP_VERBS = {
    "link": ["add", "delete", "set", "show", "help"],
    "addr": ["add", "del", "flush", "show", "help"],
    "route": ["add", "append", "change", "del", "flush", "get", "replace", "show", "help"],
    "neigh": ["add", "change", "del", "flush", "replace", "show", "help"],
    "tuntap": ["add", "del", "list", "show", "help"],
    "netns": ["add", "delete", "exec", "list"],
}
_LINK_SET = ["up", "down", "master", "nomaster", "address", "mtu", "name", "promisc",
             "arp", "multicast", "allmulticast", "txqueuelen", "type", "alias"]
_IP_ARGS = {
    ("link", "add"): ["name", "type", "link", "address", "mtu", "txqueuelen", "master"],
    ("addr", "add"): ["dev", "label", "broadcast", "scope", "valid_lft", "preferred_lft"],
    ("addr", "del"): ["dev", "label"],
    ("route", "add"): ["via", "dev", "src", "metric", "table", "proto", "scope", "default"],
    ("route", "get"): ["from", "iif", "oif", "dev"],
    ("neigh", "add"): ["lladdr", "dev", "nud"],
    ("tuntap", "add"): ["dev", "mode", "name", "user", "group", "one_queue", "pi",
                        "vnet_hdr", "multi_queue"],
}
for _verb in ("append", "change", "del", "replace"):
    _IP_ARGS[("route", _verb)] = _IP_ARGS[("route", "add")]
for _verb in ("change", "del", "replace"):
    _IP_ARGS[("neigh", _verb)] = _IP_ARGS[("neigh", "add")]
_IP_ARGS[("tuntap", "del")] = ["dev", "mode", "name"]
# The value a keyword takes, when it is one of a few words.
_VALUES = {"type": ["bridge", "veth"], "mode": ["tap", "tun"],
           "nud": ["permanent", "noarp", "reachable", "stale"],
           "promisc": ["on", "off"], "arp": ["on", "off"], "multicast": ["on", "off"],
           "allmulticast": ["on", "off"], "scope": ["global", "link", "host"],
           "state": ["disabled", "listening", "learning", "forwarding", "blocking"]}

_BRIDGE_OBJECTS = ["fdb", "help", "link", "mdb", "monitor", "vlan"]
_BRIDGE_VERBS = {"fdb": ["add", "append", "del", "flush", "replace", "show"],
                 "link": ["set", "show"], "vlan": ["add", "del", "show"], "mdb": ["show"]}
_BRIDGE_ARGS = {"fdb": ["dev", "br", "master", "self", "static", "dynamic", "permanent",
                        "vlan"],
                "link": ["dev", "cost", "priority", "state", "hairpin", "learning", "flood",
                         "guard"],
                "vlan": ["dev", "vid", "pvid", "untagged", "master", "self"]}

_BRCTL_ON_OFF = {("stp", 2), ("hairpin", 3)}

_SYSCTL_OPTIONS = ["-a", "-e", "-n", "-N", "-p", "-q", "-w", "--all", "--load", "--values",
                   "--write"]

_QEMU_OPTIONS = ["-name", "-netdev", "-device", "-daemonize", "-m", "-smp", "-cpu",
                 "-enable-kvm", "-drive", "-hda", "-hdb", "-nographic", "-display",
                 "-nodefaults", "-vnc", "-nic", "-net", "-pidfile", "-help", "-version"]


class Context:
    """What completion may read: the machine typed at, and the session's names."""

    def __init__(self, host: Host, commands: Callable[[], Iterable[str]],
                 machines: Callable[[], Iterable[str]]) -> None:
        self.host = host
        self._commands = commands
        self._machines = machines

    def commands(self) -> list[str]:
        return sorted(set(self._commands()))

    def machines(self) -> list[str]:
        return sorted(set(self._machines()))

    def devices(self) -> list[str]:
        return [dev.name for dev in self.host.ns.in_order()]

    def bridges(self) -> list[str]:
        return [dev.name for dev in self.host.ns.in_order() if dev.kind == "bridge"]

    def ports(self, bridge: str) -> list[str]:
        dev = self.host.ns.get(bridge)
        return [port.dev.name for port in getattr(dev, "ports", [])]

    def pids(self) -> list[str]:
        return [str(proc.pid) for proc in self.host.processes.running()]


def complete(ctx: Context, before: str, word: str) -> list[str]:
    """The words that may replace ``word``, which ends ``before`` (the line up to the
    cursor); sorted, starting with ``word``."""
    words = _current_command(before[: len(before) - len(word)])
    options = _candidates(ctx, words, word)
    return sorted({w for w in options if w.startswith(word)})


def _current_command(text: str) -> list[str]:
    """The words of the command the cursor is in, before the cursor's word."""
    segment = _SEPARATORS.split(text)[-1]
    try:
        words = shlex.split(segment)
    except ValueError:  # an open quote: split plainly
        words = segment.split()
    while words and (words[0] in _KEYWORDS or words[0] in _PREFIXES
                     or re.fullmatch(r"[A-Za-z_]\w*=.*", words[0])):
        words = words[1:]
    return words


def _candidates(ctx: Context, words: list[str], word: str) -> list[str]:
    if words and words[-1] in _REDIRECTS:
        return _paths(ctx, word)
    if not words:
        return _paths(ctx, word) if "/" in word else ctx.commands()
    name = words[0].rsplit("/", 1)[-1]
    args = words[1:]
    special = _PROGRAMS.get(name)
    if special is not None:
        found = special(ctx, args, word)
        if found is not None:
            return found
    return _paths(ctx, word, dirs_only=name == "cd")


# ------------------------------------------------------------------ ip
def _ip(ctx: Context, args: list[str], word: str) -> list[str] | None:
    while args and args[0].startswith("-"):  # ip -br -4 link ...
        args = args[1:]
    if not args:
        return _IP_OBJECTS
    obj = _ip_object(args[0])
    if obj is None:
        return []
    verbs = _IP_VERBS.get(obj, [])
    rest = args[1:]
    if not rest:
        return verbs
    verb = next((v for v in verbs if v.startswith(rest[0])), rest[0])
    rest = rest[1:]
    prev = rest[-1] if rest else ""
    value = _value_of(ctx, prev)
    if value is not None:
        return value
    if obj == "link":
        return _ip_link(ctx, verb, rest)
    if verb in ("show", "list", "flush") or (obj == "addr" and verb == "save"):
        return ctx.devices() + ["dev", "up", "master", "type", "scope", "to", "label"]
    return [w for w in _IP_ARGS.get((obj, verb), ["dev"]) if w not in rest]


def _ip_object(word: str) -> str | None:
    for name, obj in _IP_PREFIX_ORDER:
        if name.startswith(word):
            return obj
    return None


def _ip_link(ctx: Context, verb: str, rest: list[str]) -> list[str]:
    if verb in ("set", "delete", "show", "del"):
        named = [w for w in rest if w != "dev"]
        if not named:  # the device comes first: `ip link set tap0 up`
            extra = ["dev"] if "dev" not in rest else []
            return ctx.devices() + extra
        if verb == "set":
            return [w for w in _LINK_SET if w not in rest]
        return ["type", "master", "up"] if verb == "show" else []
    if verb == "add":
        keywords = [w for w in _IP_ARGS[("link", "add")] if w not in rest]
        if "veth" in rest and "peer" not in rest:
            keywords.append("peer")
        return keywords
    return []


def _value_of(ctx: Context, keyword: str) -> list[str] | None:
    """What may follow ``keyword`` when it takes a name or one of a few words."""
    if keyword in ("dev", "link", "iif", "oif", "br") and keyword:
        return ctx.bridges() if keyword == "br" else ctx.devices()
    if keyword == "master":
        return ctx.bridges()
    if keyword in _VALUES:
        return _VALUES[keyword]
    if keyword in ("via", "address", "mtu", "name", "lladdr", "src", "metric", "table",
                   "label", "alias", "txqueuelen", "to", "from", "vid", "cost", "priority",
                   "broadcast", "user", "group", "peer"):
        return []  # a value only the student knows
    return None


# ------------------------------------------------------------------ bridge, brctl
def _bridge(ctx: Context, args: list[str], word: str) -> list[str] | None:
    while args and args[0].startswith("-"):
        args = args[1:]
    if not args:
        return _BRIDGE_OBJECTS
    obj = next((o for o in _BRIDGE_OBJECTS if o.startswith(args[0])), args[0])
    rest = args[1:]
    if not rest:
        return _BRIDGE_VERBS.get(obj, [])
    prev = rest[-1] if len(rest) > 1 else ""
    value = _value_of(ctx, prev)
    if value is not None:
        return value
    return [w for w in _BRIDGE_ARGS.get(obj, ["dev"]) if w not in rest]


def _brctl(ctx: Context, args: list[str], word: str) -> list[str] | None:
    from netsim.cli.brctl import COMMANDS

    if not args:
        return [name for name, _n, _text in COMMANDS]
    command, position = args[0], len(args)  # the word after the command is number 1
    if command == "addbr" or command not in {name for name, _n, _t in COMMANDS}:
        return []
    if position == 1:
        return ctx.bridges()
    if (command, position) in _BRCTL_ON_OFF:
        return ["on", "off"]
    if position == 2 and command == "addif":
        return [d for d in ctx.devices() if d not in ctx.bridges() and d != "lo"]
    if position == 2 and command in ("delif", "hairpin", "setpathcost", "setportprio"):
        return ctx.ports(args[1])
    return []


# ------------------------------------------------------------------ other programs
def _ssh(ctx: Context, args: list[str], word: str) -> list[str] | None:
    if [a for a in args if not a.startswith("-")]:
        return None  # the remote command: complete as a file name
    user, at, _rest = word.rpartition("@")
    return [f"{user}{at}{name}" for name in ctx.machines()]


def _sysctl(ctx: Context, args: list[str], word: str) -> list[str] | None:
    if word.startswith("-"):
        return _SYSCTL_OPTIONS
    if "=" in word or (args and args[-1] in ("-p", "--load")):
        return None if not word or "=" not in word else []
    parent, _dot, _leaf = word.rpartition(".")
    directory = "/proc/sys/" + parent.replace(".", "/")
    fs = ctx.host.fs
    try:
        names = fs.listdir(directory)
    except OSError:
        return []
    prefix = f"{parent}." if parent else ""
    return [f"{prefix}{name}." if fs.is_dir(f"{directory}/{name}") else f"{prefix}{name}"
            for name in names]


def _kill(ctx: Context, args: list[str], word: str) -> list[str] | None:
    if word.startswith("-"):
        return ["-9", "-15", "-HUP", "-INT", "-KILL", "-TERM", "-l", "-s"]
    return ctx.pids()


def _device_option(flag: str) -> Callable[[Context, list[str], str], list[str] | None]:
    """A program whose ``flag`` takes a device (``tcpdump -i``, ``ping -I``)."""

    def candidates(ctx: Context, args: list[str], word: str) -> list[str] | None:
        if args and args[-1] == flag:
            return ctx.devices() + (["any"] if flag == "-i" else [])
        return [] if not word.startswith("/") and not word.startswith(".") else None

    return candidates


def _devices_anywhere(ctx: Context, args: list[str], word: str) -> list[str] | None:
    return ctx.devices()


def _qemu(ctx: Context, args: list[str], word: str) -> list[str] | None:
    if word.startswith("-"):
        return _QEMU_OPTIONS
    return None


def _lab(ctx: Context, args: list[str], word: str) -> list[str] | None:
    return ["check", "task"] if not args else []


_PROGRAMS: dict[str, Callable[[Context, list[str], str], list[str] | None]] = {
    "ip": _ip, "bridge": _bridge, "brctl": _brctl, "ssh": _ssh, "sysctl": _sysctl,
    "kill": _kill, "tcpdump": _device_option("-i"), "ping": _device_option("-I"),
    "dhclient": _devices_anywhere, "udhcpc": _device_option("-i"),
    "qemu-system-x86_64": _qemu, "lab": _lab,
    "help": lambda ctx, args, word: [], "exit": lambda ctx, args, word: [],
}


# ------------------------------------------------------------------ files
def _paths(ctx: Context, word: str, dirs_only: bool = False) -> list[str]:
    """File names on the host that start with ``word`` (a directory ends in ``/``)."""
    fs = ctx.host.fs
    shell = ctx.host.shell
    head, slash, leaf = word.rpartition("/")
    shown = head + slash
    base = "/root" + shown[1:] if shown.startswith("~") else shown
    directory = fs.resolve(base or ".", shell.cwd)
    try:
        names = fs.listdir(directory)
    except OSError:
        return []
    found = []
    for name in names:
        if not name.startswith(leaf) or (name.startswith(".") and not leaf.startswith(".")):
            continue
        path = fs.resolve(name, directory)
        if fs.is_dir(path):
            found.append(f"{shown}{name}/")
        elif not dirs_only:
            found.append(f"{shown}{name}")
    return found
