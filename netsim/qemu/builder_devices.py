"""The board, ``-device`` and the display: the phases after the CPU model.

The board creates the NICs of ``-nic``/``-net`` (MACs from 52:54:00:12:34:56 up), the
guest RAM, the vCPUs and the IDE disks; then each ``-device`` is created in argv order,
its properties checked against the model's (``-device MODEL,help``); last, the GTK
window or the VNC server.
"""

from __future__ import annotations

from netsim.qemu import errors as E
from netsim.qemu.builder_base import BuilderBase, Opt
from netsim.qemu.config import MAC_BASE, Device, Drive, Nic, Vnc
from netsim.qemu.cutils import parse_uint_full, qemu_strtoi64, qemu_strtou64
from netsim.qemu.opts import Opts, parse_bool, parse_device_mac
from netsim.qemu.plan import AllocRam, AttachImage, CreateVcpus, InitGtk, ListenVnc, Phase
from netsim.qemu.tables import DEVICE_ALIASES, DEVICES, NIC_MODELS, NIC_PROPS
from netsim.user.strtol import strtol

# devices that take a drive=, and the type QEMU names in "can't find value" errors
_DRIVE_DEVICES = {"ide-hd": "ide-hd", "ide-cd": "ide-cd", "scsi-hd": "scsi-hd",
                  "scsi-cd": "scsi-cd", "virtio-blk-pci": "virtio-blk-device",
                  "floppy": "floppy", "usb-storage": "usb-storage"}


