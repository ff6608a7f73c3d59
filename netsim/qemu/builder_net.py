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
from netsim.qemu.opts import Opts, c_strtol, parse_bool, parse_int64, parse_net_mac, strtosz
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

_NETDEV_TYPES = ("user", "tap", "l2tpv3", "socket", "stream", "dgram", "vde", "bridge",
                 "hubport", "netmap", "vhost-user", "vhost-vdpa", "nic", "none")
_NOT_NETDEVS = ("nic", "none", "netmap")
_TAP_PARAMS = {"ifname": "str", "fd": "str", "fds": "str", "script": "str",
               "downscript": "str", "br": "str", "helper": "str", "sndbuf": "size",
               "vnet_hdr": "bool", "vhost": "bool", "vhostfd": "str", "vhostfds": "str",
               "vhostforce": "bool", "queues": "uint32", "poll-us": "uint32"}
_USER_PARAMS = {k: "str" for k in (
    "hostname", "ip", "net", "host", "tftp", "bootfile", "dhcpstart", "dns", "dnssearch",
    "domainname", "ipv6-prefix", "ipv6-host", "ipv6-dns", "smb", "smbserver", "hostfwd",
    "guestfwd", "tftp-server-name", "ipv6-net")}
_USER_PARAMS.update({"restrict": "bool", "ipv4": "bool", "ipv6": "bool",
                     "ipv6-prefixlen": "int64"})
_BACKEND_PARAMS = {"tap": _TAP_PARAMS, "user": _USER_PARAMS,
                   "bridge": {"br": "str", "helper": "str"},
                   "hubport": {"hubid": "int32", "netdev": "str"}}
_NIC_PARAMS = {"netdev": "str", "macaddr": "str", "model": "str", "addr": "str",
               "vectors": "uint32"}


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
            nd.hubid = parse_int64(nd.params.get("hubid", "0"))
            self.cfg.hubs.setdefault(nd.hubid or 0, []).insert(0, nd.id)
            nd.hub, nd.hubport = nd.hubid, nd.id
        else:
            self.cfg.unmodelled.append((origin, o.arg))
        return nd

    def _check_params(self, schema: dict[str, str], pairs: list[tuple[str, str]],
                      loc: str) -> None:
        """The backend's parameters against its QAPI schema: every value's type first
        (in the order given), then unknown names."""
        for k, v in pairs:
            t = schema.get(k)
            if t == "bool" and parse_bool(v) is None:
                self.stop(Phase.NET, E.parameter_expects(k, "'on' or 'off'"), loc)
            if t in ("uint32", "int32", "int64"):
                n = parse_int64(v)
                if n is None or (t == "uint32" and n < 0):
                    what = "a uint64 value" if t == "uint32" else "an int64 value"
                    self.stop(Phase.NET, E.parameter_expects(k, what), loc)
            if t == "size":
                try:
                    strtosz(v)
                except ValueError:
                    self.stop(Phase.NET, E.parameter_expects(k, "a size value"), loc)
        for k, _v in pairs:
            if k not in schema:
                self.stop(Phase.NET, E.invalid_parameter(k), loc)

    def _tap(self, nd: Netdev) -> None:
        """``-netdev tap``: an inherited ``fd=``, a helper, or per queue: open
        /dev/net/tun (TUNSETIFF), the ifup script after the first, vhost-net."""
        p = nd.params
        loc = nd.location
        nd.vhost = bool(parse_bool(p.get("vhost", "off")))
        if "vnet_hdr" in p:
            nd.vnet_hdr = parse_bool(p["vnet_hdr"])
        if "fd" in p:
            if any(k in p for k in ("ifname", "script", "downscript", "vnet_hdr", "helper",
                                    "queues", "fds", "vhostfds")):
                self.stop(Phase.NET, E.tap_fd_with_other_options(), loc)
            fd, end = c_strtol(p["fd"], 0, 10)
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
        nd.queues = parse_int64(p.get("queues", "1")) or 0
        if nd.queues == 0:
            # QEMU 7.2 creates no queue at all and trips an assertion (SIGABRT).
            self.stop(Phase.NET, "", text=E.net_client_assertion_text(), status=134)
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
        nd.host, nd.dns, nd.guest_addr = _ntoa(host), _ntoa(dns), _ntoa(dhcp)
        rules = [v for k, v in self._pairs_of(nd) if k == "hostfwd"]
        # QEMU walks the hostfwd list back to front: the last rule is bound first.
        for text in reversed(rules):
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
        """``-nic``: a backend (id generated if none) and a NIC the board creates."""
        kind = parsed.get("type", "user")
        if kind == "none":
            return
        ident = parsed.id or self._gen_net_id()
        work = Opts([(k, v) for k, v in parsed.pairs if k not in ("model", "mac")]
                     + ([] if parsed.get("type") else [("type", "user")]), ident, [], False)
        nd = self._netdev(o, work, origin="-nic", ident=ident)
        mac_text = parsed.get("mac")
        nic = Nic(model=nic_model(parsed.get("model", "e1000")),
                  model_text=parsed.get("model", "e1000"), netdev=ident, origin="-nic",
                  location=o.loc)
        if mac_text is not None:
            mac = parse_net_mac(mac_text)
            if mac is None:
                self.stop(Phase.NET, E.invalid_ethernet_address(), o.loc)
            if int(mac[:2], 16) & 1:
                self.stop(Phase.NET, E.multicast_mac(), o.loc)
            nic.mac, nic.mac_given = mac, True
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
        for k, v in parsed.pairs:
            if k == "type":
                continue
            if k not in _NIC_PARAMS:
                self.stop(Phase.NET, E.invalid_parameter(k), o.loc)
            if _NIC_PARAMS[k] == "uint32" and parse_int64(v) is None:
                self.stop(Phase.NET, E.parameter_expects(k, "a uint64 value"), o.loc)
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


