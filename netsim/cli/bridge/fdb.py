"""``bridge fdb``: parsing and printing (bridge/fdb.c); the kernel side is
:mod:`netsim.bridge.fdb_ops`.

A text line of ``fdb show`` ends with a space (``02:00:00:00:02:01 dev eth0 master br0 ``,
the empty state of a learned entry), as the real tool's does.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from netsim.bridge.fdb_ops import (
    NLM_F_APPEND,
    NLM_F_CREATE,
    NLM_F_EXCL,
    NLM_F_REPLACE,
    NTF_MASTER,
    NTF_ROUTER,
    NTF_SELF,
    NTF_STICKY,
    NTF_USE,
    NUD_NOARP,
    NUD_PERMANENT,
    NUD_REACHABLE,
    NUD_STALE,
    FdbRecord,
    fdb_add,
    fdb_del,
    fdb_dump,
)
from netsim.cli.bridge.common import (
    Opts,
    Run,
    atoi,
    ll_index_to_name,
    ll_name_to_index,
    mac_text,
    not_simulated,
)
from netsim.cli.ip.args import (
    IpExit,
    duparg,
    duparg2,
    get_unsigned,
    incomplete,
    invarg,
    matches,
)
from netsim.cli.ip.render import ANY, JSON, Printer
from netsim.engine.units import USER_HZ
from netsim.stack.extack import NetlinkError

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace

FDB_USAGE = (
    "Usage: bridge fdb { add | append | del | replace } ADDR dev DEV\n"
    "              [ self ] [ master ] [ use ] [ router ] [ extern_learn ]\n"
    "              [ sticky ] [ local | static | dynamic ] [ vlan VID ]\n"
    "              { [ dst IPADDR ] [ port PORT] [ vni VNI ] | [ nhid NHID ] }\n"
    "\t       [ via DEV ] [ src_vni VNI ]\n"
    "       bridge fdb [ show [ br BRDEV ] [ brport DEV ] [ vlan VID ]\n"
    "              [ state STATE ] [ dynamic ] ]\n"
    "       bridge fdb get [ to ] LLADDR [ br BRDEV ] { brport | dev } DEV\n"
    "              [ vlan VID ] [ vni VNI ] [ self ] [ master ] [ dynamic ]\n"
    "       bridge fdb flush dev DEV [ brport DEV ] [ vlan VID ]\n"
    "              [ self ] [ master ] [ [no]permanent | [no]static | [no]dynamic ]\n"
    "              [ [no]added_by_user ] [ [no]extern_learn ] [ [no]sticky ]\n"
    "              [ [no]offloaded ]\n")

_STATE_NAMES = {NUD_PERMANENT: "permanent", NUD_NOARP: "static", NUD_STALE: "stale",
                NUD_REACHABLE: ""}


def parse_mac(text: str) -> bytes | None:
    """sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx") == 6, as fdb add/del read a MAC.

    Each part is a hex number (blanks, a sign and ``0x`` allowed) stored in a byte;
    anything after the sixth is ignored (``1:2:3:4:5:6:7`` is 01:02:03:04:05:06).
    """
    out = bytearray()
    rest = text
    for i in range(6):
        match = re.match(r"[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)", rest)
        if match is None:
            return None
        value = int(match.group(2), 16)
        out.append((-value if match.group(1) == "-" else value) & 0xFF)
        rest = rest[match.end():]
        if i < 5:
            if not rest.startswith(":"):
                return None
            rest = rest[1:]
    return bytes(out)


def print_fdb(p: Printer, ns: NetNamespace, rec: FdbRecord, filter_index: int,
              opts: Opts) -> None:
    """print_fdb(): one neighbour message as text or JSON."""
    p.open_object()
    p.string(ANY, "mac", "%s ", mac_text(rec.mac))
    if not filter_index and rec.ifindex:
        p.fp("dev ")
        p.string(ANY, "ifname", "%s ", ll_index_to_name(ns, rec.ifindex))
    if opts.stats and rec.used is not None and rec.updated is not None:
        if p.is_json:
            p.uint(JSON, "used", "", rec.used // USER_HZ)
            p.uint(JSON, "updated", "", rec.updated // USER_HZ)
        else:
            p.fp(f"used {rec.used // USER_HZ}/{rec.updated // USER_HZ} ")
    p.open_array(JSON, "flags")
    if rec.is_self:
        p.string(ANY, None, "%s ", "self")
    p.close_array(JSON, None)
    if rec.master:
        p.string(ANY, "master", "master %s ", ll_index_to_name(ns, rec.master))
    p.string(ANY, "state", "%s\n", _STATE_NAMES[rec.state])
    p.close_object()


def do_fdb(run: Run, args: list[str]) -> int:
    """``bridge fdb [COMMAND ...]``: show (the default), add/append/replace/del, help."""
    if not args:
        return fdb_show(run, [])
    word = args[0]
    for name, nlflags in (("add", NLM_F_CREATE | NLM_F_EXCL),
                          ("append", NLM_F_CREATE | NLM_F_APPEND),
                          ("replace", NLM_F_CREATE | NLM_F_REPLACE),
                          ("delete", 0)):
        if matches(word, name):
            return fdb_modify(run, name == "delete", nlflags, args[1:])
    if matches(word, "get"):
        raise not_simulated("bridge fdb get")
    if any(matches(word, w) for w in ("show", "lst", "list")):
        return fdb_show(run, args[1:])
    if word == "flush":
        raise not_simulated("bridge fdb flush")
    if matches(word, "help"):
        raise IpExit(255, FDB_USAGE)
    raise IpExit(255, f'Command "{word}" is unknown, try "bridge fdb help".\n')


def fdb_show(run: Run, argv: list[str]) -> int:
    """fdb_show(): the filters, the dump, then each record that passes them."""
    filter_dev = br = None
    filter_vlan = filter_state = filter_dynamic = 0
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in ("brport", "dev", "br", "vlan", "state"):
            if i + 1 >= len(argv):
                raise incomplete()
            i += 1
            value = argv[i]
            if word == "br":
                br = value
            elif word == "vlan":
                if filter_vlan:
                    raise duparg("vlan", value)
                filter_vlan = atoi(value)
            elif word == "state":
                filter_state |= state_a2n(value)
            else:
                filter_dev = value
        elif word == "dynamic":
            filter_dynamic = 1
        elif matches(word, "help"):
            raise IpExit(255, FDB_USAGE)
        i += 1
    br_idx = 0
    if br is not None:
        br_idx = ll_name_to_index(run.ns, br, run.io)
        if not br_idx:
            raise IpExit(255, f'Cannot find bridge device "{br}"\n')
    filter_index = 0
    if filter_dev is not None:
        filter_index = ll_name_to_index(run.ns, filter_dev, run.io)
        if not filter_index:
            raise IpExit(255, f'Cannot find device "{filter_dev}"\n')
    try:
        records = fdb_dump(run.ns, br_idx, filter_index)
    except NetlinkError as exc:
        raise IpExit(1, exc.text() + "Dump terminated\n") from None
    p = run.opts.printer()
    p.new_json_obj()
    for rec in records:
        if filter_index and filter_index != rec.ifindex:
            continue
        if filter_state and not rec.state & filter_state:
            continue
        if filter_vlan:  # no entry has a VLAN: vlan filtering is off
            continue
        if filter_dynamic and rec.state & NUD_PERMANENT:
            continue
        print_fdb(p, run.ns, rec, filter_index, run.opts)
    p.delete_json_obj()
    run.io.write(p.text())
    return 0


def fdb_modify(run: Run, delete: bool, nlflags: int, argv: list[str]) -> int:
    """fdb_modify(): one RTM_NEWNEIGH/RTM_DELNEIGH for the kernel (``self`` and
    ``permanent`` assumed when neither side nor state is given)."""
    flags, state = 0, NUD_NOARP
    dev_name = addr = None
    vid = -1
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in ("dev", "dst", "nhid", "port", "vni", "src_vni", "via"):
            if i + 1 >= len(argv):
                raise incomplete()
            i += 1
            if word == "dev":
                dev_name = argv[i]
            else:
                raise not_simulated(f'the VXLAN fdb option "{word}"')
        elif word == "self":
            flags |= NTF_SELF
        elif matches(word, "master"):
            flags |= NTF_MASTER
        elif matches(word, "router"):
            flags |= NTF_ROUTER
        elif matches(word, "local") or matches(word, "permanent"):
            state |= NUD_PERMANENT
        elif matches(word, "temp") or matches(word, "static"):
            state |= NUD_REACHABLE
        elif matches(word, "dynamic"):
            state = (state | NUD_REACHABLE) & ~NUD_NOARP
        elif matches(word, "vlan"):
            if vid >= 0:
                raise duparg2("vlan", word)
            if i + 1 >= len(argv):
                raise incomplete()
            i += 1
            vid = atoi(argv[i]) & 0xFFFF
            vid = vid - 0x10000 if vid >= 0x8000 else vid  # a C short
        elif matches(word, "use"):
            flags |= NTF_USE
        elif matches(word, "extern_learn"):
            raise not_simulated('the fdb flag "extern_learn"')
        elif matches(word, "sticky"):
            flags |= NTF_STICKY
        else:
            if word == "to":
                if i + 1 >= len(argv):
                    raise incomplete()
                i += 1
                word = argv[i]
            if matches(word, "help"):
                raise IpExit(255, FDB_USAGE)
            if addr is not None:
                raise duparg2("to", word)
            addr = word
        i += 1
    if dev_name is None or addr is None:
        raise IpExit(255, "Device and address are required arguments.\n")
    if not flags & (NTF_SELF | NTF_MASTER):
        flags |= NTF_SELF  # "Assume self"
    if not state & (NUD_PERMANENT | NUD_REACHABLE):
        state |= NUD_PERMANENT  # "Assume permanent"
    mac = parse_mac(addr)
    if mac is None:
        raise IpExit(255, f"Invalid mac address {addr}\n")
    ifindex = ll_name_to_index(run.ns, dev_name, run.io)
    if not ifindex:
        raise IpExit(255, f'Cannot find device "{dev_name}"\n')
    try:
        if delete:
            fdb_del(run.ns, ifindex, mac, state, flags, vid)
        else:
            fdb_add(run.ns, ifindex, mac, state, flags, nlflags, vid)
    except NetlinkError as exc:
        raise IpExit(255, exc.text()) from None
    return 0


def state_a2n(text: str) -> int:
    """state_a2n() of ``fdb show state STATE``."""
    if matches(text, "permanent"):
        return NUD_PERMANENT
    if matches(text, "static") or matches(text, "temp"):
        return NUD_NOARP
    if matches(text, "stale"):
        return NUD_STALE
    if matches(text, "reachable") or matches(text, "dynamic"):
        return NUD_REACHABLE
    if text == "all":
        return 0xFFFFFFFF
    value = get_unsigned(text)  # strtoul(text, &end, 0), all of it, up to UINT_MAX
    if value is None:
        raise invarg("invalid state", text)
    return value