class DevicePhases(BuilderBase):
    """The board, ``-device`` and the display phases."""

    def phase_board(self) -> None:
        """The pc board: RAM, the NICs of -nic/-net, vCPUs (KVM), then the IDE disks
        take write access; a disk on a bus the board lacks is an orphan."""
        cfg = self.cfg
        self.steps.append(AllocRam(Phase.BOARD, size=cfg.memory.size))
        mem = cfg.memory
        if mem.maxmem is not None and mem.size < mem.maxmem and (mem.slots or 0) > 256:
            self.stop(Phase.BOARD, E.memory_slots_unsupported(mem.slots or 0))
        for nic in self.board_nics:
            if nic.model not in NIC_MODELS and nic.model != "ne2k_isa":
                self.stop(Phase.BOARD, E.unsupported_nic_model(nic.model_text))
            self._add_nic(nic)
        if cfg.smp.threads > 1 and (cfg.cpu_model or "qemu64").split(",")[0] in (
                "qemu64", "qemu64-v1"):
            msg, hint = E.amd_hyperthreading(cfg.smp.threads)
            self.warn(Phase.BOARD, E.warning_text(msg) + hint)
        if cfg.enable_kvm:
            self.steps.append(CreateVcpus(Phase.BOARD, count=cfg.smp.cpus))
        ide = sorted((d for d in cfg.drives if d.interface == "ide"),
                     key=lambda d: (d.bus, d.unit))
        nbus = 6 if "q35" in cfg.machine_type else 2
        def taken(d: Drive) -> bool:     # the board's IDE controllers: bus 0..nbus-1, unit 0-1
            return 0 <= d.bus < nbus and 0 <= d.unit < 2

        for d in ide:
            if not taken(d):
                continue
            if d.file is None and d.media == "disk":
                self.stop(Phase.BOARD, E.drive_empty())
            if d.readonly and d.media == "disk":
                self.stop(Phase.BOARD, E.node_read_only())
            if d.file is not None and not d.readonly:
                self.steps.append(AttachImage(Phase.BOARD, None, drive=d))
        for d in ide:       # drive_check_orphaned(): drives no board device took
            if not taken(d):
                self.stop(Phase.BOARD, E.drive_slot_unsupported("ide", d.bus, d.unit),
                          d.location)

    def _add_nic(self, nic: Nic) -> None:
        """Name the NIC (``id=`` or ``MODEL.N``), give it a MAC, pair it with its backend."""
        same = sum(1 for n in self.cfg.nics if n.model == nic.model)
        nic.name = nic.id or f"{nic.model}.{same}"
        if not nic.mac_given or nic.mac == "00:00:00:00:00:00":
            nic.mac = self._free_mac()
            nic.mac_given = False
        self._mark_mac(nic.mac)
        if nic.netdev is not None:
            nd = self.cfg.netdev(nic.netdev)
            if nd is not None:
                nd.peer = nic.name
        self.cfg.nics.append(nic)

    def _free_mac(self) -> str:
        # qemu_macaddr_get_free(): the lowest last byte from 0x56 not yet in use
        for b in range(0x56, 0xFF):
            if not self.mac_used.get(b):
                return f"{MAC_BASE}:{b:02x}"
        return f"{MAC_BASE}:ff"

    def _mark_mac(self, mac: str) -> None:
        if mac.startswith(MAC_BASE + ":"):
            b = int(mac[-2:], 16)
            if 0x56 <= b < 0xFF:
                self.mac_used[b] = self.mac_used.get(b, 0) + 1

    def phase_devices(self) -> None:
        """Each ``-device`` in argv order; then the virtio disks take write access."""
        for o, parsed in self.device_opts:
            self._device(o, parsed)
        for d in self.cfg.drives:
            if d.interface == "virtio" and d.file is not None and not d.readonly:
                self.steps.append(AttachImage(Phase.DEVICES, None, drive=d))

    def _device(self, o: Opt, parsed: Opts) -> None:
        """One ``-device``: a known model on a bus the machine has, its ``drive=``; a NIC
        is modelled, any other device only recorded."""
        loc = o.loc
        driver = parsed.get("driver")
        if driver is None:
            self.stop(Phase.DEVICES, E.parameter_missing("driver"), loc)
        typ = DEVICE_ALIASES.get(driver, driver)
        if typ not in DEVICES:
            self.stop(Phase.DEVICES, E.not_a_device_model(driver), loc)
        props = [(k, v) for k, v in parsed.pairs if k != "driver"]
        bus = DEVICES[typ]
        if bus in ("virtio-bus", "usb-bus") and not any(k == "bus" for k, _ in props):
            self.stop(Phase.DEVICES, E.no_bus_for_device(bus, typ), loc)
        if typ in _DRIVE_DEVICES:
            drive = dict(props).get("drive")
            if drive is None and typ in ("ide-hd", "ide-cd"):
                self.stop(Phase.DEVICES, "No drive specified", loc)
            if drive is not None and not any(d.id == drive for d in self.cfg.drives):
                self.stop(Phase.DEVICES,
                          E.property_cant_find(_DRIVE_DEVICES[typ], "drive", drive), loc)
        if typ not in NIC_PROPS:
            self.cfg.devices.append(Device(typ, dict(props), parsed.id, loc))
            self.cfg.unmodelled.append(("-device", o.arg))
            return
        self._nic_device(typ, driver, parsed.id, props, loc)

    def _nic_device(self, typ: str, driver: str, ident: str | None,
                    props: list[tuple[str, str]], loc: str) -> None:
        """A NIC ``-device``: each property checked against the model's own list, in
        the order given (``mac=``, ``netdev=`` free for it, ``addr=`` a free PCI slot)."""
        nic = Nic(model=typ, model_text=driver, netdev=None, id=ident, origin="-device",
                  location=loc)
        schema = NIC_PROPS[typ]
        for k, v in props:
            if k == "bus":
                continue
            t = schema.get(k)
            if t is None:
                self.stop(Phase.DEVICES, E.property_not_found(typ, k), loc)
            if k == "mac":
                mac = parse_device_mac(v)
                if mac is None:
                    self.stop(Phase.DEVICES, E.property_bad_value(typ, k, v), loc)
                nic.mac, nic.mac_given = mac, True
            elif k == "netdev":
                nd = self.cfg.netdev(v)
                if nd is None:
                    self.stop(Phase.DEVICES, E.property_cant_find(typ, k, v), loc)
                if nd.peer is not None or nd.hub is not None:
                    self.stop(Phase.DEVICES, E.property_in_use(typ, k, v), loc)
                nic.netdev = v
            elif k == "addr":
                slot = _pci_devfn(v)
                if slot is None:
                    self.stop(Phase.DEVICES, E.property_bad_value(typ, k, v), loc)
                if not self.pci_slots:
                    self.pci_slots.update(self._board_pci())
                if slot in self.pci_slots:
                    other = self.pci_slots[slot]
                    self.stop(Phase.DEVICES, E.pci_slot_in_use(*slot, typ, other.model,
                                                                other.id), loc)
                f0 = self.pci_slots.get((slot[0], 0))
                if slot[1] and f0 is not None and not _multifunction(f0):
                    self.stop(Phase.DEVICES, E.pci_single_function(*slot), loc)
                self.pci_slots[slot] = nic
            elif t == "bool" and parse_bool(v) is None:
                self.stop(Phase.DEVICES, E.parameter_expects(k, "'on' or 'off'"), loc)
            elif t.startswith(("int", "uint")):
                why = _keyval_integer(t, v)
                if why:
                    self.stop(Phase.DEVICES, E.parameter_expects(k, why), loc)
            nic.props[k] = v
        self._add_nic(nic)

    def _board_pci(self) -> dict[tuple[int, int], Nic]:
        """The PCI functions the board itself fills: the host bridge and the chipset
        (and the VGA card unless -nodefaults)."""
        if "q35" in self.cfg.machine_type:
            board = {(0, 0): "mch", (31, 0): "ICH9-LPC*", (31, 2): "ich9-ahci",
                     (31, 3): "ICH9-SMB"}
        else:
            board = {(0, 0): "i440FX", (1, 0): "PIIX3*", (1, 1): "piix3-ide",
                     (1, 3): "PIIX4_PM"}
        if not self.cfg.nodefaults:
            board[(2, 0)] = "VGA"
        return {slot: Nic(model=name.rstrip("*"), model_text=name, netdev=None,
                          origin="board", location="")
                for slot, name in board.items()}

    def phase_display(self) -> None:
        """No -display, -vnc or -nographic: a GTK window. Each ``-vnc`` binds its socket."""
        cfg = self.cfg
        if cfg.display is None and not cfg.nographic and not self.vnc_opts:
            cfg.display = "gtk"
        if cfg.display in ("gtk", "sdl"):
            self.steps.append(InitGtk(Phase.DISPLAY))
        for o, parsed in self.vnc_opts:
            v = _vnc(parsed.get("vnc"), parsed)
            if isinstance(v, str):
                self.stop(Phase.DISPLAY, v, o.loc)
            cfg.vnc.append(v)
            if v.display is not None or v.unix:
                self.steps.append(ListenVnc(Phase.DISPLAY, o.loc, vnc=v))


