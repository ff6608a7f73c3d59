"""Passes 1 and 2 over argv: known options, then each option's syntax, in argv order.

Pass 1 only checks that every ``-name`` exists and has its argument. Pass 2 reads each
argument (QemuOpts, keyval, sizes, ids) and sorts the options out for the phases,
which act on them later in QEMU's fixed order (:mod:`netsim.qemu.cmdline`): an error
found here is reported before any machine-building error, whatever the option order.
"""

from __future__ import annotations

import json

from netsim.qemu import errors as E
from netsim.qemu.builder_base import BuilderBase, Opt
from netsim.qemu.cutils import ERANGE, qemu_strtosz, qemu_strtou64
from netsim.qemu.errors import NotModelled, QemuError, QemuExit
from netsim.qemu.opts import (
    Opts,
    id_wellformed,
    keyval,
    parse_bool,
    qemu_opts,
)
from netsim.qemu.plan import Phase
from netsim.qemu.tables import FOREIGN_OPTIONS, NIC_MODELS, OPTIONS

# A disk image given without -drive: its IDE index (the bare name is -hda).
_IMAGE_INDEX = {"hda-bare": 0, "hda": 0, "hdb": 1, "hdc": 2, "hdd": 3, "cdrom": 2}
_NETDEV_HELP = ("socket", "stream", "dgram", "hubport", "tap", "user", "l2tpv3", "vde",
                "bridge", "vhost-user", "vhost-vdpa")
_VNC_PARAMS = ("vnc", "websocket", "tls-creds", "tls-authz", "share", "password",
               "password-secret", "reverse", "lock-key-sync", "key-delay-ms", "sasl",
               "sasl-authz", "lossy", "non-adaptive", "audiodev", "power-control", "to",
               "ipv4", "ipv6", "connections", "display", "head", "acl", "x509",
               "x509verify", "tls")
_VNC_NUMBERS = ("head", "connections", "to", "key-delay-ms")
_VNC_BOOLS = ("ipv4", "ipv6", "password", "reverse", "lock-key-sync", "sasl", "lossy",
              "non-adaptive", "power-control")
_DISPLAYS = ("none", "gtk", "sdl", "vnc", "curses", "egl-headless", "dbus", "spice-app")
_CHARDEV_OPTIONS = ("monitor", "serial", "parallel", "mon", "qmp", "chardev")


