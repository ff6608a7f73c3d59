"""The network phase: backends of ``-netdev``, then ``-nic``, then ``-net``; and, after
the devices, the warnings about network clients left without a peer.

A tap backend becomes start-up steps (open /dev/net/tun per queue, run the ifup script,
open vhost-net); a user-mode one (libslirp) gets its virtual network's addresses, each
checked as ``net_slirp_init()`` does, and binds its ``hostfwd=`` ports. ``-nic`` makes a
backend and the board's NIC at once; ``-net`` puts backends and NICs on hub 0.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

from netsim.qemu import errors as E
from netsim.qemu.builder_base import BuilderBase, Opt
from netsim.qemu.config import (
    DEFAULT_BRIDGE,
    DEFAULT_BRIDGE_HELPER,
    DEFAULT_IFDOWN,
    DEFAULT_IFUP,
    HostFwd,
    Netdev,
    Nic,
)
from netsim.qemu.cutils import (
    INT_MAX,
    UINT32_MAX,
    inet_aton,
    parse_uint,
    qemu_parse_fd,
    qemu_strtoi64,
    qemu_strtosz,
    qemu_strtoul,
)
from netsim.qemu.opts import Opts, parse_bool, parse_net_mac
from netsim.qemu.plan import (
    BridgeHelper,
    HostFwdListen,
    OpenTap,
    OpenVhost,
    Phase,
    RunScript,
    UseFd,
)
from netsim.qemu.tables import nic_model
from netsim.user.strtol import strtol

_NETDEV_TYPES = ("user", "tap", "l2tpv3", "socket", "stream", "dgram", "vde", "bridge",
                 "hubport", "netmap", "vhost-user", "vhost-vdpa", "nic", "none")
_NOT_NETDEVS = ("nic", "none", "netmap")
MAX_TAP_QUEUES = 256                # the kernel's limit of queues on one tap
MAX_NICS = 8                        # nd_table: the NICs of -nic and -net nic
_TAP_PARAMS = {"ifname": "str", "fd": "str", "fds": "str", "script": "str",
               "downscript": "str", "br": "str", "helper": "str", "sndbuf": "size",
               "vnet_hdr": "bool", "vhost": "bool", "vhostfd": "str", "vhostfds": "str",
               "vhostforce": "bool", "queues": "uint32", "poll-us": "uint32"}
# NetdevUserOptions, in the schema's order (the order QEMU checks the values in)
_USER_PARAMS = {
    "hostname": "str", "restrict": "bool", "ipv4": "bool", "ipv6": "bool", "ip": "str",
    "net": "str", "host": "str", "tftp": "str", "bootfile": "str", "dhcpstart": "str",
    "dns": "str", "dnssearch": "str", "domainname": "str", "ipv6-prefix": "str",
    "ipv6-prefixlen": "int64", "ipv6-host": "str", "ipv6-dns": "str", "smb": "str",
    "smbserver": "str", "hostfwd": "str", "guestfwd": "str", "tftp-server-name": "str"}
_BACKEND_PARAMS = {"tap": _TAP_PARAMS, "user": _USER_PARAMS,
                   "bridge": {"br": "str", "helper": "str"},
                   "hubport": {"hubid": "int32", "netdev": "str"}}
_NIC_PARAMS = {"netdev": "str", "macaddr": "str", "model": "str", "addr": "str",
               "vectors": "uint32"}     # NetLegacyNicOptions, in the schema's order


class NetPhases(BuilderBase):
    """The network phase, and the check for clients without a peer."""

    def phase_net(self) -> None:
        """All ``-netdev`` backends, then ``-nic``, then ``-net``, each in argv order."""
        for o, parsed in self.net_opts:
            self._netdev(o, parsed, origin="-netdev", ident=parsed.id)
        for o, parsed in self.nic_opts:
            self._nic_option(o, parsed)
        for o, parsed in self.legacy_net:
            self._legacy_net(o, parsed)

    def _netdev(self, o: Opt, parsed: Opts, origin: str, ident: str | None) -> Netdev | None:
        """One backend (``net_client_init``): its id and type, its parameters, then what
        the type sets up."""
        loc = o.loc
        if ident is None:
            self.stop(Phase.NET, E.parameter_missing("id"), loc)
        kind = parsed.get("type")
        if kind is None:
            self.stop(Phase.NET, E.parameter_missing("type"), loc)
        if kind not in _NETDEV_TYPES:
            self.stop(Phase.NET, E.parameter_bad_value("type", kind), loc)
        pairs = [(k, v) for k, v in parsed.pairs if k != "type"]
        schema = _BACKEND_PARAMS.get(kind)
        nd = Netdev(id=ident, type=kind, location=loc, origin=origin, params=dict(pairs))
        if schema is not None:
            self._check_params(schema, pairs, loc)
        if kind in _NOT_NETDEVS:
            self.stop(Phase.NET, E.backend_not_compiled(kind), loc)
        if origin == "-nic" and self.cfg.netdev(ident):
            self.stop(Phase.NET, E.duplicate_id(ident, None), loc)
        self.cfg.netdevs.append(nd)
        if kind == "tap":
            self._tap(nd)
        elif kind == "user":
            self._user(nd)
        elif kind == "bridge":
            nd.br = nd.params.get("br", DEFAULT_BRIDGE)
            nd.helper = nd.params.get("helper")
            self.steps.append(BridgeHelper(Phase.NET, loc, netdev=nd,
                                           helper=nd.helper or DEFAULT_BRIDGE_HELPER,
                                           br=nd.br))
        elif kind == "hubport":
            nd.hubid = qemu_strtoi64(nd.params["hubid"]).value
            self.cfg.hubs.setdefault(nd.hubid, []).insert(0, nd.id)
            nd.hub, nd.hubport = nd.hubid, nd.id
        else:
            self.cfg.unmodelled.append((origin, o.arg))
        return nd

    def _check_params(self, schema: dict[str, str], pairs: list[tuple[str, str]],
                      loc: str) -> None:
        """The backend's parameters as QEMU's opts visitor reads them: each member of
        the QAPI schema in the schema's order, from the *last* value given for it
        (``parse_uint``, ``strtoll``, ``qemu_strtosz``, then the C type's range), then
        the names the schema does not have."""
        last = dict(pairs)
        if "ipv6-net" in last and schema is _USER_PARAMS:
            last = self._ipv6_net(last, loc)
        for k, t in schema.items():
            v = last.get(k)
            if v is None:
                if k == "hubid":
                    self.stop(Phase.NET, E.parameter_missing(k), loc)
                continue
            why = _visit_scalar(t, v)
            if why:
                self.stop(Phase.NET, E.parameter_expects(k, why), loc)
            if t == "size" and qemu_strtosz(v).hex_suffix:
                self.warn(Phase.NET, E.warning_text(E.hex_suffix_deprecated(v), loc))
        for k, _v in pairs:
            if k not in schema and not (k == "ipv6-net" and schema is _USER_PARAMS):
                self.stop(Phase.NET, E.invalid_parameter(k), loc)

    def _ipv6_net(self, params: dict[str, str], loc: str) -> dict[str, str]:
        """``ipv6-net=PREFIX[/LEN]`` becomes ipv6-prefix and ipv6-prefixlen (the length
        read with qemu_strtoul, put back as the unsigned number it became)."""
        prefix, _, length = params["ipv6-net"].partition("/")
        n = 64
        if "/" in params["ipv6-net"]:
            parsed = qemu_strtoul(length, 10)
            if not parsed.ok:
                self.stop(Phase.NET, E.parameter_expects("ipv6-prefixlen", "a number"), loc)
            n = parsed.value
        out = dict(params)
        out.pop("ipv6-net")
        # qemu_opt_set_number() writes it back with PRId64: ULONG_MAX becomes -1
        out["ipv6-prefix"] = prefix
        out["ipv6-prefixlen"] = str(n - (1 << 64) if n >= 1 << 63 else n)
        return out

    def _tap(self, nd: Netdev) -> None:
        """``-netdev tap``: an inherited ``fd=``, a helper, or per queue: open
        /dev/net/tun (TUNSETIFF), the ifup script after the first, vhost-net."""
        p = nd.params
        loc = nd.location
        if nd.origin == "-net" and any(k in p for k in ("queues", "fds", "vhostfds")):
            self.stop(Phase.NET, E.multiqueue_with_hubs(), loc)
        nd.vhost = bool(parse_bool(p.get("vhost", "off")))
        if "vnet_hdr" in p:
            nd.vnet_hdr = parse_bool(p["vnet_hdr"])
        if "fd" in p:
            if any(k in p for k in ("ifname", "script", "downscript", "vnet_hdr", "helper",
                                    "queues", "fds", "vhostfds")):
                self.stop(Phase.NET, E.tap_fd_with_other_options(), loc)
            fd = qemu_parse_fd(p["fd"])
            if fd == -1:
                self.stop(Phase.NET, E.invalid_fd_number(p["fd"]), loc)
            nd.fd = fd
            self.steps.append(UseFd(Phase.NET, loc, netdev=nd, fd=fd))
            return
        if "fds" in p or "vhostfds" in p or "helper" in p:
            nd.helper = p.get("helper")
            if "helper" in p and "fds" not in p:
                self.steps.append(BridgeHelper(Phase.NET, loc, netdev=nd, helper=p["helper"],
                                               br=p.get("br", DEFAULT_BRIDGE)))
            else:
                self.cfg.unmodelled.append(("-netdev", "tap,fds="))
            return
        nd.ifname = p.get("ifname")
        if nd.ifname is not None:
            nd.ifname = nd.ifname[:15]      # pstrcpy into a 16-byte ifr_name
        nd.script = p.get("script", DEFAULT_IFUP)
        nd.downscript = p.get("downscript", DEFAULT_IFDOWN)
        queues = parse_uint(p.get("queues", "1")).value
        nd.queues = queues if queues <= INT_MAX else queues - (1 << 32)   # an int in C
        if nd.queues <= 0:
            # QEMU 7.2 creates no queue at all and trips an assertion (SIGABRT).
            self.stop(Phase.NET, "", text=E.net_client_assertion_text(), status=134)
        # The kernel attaches at most MAX_TAP_QUEUES (256) queues to a tap: the next
        # TUNSETIFF fails (E2BIG), so no plan needs more steps than that.
        nd.queues = min(nd.queues, MAX_TAP_QUEUES + 1)
        for q in range(nd.queues):
            self.steps.append(OpenTap(Phase.NET, loc, netdev=nd, ifname=nd.ifname, queue=q,
                                      multi_queue=nd.queues > 1,
                                      vnet_hdr=nd.vnet_hdr is not False))
            if q == 0 and nd.runs_script:
                self.steps.append(RunScript(Phase.NET, loc, netdev=nd, script=nd.script))
            if nd.vhost:
                self.steps.append(OpenVhost(Phase.NET, loc, netdev=nd))

    def _user(self, nd: Netdev) -> None:
        """net_slirp_init(): the virtual network's addresses, checked in QEMU 7.2's order."""
        p = nd.params
        loc = nd.location
        if parse_bool(p.get("ipv4", "on")) is False and parse_bool(p.get("ipv6", "on")) is False:
            self.stop(Phase.NET, E.ip_disabled(), loc)
        nd.restrict = bool(parse_bool(p.get("restrict", "off")))
        net, mask = _slirp_net(p.get("net", p.get("ip", "10.0.2.0/24")))
        if net is None:
            self.stop(Phase.NET, mask if isinstance(mask, str) else "", loc)
        assert isinstance(mask, int)
        nd.net = _ntoa(net)
        nd.prefixlen = bin(mask).count("1")
        # The defaults keep the low bytes 2.2, 2.3 and 2.15 under the mask: 10.0.2.2 in a
        # /24, but 10.0.2.2 too in 10.0.0.0/8 and 192.168.2.2 in 192.168.0.0/16.
        host = _slirp_addr(p.get("host"), net | (0x0202 & ~mask))
        if host is None:
            self.stop(Phase.NET, E.slirp_parse_failed("host"), loc)
        if host & mask != net:
            self.stop(Phase.NET, E.host_not_in_network(), loc)
        dns = _slirp_addr(p.get("dns"), net | (0x0203 & ~mask))
        if dns is None:
            self.stop(Phase.NET, E.slirp_parse_failed("DNS"), loc)
        if nd.restrict and dns & mask != net:
            self.stop(Phase.NET, E.dns_not_in_network(), loc)
        if dns == host:
            self.stop(Phase.NET, E.dns_is_host(), loc)
        dhcp = _slirp_addr(p.get("dhcpstart"), net | (0x020F & ~mask))
        if dhcp is None:
            self.stop(Phase.NET, E.slirp_parse_failed("DHCP start address"), loc)
        if dhcp & mask != net:
            self.stop(Phase.NET, E.dhcp_not_in_network(), loc)
        if dhcp in (host, dns):
            self.stop(Phase.NET, E.dhcp_is_host_or_dns(), loc)
        params = self._ipv6_net(p, loc) if "ipv6-net" in p else p
        if not _inet_pton6(params.get("ipv6-prefix", "fec0::")):
            self.stop(Phase.NET, E.slirp_parse_failed("IPv6 prefix"), loc)
        prefixlen = _c_int(qemu_strtoi64(params.get("ipv6-prefixlen", "0")).value) or 64
        if not 0 <= prefixlen <= 126:
            self.stop(Phase.NET, E.ipv6_prefixlen_out_of_range(), loc)
        nd.host, nd.dns, nd.guest_addr = _ntoa(host), _ntoa(dns), _ntoa(dhcp)
        rules = [v for k, v in self._pairs_of(nd) if k == "hostfwd"]
        # QEMU walks the hostfwd list back to front: the last rule is bound first.
        for full in reversed(rules):
            text = full[:1023]          # copied into a struct slirp_config_str's char[1024]
            rule = _hostfwd(text, nd.guest_addr)
            if isinstance(rule, str):
                self.stop(Phase.NET, E.hostfwd_invalid(text, rule), loc)
            nd.hostfwd.insert(0, rule)
            self.steps.append(HostFwdListen(Phase.NET, loc, netdev=nd, rule=rule))

    def _pairs_of(self, nd: Netdev) -> list[tuple[str, str]]:
        # params keeps the last value per key; hostfwd may repeat, so re-read the option
        for o, parsed in self.net_opts + self.nic_opts + self.legacy_net:
            if o.loc == nd.location:
                return parsed.pairs
        return list(nd.params.items())

    def _nic_option(self, o: Opt, parsed: Opts) -> None:
        """``-nic`` (``net_param_nic``): a free NIC slot, the MAC, then the backend (id
        generated if none); the board creates the NIC."""
        kind = parsed.get("type", "user")
        if kind == "none":
            return
        if len(self.board_nics) >= MAX_NICS:
            self.stop(Phase.NET, E.no_more_nic_slots(), o.loc)
        ident = parsed.id or self._gen_net_id()
        mac_text = parsed.get("mac")
        nic = Nic(model=nic_model(parsed.get("model", "e1000")),
                  model_text=parsed.get("model", "e1000"), netdev=ident, origin="-nic",
                  location=o.loc)
        if mac_text is not None:
            mac = parse_net_mac(mac_text)
            if mac is None:
                self.stop(Phase.NET, E.invalid_ethernet_address(), o.loc)
            if int(mac[:2], 16) & 1:
                self.stop(Phase.NET, E.multicast_mac(nic_option=True), o.loc)
            nic.mac, nic.mac_given = mac, True
        work = Opts([(k, v) for k, v in parsed.pairs if k not in ("model", "mac")]
                    + ([] if parsed.get("type") else [("type", "user")]), ident, [], False)
        nd = self._netdev(o, work, origin="-nic", ident=ident)
        if nd is not None:
            nd.peer = "nic"
        self.board_nics.append(nic)

    def _legacy_net(self, o: Opt, parsed: Opts) -> None:
        """``-net TYPE`` (a backend) or ``-net nic``: both on a port of hub 0 unless the
        NIC names a ``netdev=``."""
        kind = parsed.get("type")
        if kind is None:
            self.stop(Phase.NET, E.parameter_missing("type"), o.loc)
        if kind == "none":
            return
        ident = parsed.id or self._gen_net_id()
        if kind != "nic":
            if kind in ("hubport",):
                self.stop(Phase.NET, E.parameter_bad_value("type", kind), o.loc)
            nd = self._netdev(o, parsed, origin="-net", ident=ident)
            if nd is not None:
                port = self._hub_port(0)
                nd.hub, nd.hubport = 0, port
            return
        self._check_params(_NIC_PARAMS, [(k, v) for k, v in parsed.pairs if k != "type"],
                           o.loc)
        if len(self.board_nics) >= MAX_NICS:
            self.stop(Phase.NET, E.too_many_nics(), o.loc)
        netdev = parsed.get("netdev")
        if netdev is not None and self.cfg.netdev(netdev) is None:
            self.stop(Phase.NET, E.netdev_not_found(netdev), o.loc)
        model = parsed.get("model", "e1000")
        nic = Nic(model=nic_model(model), model_text=model, netdev=parsed.get("netdev"),
                  origin="-net", location=o.loc)
        mac_text = parsed.get("macaddr")
        if mac_text is not None:
            mac = parse_net_mac(mac_text)
            if mac is None:
                self.stop(Phase.NET, E.invalid_ethernet_address(), o.loc)
            if int(mac[:2], 16) & 1:
                self.stop(Phase.NET, E.multicast_mac(), o.loc)
            nic.mac, nic.mac_given = mac, True
        vectors = parsed.get("vectors")
        if vectors is not None and parse_uint(vectors).value > 0x7FFFFFF:
            self.stop(Phase.NET, E.invalid_vectors(parse_uint(vectors).value), o.loc)
        if nic.netdev is None:
            nic.hub, nic.hubport = 0, self._hub_port(0)
        self.board_nics.append(nic)

    def _hub_port(self, hub: int) -> str:
        ports = self.cfg.hubs.setdefault(hub, [])
        name = f"hub{hub}port{len(ports)}"
        ports.insert(0, name)       # QEMU lists a hub's ports newest first
        return name


    def _gen_net_id(self) -> str:
        # id_generate(ID_NET): "#net" + a per-subsystem counter + two random digits;
        # netsim uses 00..99 from the counter so runs are reproducible.
        n = self.net_counter
        self.net_counter += 1
        return f"#net{n}{(n * 37 + 11) % 100:02d}"

    def phase_net_check(self) -> None:
        """``net_check_clients()``: warn about hubs with no NIC or no host side, and
        about backends and NICs left without a peer."""
        cfg = self.cfg
        for hub, ports in sorted(cfg.hubs.items()):
            members = [p for p in ports]
            has_nic = any(n.hub == hub for n in cfg.nics)
            has_host = any(nd.hub == hub and nd.type != "hubport" for nd in cfg.netdevs)
            for nd in cfg.netdevs:
                if nd.type == "hubport" and nd.hubid == hub and nd.id in members:
                    self.warn(Phase.NET_CHECK, E.warning_text(E.hubport_no_peer(nd.id)))
            if has_host and not has_nic:
                self.warn(Phase.NET_CHECK, E.warning_text(E.hub_no_nics(hub)))
            if has_nic and not has_host:
                self.warn(Phase.NET_CHECK, E.warning_text(E.hub_no_host_network(hub)))
        for name, kind in self._clients():
            if kind == "netdev-nopeer":
                self.warn(Phase.NET_CHECK, E.warning_text(E.netdev_no_peer(name)))
            elif kind == "nic-nopeer":
                self.warn(Phase.NET_CHECK, E.warning_text(E.nic_no_peer(name)))

    def _clients(self) -> Iterator[tuple[str, str]]:
        """net_clients in creation order, tagged with whether they lack a peer."""
        cfg = self.cfg
        for nd in cfg.netdevs:
            lonely = nd.peer is None and nd.hub is None
            if nd.type == "hubport":
                lonely = True      # a hub port made by -netdev hubport has no peer of its own
            for _q in range(nd.queues if nd.type == "tap" else 1):
                yield nd.id, "netdev-nopeer" if lonely else "netdev"
        for nic in cfg.nics:
            lonely = nic.netdev is None and nic.hub is None
            yield nic.name, "nic-nopeer" if lonely else "nic"


# ------------------------------------------------------------ the opts visitor
def _visit_scalar(kind: str, value: str) -> str | None:
    """What QEMU's opts visitor says a ``kind`` parameter expects, or None if ``value``
    is one: uint32/uint64 with ``parse_uint`` (no minus), int32/int64 with ``strtoll``,
    sizes with ``qemu_strtosz``, then the C type's range."""
    if kind == "bool":
        return None if parse_bool(value) is not None else "'on' or 'off'"
    if kind in ("uint32", "uint64"):
        n = parse_uint(value)
        if not n.ok or n.end != len(value):
            return "a uint64 value"
        return "uint32_t" if kind == "uint32" and n.value > UINT32_MAX else None
    if kind in ("int32", "int64"):
        parsed = strtol(value, 0)
        if parsed is None or parsed.overflow or parsed.end != len(value):
            return "an int64 value"
        if kind == "int32" and not -(1 << 31) <= parsed.value < 1 << 31:
            return "int32_t"
        return None
    if kind == "size":
        return "a size value" if qemu_strtosz(value).err else None
    return None


# ------------------------------------------------------------ -netdev user's addresses
def _inet_pton6(text: str) -> bool:
    """glibc's ``inet_pton(AF_INET6)`` of any text (non-ASCII never parses)."""
    if not text.isascii() or "\0" in text:
        return False
    if not socket.has_ipv6:
        # A Python built without IPv6 (pyodide, in the browser) refuses every AF_INET6
        # text; ipaddress parses the same texts, and scope ids ("%eth0"), which
        # inet_pton never takes.
        import ipaddress  # only there: CPython's socket parses IPv6 itself

        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            return False
        return "%" not in text
    try:
        socket.inet_pton(socket.AF_INET6, text)
    except OSError:
        return False
    return True


def _ntoa(addr: int) -> str:
    return socket.inet_ntoa(addr.to_bytes(4, "big"))


def _slirp_addr(text: str | None, default: int) -> int | None:
    """An address option of -netdev user (inet_aton's forms), its default, or None."""
    return default if text is None else inet_aton(text)


def _get_str_sep(text: str, sep: str, size: int) -> tuple[str, str] | None:
    """slirp's ``get_str_sep``: (what comes before ``sep``, cut to ``size - 1``
    characters as it is copied into a ``char buf[size]``; what follows), or None."""
    i = text.find(sep)
    if i < 0:
        return None
    return text[:i][:size - 1], text[i + 1:]


def _c_int(value: int) -> int:
    """A C long stored into an int: the low 32 bits, signed."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value > INT_MAX else value


def _slirp_net(text: str) -> tuple[int | None, int | str]:
    """``net=addr[/mask]`` of -netdev user: (network, mask) or (None, error message).
    Without a mask QEMU uses the address's old class (192.168.76.0 -> /16). The address
    is read from a 20-byte buffer; the mask is a prefix length (strtol, as an int) or,
    if that leaves characters over, a dotted mask."""
    split = _get_str_sep(text, "/", 20)
    if split is None:
        addr = inet_aton(text)
        if addr is None:
            return None, E.netmask_unparsable()
        if not addr & 0x80000000:
            mask = 0xFF000000
        elif addr & 0xFFF00000 == 0xAC100000:
            mask = 0xFFF00000
        elif addr & 0xC0000000 == 0x80000000 or addr & 0xFFFF0000 == 0xC0A80000:
            mask = 0xFFFF0000       # class B, or 192.168.0.0/16
        elif addr & 0xFFFF0000 == 0xC6120000:
            mask = 0xFFFE0000
        elif addr & 0xE0000000 == 0xE0000000:
            mask = 0xFFFFFF00       # QEMU 7.2's "class C" test (multicast and above)
        else:
            mask = 0xFFFFFFF0
        return addr & mask, mask
    a, m = split
    addr = inet_aton(a)
    if addr is None:
        return None, E.netmask_unparsable()
    parsed = strtol(m, 10)
    end = parsed.end if parsed is not None else 0
    shift = _c_int(parsed.value) if parsed is not None else 0
    if end != len(m):
        mask = inet_aton(m)
        if mask is None:
            return None, E.netmask_trailing_chars()
    elif not 4 <= shift <= 32:
        return None, E.netmask_out_of_range()
    else:
        mask = (0xFFFFFFFF << (32 - shift)) & 0xFFFFFFFF
    return addr & mask, mask


def _hostfwd(text: str, default_guest: str) -> HostFwd | str:
    """``[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport`` or QEMU's reason
    (``slirp_hostfwd``: fields copied into 256-byte buffers, ports read by
    ``strtol(s, &end, 0)`` into an int)."""
    split = _get_str_sep(text, ":", 256)
    if split is None:
        return "No : separators"
    proto, p = split
    if proto not in ("", "tcp", "udp"):
        return "Bad protocol name"
    split = _get_str_sep(p, ":", 256)
    if split is None:
        return "Missing : separator"
    haddr, p = split
    host_addr = inet_aton(haddr) if haddr else None
    if haddr and host_addr is None:
        return "Bad host address"
    split = _get_str_sep(p, "-", 256)
    if split is None:
        return "Bad host port separator"
    buf, p = split
    parsed = strtol(buf, 0)
    port = _c_int(parsed.value) if parsed is not None else 0
    if (parsed.end if parsed is not None else 0) != len(buf) or not 0 <= port <= 65535:
        return "Bad host port"
    split = _get_str_sep(p, ":", 256)
    if split is None:
        return "Missing guest address"
    gaddr, p = split
    guest_addr = inet_aton(gaddr) if gaddr else None
    if gaddr and guest_addr is None:
        return "Bad guest address"
    parsed = strtol(p, 0)
    gport = _c_int(parsed.value) if parsed is not None else 0
    if (parsed.end if parsed is not None else 0) != len(p) or not 1 <= gport <= 65535:
        return "Bad guest port"
    guest = _ntoa(guest_addr) if guest_addr is not None else default_guest
    host = _ntoa(host_addr) if host_addr is not None else ""
    return HostFwd(text, proto or "tcp", host, port, guest, gport)