def _multifunction(dev: Nic) -> bool:
    """Function 0 of a slot that lets other functions in (PIIX3, ICH9-LPC, or a NIC with
    ``multifunction=on``)."""
    if dev.origin == "board":
        return dev.model_text.endswith("*")
    return bool(parse_bool(dev.props.get("multifunction", "off")))


def _keyval_integer(kind: str, value: str) -> str | None:
    """A -device integer property through the keyval visitor: ``qemu_strtoi64`` or
    ``qemu_strtou64`` (``expects integer``), then the C type's range (``expects
    uint32_t``); None when the value is fine."""
    bits = int(kind.lstrip("uint") or 64)
    if kind.startswith("uint"):
        n = qemu_strtou64(value)
        if not n.ok:
            return "integer"
        return f"{kind}_t" if n.value >= 1 << bits else None
    n = qemu_strtoi64(value)
    if not n.ok:
        return "integer"
    return f"{kind}_t" if not -(1 << (bits - 1)) <= n.value < 1 << (bits - 1) else None


def _scan_hex(text: str, p: int) -> tuple[int, int] | None:
    """sscanf's ``%x`` from ``p``: (value as an unsigned int, end) or None."""
    parsed = strtol(text, 16, unsigned=True, start=p)
    if parsed is None:
        return None
    return parsed.value & 0xFFFFFFFF, parsed.end


def _pci_devfn(text: str) -> tuple[int, int] | None:
    """``addr=SLOT[.FN]`` (``set_pci_devfn``): ``sscanf("%x.%x%n")``, else ``"%x%n"``;
    nothing may follow, the slot is at most 31 and the function at most 7."""
    first = _scan_hex(text, 0)
    if first is None:
        return None
    slot, end = first
    fn = 0
    second = _scan_hex(text, end + 1) if text[end:end + 1] == "." else None
    if second is not None:
        fn, end = second
    if end != len(text) or fn > 7 or slot > 31:
        return None
    return slot, fn


def _vnc(text: str | None, parsed: Opts) -> Vnc | str:
    """``-vnc none | [host]:N | unix:path`` (``vnc_display_get_address``): a Vnc, or
    QEMU's complaint. The display number is ``parse_uint_full(port, 10)``; the error
    quotes it as typed."""
    pw = bool(parse_bool(parsed.get("password", "off") or "off"))
    if text is None or text == "none":
        return Vnc(text or "", None, "", password=pw)
    if text.startswith("unix:"):
        return Vnc(text, None, "", unix=text[5:], password=pw)
    if ":" not in text:
        return E.vnc_no_port()
    host, num = text.rsplit(":", 1)
    if not num:
        return E.vnc_port_empty()
    n = parse_uint_full(num, 10)
    if not n.ok:
        return E.vnc_bad_number(num)
    if n.value > 65535 - 5900:
        return E.vnc_port_out_of_range(num)
    if len(host) >= 2 and host[0] == "[" and host[-1] == "]":
        host = host[1:-1]
    return Vnc(text, n.value, host, password=pw)