class OptionPasses(BuilderBase):
    def first_pass(self) -> None:
        """Pass 1: ``-foo: invalid option``, ``-m: requires an argument``. ``--foo`` is
        ``-foo``; an argument that does not start with ``-`` is a disk image."""
        table = OPTIONS
        i = 0
        argv = self.argv
        while i < len(argv):
            a = argv[i]
            if not a.startswith("-"):
                self.opts.append(Opt("hda-bare", a, a))
                i += 1
                continue
            name = a[2:] if a[1:2] == "-" else a[1:]
            if name not in table:
                raise QemuError(E.error_text(E.invalid_option(), a))
            if table[name]:
                if i + 1 >= len(argv):
                    raise QemuError(E.error_text(E.requires_argument(), a))
                self.opts.append(Opt(name, argv[i + 1], f"{a} {argv[i + 1]}"))
                i += 2
            else:
                self.opts.append(Opt(name, None, a))
                i += 1

    def _check_id(self, o: Opt, ident: str | None, group: str) -> None:
        if ident is None:
            return
        if not id_wellformed(ident):
            msg, hint = E.id_not_identifier()
            self.stop(Phase.OPTIONS, msg, o.loc, hint)
        if ident in self.ids[group]:
            self.stop(Phase.OPTIONS, E.duplicate_id(ident, group), o.loc)
        self.ids[group].add(ident)

    def _flag_warnings(self, o: Opt, parsed: Opts) -> None:
        for prefix, name in parsed.flags:
            msg, hint = E.short_form_boolean(prefix, name)
            self.warn(Phase.OPTIONS, E.warning_text(msg, o.loc) + hint)

    def second_pass(self) -> None:
        """Pass 2, option by option in argv order: refuse other targets' options, check
        each argument's syntax, and keep the option for the phase that acts on it."""
        cfg = self.cfg
        for o in self.opts:
            name, arg = o.name, o.arg
            if name in FOREIGN_OPTIONS:
                self.stop(Phase.OPTIONS, E.option_not_supported(), o.loc)
            if name == "version":
                raise QemuExit(stdout=E.version_text(), status=0)
            if name in ("help", "h", "audio-help"):
                raise NotModelled(f"-{name} prints QEMU's help text")
            if name in _IMAGE_INDEX:
                self._image_option(o)
            elif name == "drive":
                parsed = qemu_opts(arg)
                self._flag_warnings(o, parsed)
                self._check_id(o, parsed.id, "drive")
                self.drive_opts.append((o, parsed, {"option": "-drive"}))
            elif name == "m":
                self._memory_option(o)
            elif name == "smp":
                try:
                    self.smp_kv.update(keyval(arg, "cpus"))
                except ValueError as exc:
                    self.stop(Phase.OPTIONS, str(exc), o.loc)
                cfg.smp_text = arg
            elif name in ("machine", "M"):
                try:
                    self.machine_kv.update(keyval(arg, "type"))
                except ValueError as exc:
                    self.stop(Phase.OPTIONS, str(exc), o.loc)
            elif name == "name":
                self._name_option(o)
            elif name in ("vnc", "display"):
                self._display_option(o)
            elif name in ("netdev", "nic", "net"):
                self._network_option(o)
            elif name == "device":
                self._device_option(o)
            elif name == "cpu":
                self.cpu_opt = o
            elif name == "enable-kvm":
                cfg.enable_kvm = True
                self.machine_kv["accel"] = "kvm"
            elif name == "accel":
                self.accel_opt = o
            elif name == "daemonize":
                cfg.daemonize = True
            elif name == "S":
                cfg.paused = True
            elif name == "nodefaults":
                cfg.nodefaults = True
            elif name == "nographic":
                cfg.nographic = True
            elif name in _CHARDEV_OPTIONS:
                if arg == "stdio" or (arg or "").startswith("stdio,"):
                    self.stdio_users.append(o)
                cfg.unmodelled.append(("-" + name, arg))
            else:
                cfg.unmodelled.append(("-" + name, arg))

    # ------------------------------------------------------------ pass 2, per option
    def _image_option(self, o: Opt) -> None:
        """``-hda``..``-hdd``, ``-cdrom`` or a bare image name: a -drive with an index."""
        name = o.name
        index = _IMAGE_INDEX[name]
        media = "cdrom" if name == "cdrom" else "disk"
        parsed = Opts([("index", str(index)), ("media", media), ("file", o.arg)],
                      None, [], False)
        self.drive_opts.append((o, parsed, {"option": "(image)" if name == "hda-bare"
                                            else "-" + name}))

    def _memory_option(self, o: Opt) -> None:
        """``-m [size=]N[,slots=,maxmem=]``: sizes as qemu_strtosz reads them (a hex
        size with a suffix is warned about as it is read), slots as qemu_strtou64."""
        parsed = qemu_opts(o.arg, "size")
        self._flag_warnings(o, parsed)
        for k, v in parsed.pairs:
            if k not in ("size", "slots", "maxmem"):
                self.stop(Phase.OPTIONS, E.invalid_parameter(k), o.loc)
            if k in ("size", "maxmem"):
                size = qemu_strtosz(v)
                if size.hex_suffix:
                    self.warn(Phase.OPTIONS, E.warning_text(E.hex_suffix_deprecated(v), o.loc))
                if size.err == ERANGE:
                    self.stop(Phase.OPTIONS, E.size_out_of_range(v, k), o.loc)
                if size.err:
                    msg, hint = E.size_invalid(k)
                    self.stop(Phase.OPTIONS, msg, o.loc, hint)
            if k == "slots":
                number = qemu_strtou64(v)
                if number.err == ERANGE:
                    self.stop(Phase.OPTIONS, E.number_too_large(v, k), o.loc)
                if number.err:
                    self.stop(Phase.OPTIONS, E.parameter_expects(k, "a number"), o.loc)
        self.mem_opts.extend(parsed.pairs)
        self.mem_loc = o.loc

    def _name_option(self, o: Opt) -> None:
        """``-name [guest=]NAME[,process=,debug-threads=]``."""
        cfg = self.cfg
        parsed = qemu_opts(o.arg, "guest")
        self._flag_warnings(o, parsed)
        for k, v in parsed.pairs:
            if k not in ("guest", "process", "debug-threads"):
                self.stop(Phase.OPTIONS, E.invalid_parameter(k), o.loc)
            if k == "debug-threads" and parse_bool(v) is None:
                self.stop(Phase.OPTIONS, E.parameter_expects(k, "'on' or 'off'"), o.loc)
        cfg.name = parsed.get("guest", cfg.name)
        cfg.process_name = parsed.get("process", cfg.process_name)

    def _display_option(self, o: Opt) -> None:
        """``-vnc ...`` and ``-display TYPE[,...]`` (``-display vnc=...`` is a -vnc too)."""
        arg = o.arg
        if o.name == "vnc":
            parsed = qemu_opts(arg, "vnc")
            self._flag_warnings(o, parsed)
            self._check_vnc_values(o, parsed)
            self.vnc_opts.append((o, parsed))
            return
        if arg.startswith("vnc"):       # parse_display(): vnc is no DisplayType
            if arg[3:4] != "=":
                self.stop(Phase.OPTIONS, E.vnc_display_argument(), o.loc)
            self.cfg.display = "vnc"
            parsed = qemu_opts(arg[4:], "vnc")
            self._check_vnc_values(o, parsed)
            self.vnc_opts.append((o, parsed))
            return
        try:
            kind = keyval(arg, "type").get("type")     # parse_display_qapi()
        except ValueError as exc:
            self.stop(Phase.OPTIONS, str(exc), o.loc)
        if kind is None:
            self.stop(Phase.OPTIONS, E.parameter_missing("type"), o.loc)
        if kind not in _DISPLAYS or kind == "vnc":
            self.stop(Phase.OPTIONS, E.parameter_bad_value("type", kind), o.loc)
        self.cfg.display = kind

    def _check_vnc_values(self, o: Opt, parsed: Opts) -> None:
        """The -vnc QemuOpts: known names, numbers (qemu_strtou64) and booleans."""
        for k, v in parsed.pairs:
            if k not in _VNC_PARAMS:
                self.stop(Phase.OPTIONS, E.invalid_parameter(k), o.loc)
            if k in _VNC_NUMBERS:
                number = qemu_strtou64(v)
                if number.err == ERANGE:
                    self.stop(Phase.OPTIONS, E.number_too_large(v, k), o.loc)
                if number.err:
                    self.stop(Phase.OPTIONS, E.parameter_expects(k, "a number"), o.loc)
            if k in _VNC_BOOLS and parse_bool(v) is None:
                self.stop(Phase.OPTIONS, E.parameter_expects(k, "'on' or 'off'"), o.loc)

    def _network_option(self, o: Opt) -> None:
        """``-netdev``, ``-nic`` and ``-net``: ids checked here, backends made in the
        network phase (all -netdev first, then -nic, then -net)."""
        name = o.name
        parsed = qemu_opts(o.arg, "type")
        if name == "netdev" and parsed.get("type") in ("help", "?"):
            raise QemuExit(stdout="Available netdev backend types:\n"
                           + "".join(t + "\n" for t in _NETDEV_HELP), status=0)
        self._flag_warnings(o, parsed)
        self._check_id(o, parsed.id, name)
        if name == "netdev":
            self.net_opts.append((o, parsed))
        elif name == "nic":
            self.nic_opts.append((o, parsed))
        else:
            if parsed.get("type") == "nic" and parsed.get("model") == "help":
                raise QemuExit(stdout="Supported NIC models:\n"
                               + "".join(m + "\n" for m in NIC_MODELS), status=0)
            self.legacy_net.append((o, parsed))

    def _device_option(self, o: Opt) -> None:
        """``-device DRIVER,prop=value,...`` or its JSON form."""
        arg = o.arg
        parsed = _json_device(arg) if arg.startswith("{") else qemu_opts(arg, "driver")
        self._flag_warnings(o, parsed)
        self._check_id(o, parsed.id, "device")
        if parsed.get("driver") == "help" or parsed.help:
            raise NotModelled("-device help")
        self.device_opts.append((o, parsed))


def _json_device(text: str) -> Opts:
    """``-device '{"driver":"e1000","netdev":"n1"}'``: the same properties as JSON."""
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise NotModelled("-device with malformed JSON") from exc
    if not isinstance(obj, dict):
        raise NotModelled("-device with a JSON non-object")
    pairs = [(str(k), ("on" if v else "off") if isinstance(v, bool) else str(v))
             for k, v in obj.items() if k != "id"]
    return Opts(pairs, obj.get("id"), [], False)