# ------------------------------------------------------------ -netdev user's addresses
def _inet_aton(text: str) -> int | None:
    try:
        return int.from_bytes(socket.inet_aton(text), "big")
    except OSError:
        return None


def _ntoa(addr: int) -> str:
    return socket.inet_ntoa(addr.to_bytes(4, "big"))


def _slirp_addr(text: str | None, default: int) -> int | None:
    """An address option of -netdev user (inet_aton's forms), its default, or None."""
    return default if text is None else _inet_aton(text)


def _slirp_net(text: str) -> tuple[int | None, int | str]:
    """``net=addr[/mask]`` of -netdev user: (network, mask) or (None, error message).
    Without a mask QEMU uses the address's old class (192.168.76.0 -> /16)."""
    if "/" not in text:
        addr = _inet_aton(text)
        if addr is None:
            return None, E.netmask_unparsable()
        if not addr & 0x80000000:
            mask = 0xFF000000
        elif addr & 0xFFF00000 == 0xAC100000:
            mask = 0xFFF00000
        elif addr & 0xC0000000 == 0x80000000 or addr & 0xFFFF0000 == 0xC0A80000:
            mask = 0xFFFF0000       # class B, or 192.168.0.0/16
        elif addr & 0xFFFE0000 == 0xC6120000:
            mask = 0xFFFE0000
        elif addr & 0xE0000000 == 0xC0000000:
            mask = 0xFFFFFF00
        else:
            mask = 0xFFFFFFF0
        return addr & mask, mask
    a, m = text.split("/", 1)
    addr = _inet_aton(a)
    if addr is None:
        return None, E.netmask_unparsable()
    shift, end = c_strtol(m, 0, 10)
    if end != len(m) or not m:
        mask = _inet_aton(m)
        if mask is None:
            return None, E.netmask_unparsable()
    elif not 4 <= shift <= 32:
        return None, E.netmask_out_of_range()
    else:
        mask = (0xFFFFFFFF << (32 - shift)) & 0xFFFFFFFF
    return addr & mask, mask


def _hostfwd(text: str, default_guest: str) -> HostFwd | str:
    """``[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport`` or QEMU's reason."""
    p = text
    if ":" not in p:
        return "No : separators"
    proto, p = p.split(":", 1)
    if proto not in ("", "tcp", "udp"):
        return "Bad protocol name"
    if ":" not in p:
        return "Missing : separator"
    haddr, p = p.split(":", 1)
    if haddr and _inet_aton(haddr) is None:
        return "Bad host address"
    port, end = c_strtol(p, 0, 10)
    if end == 0 or end >= len(p) or p[end] != "-":
        return "Bad host port separator"
    if not 0 <= port <= 65535:
        return "Bad host port"
    p = p[end + 1:]
    if ":" not in p:
        return "Missing guest address"
    gaddr, p = p.split(":", 1)
    if gaddr and _inet_aton(gaddr) is None:
        return "Bad guest address"
    gport, end = c_strtol(p, 0, 10)
    if end == 0 or end != len(p) or not 1 <= gport <= 65535:
        return "Bad guest port"
    guest = socket.inet_ntoa(_inet_aton(gaddr).to_bytes(4, "big")) if gaddr else default_guest
    return HostFwd(text, proto or "tcp", haddr, port, guest, gport)

