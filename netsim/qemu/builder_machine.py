"""The machine phases: machine type, -daemonize, disks, -machine properties, -smp, -m,
the accelerator and the CPU model -- in the order QEMU 7.2 runs them.

The network phase comes between the accelerator and the CPU model
(:mod:`netsim.qemu.builder_net`); :class:`~netsim.qemu.builder.Builder` calls them all
in order.
"""

from __future__ import annotations

from netsim.qemu import errors as E
from netsim.qemu.builder_base import BuilderBase, Opt
from netsim.qemu.config import DEFAULT_RAM, RAM_ALIGN, Drive, Memory, Smp
from netsim.qemu.cutils import ERANGE, INT_MAX, qemu_strtosz, qemu_strtou64
from netsim.qemu.errors import NotModelled
from netsim.qemu.opts import Opts, parse_bool, parse_int64, qemu_opts
from netsim.qemu.plan import Daemonize, OpenImage, OpenKvm, Phase
from netsim.qemu.tables import CPU_MODELS, MACHINES

# -drive options the block layer takes; another is refused by the image's format driver
_DRIVE_KNOWN = {"file", "if", "index", "bus", "unit", "media", "format", "readonly",
                "snapshot", "cache", "aio", "discard", "detect-zeroes", "werror",
                "rerror", "serial", "addr", "copy-on-read", "cyls", "heads", "secs",
                "trans", "cache.direct", "cache.no-flush", "read-only", "force-share",
                "auto-read-only", "node-name", "driver", "locking", "throttling.iops-total",
                "throttling.bps-total"}
_BLOCK_FORMATS = {"raw", "qcow2", "qcow", "vmdk", "vdi", "vhdx", "vpc", "qed", "luks",
                  "dmg", "parallels", "bochs", "cloop", "file", "host_device", "host_cdrom",
                  "nbd", "blkdebug", "null-co", "copy-on-read", "throttle", "vvfat",
                  "compress", "preallocate", "quorum", "replication", "blklogwrites",
                  "snapshot-access", "blkverify", "iscsi", "rbd", "ssh", "gluster", "nfs"}
_DRIVE_IFS = ("none", "ide", "scsi", "floppy", "pflash", "mtd", "sd", "virtio", "xen")
_ACCELS = ("kvm", "tcg", "xen", "qtest")
_ASCII_DIGITS = tuple("0123456789")
# properties of the pc machines (-machine KEY=...)
_MACHINE_PROPS = {
    "type", "accel", "kernel-irqchip", "kernel_irqchip", "kvm-shadow-mem", "kvm_shadow_mem",
    "dump-guest-core", "mem-merge", "usb", "graphics", "vmport", "smm", "sata", "smbus",
    "pit", "hpet", "nvdimm", "nvdimm-persistence", "max-ram-below-4g", "max-fw-size",
    "firmware", "pflash0", "pflash1", "memory-backend", "memory-encryption",
    "confidential-guest-support", "suppress-vmdesc", "iommu", "acpi", "sgx-epc", "boot",
    "default-bus-bypass-iommu", "bus-lock-ratelimit", "x-oem-id", "x-oem-table-id",
    "hmat", "i8042", "fd-bootindex", "kernel", "initrd", "append", "dtb", "dumpdtb",
    "phandle-start", "dt-compatible", "memory", "smp"}


_NETWORK_PROTOCOLS = ("nbd", "nbd+tcp", "nbd+unix", "http", "https", "ftp", "ftps", "ssh",
                      "iscsi", "iser", "rbd", "gluster", "gluster+tcp", "gluster+unix",
                      "gluster+rdma", "nfs", "json", "host_device", "host_cdrom", "vvfat",
                      "null-co", "null-aio", "blkdebug", "blkverify", "nvme")


def _protocol(filename: str) -> str | None:
    """``path_has_protocol()``: a ``NAME:`` before any ``/`` names a block protocol
    (``file:x.img`` is the file x.img); the name is kept in a char[128]."""
    i = 0
    while i < len(filename) and filename[i] not in ":/":
        i += 1
    if i == len(filename) or filename[i] != ":":
        return None
    return filename[:i][:127]


def _c_int(value: int) -> int:
    """A 64-bit number stored into a C int: its low 32 bits, signed."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value > INT_MAX else value


def _c_div(a: int, b: int) -> int:
    """C's ``a / b`` on ints: the quotient rounded toward zero."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _c_mod(a: int, b: int) -> int:
    """C's ``a % b``: the remainder has the sign of ``a``."""
    return a - b * _c_div(a, b)


class MachinePhases(BuilderBase):
    """The phases before the network (and the CPU model, right after it)."""

    def phase_machine_type(self) -> None:
        """``-machine [type=]``: one of ``-machine help``'s names; ``pc`` is pc-i440fx-7.2."""
        cfg = self.cfg
        mtype = self.machine_kv.get("type", "pc")
        if mtype in ("help", "?"):
            raise NotModelled("-machine help")
        if mtype not in MACHINES:
            msg, hint = E.unsupported_machine_type()
            self.stop(Phase.MACHINE_TYPE, msg, None, hint)
        cfg.machine = mtype
        cfg.machine_type = {"pc": "pc-i440fx-7.2", "q35": "pc-q35-7.2"}.get(mtype, mtype)

    def phase_daemonize(self) -> None:
        """``-daemonize``: refused with -nographic, curses or a chardev on stdio; else fork."""
        cfg = self.cfg
        if not cfg.daemonize:
            return
        if cfg.nographic and not cfg.nodefaults:
            self.stop(Phase.DAEMONIZE, E.nographic_with_daemonize())
        if cfg.display == "curses":
            self.stop(Phase.DAEMONIZE, E.curses_with_daemonize())
        for o in self.stdio_users:
            text = E.error_text(E.stdio_with_daemonize(), o.loc)
            if o.name == "serial":
                text += E.error_text("could not connect serial device to character backend "
                                     f"'{o.arg}'", o.loc)
            self.stop(Phase.DAEMONIZE, "", text=text)
        self.steps.append(Daemonize(Phase.DAEMONIZE))

    def phase_drives(self) -> None:
        """Each disk gets its bus and unit, and its image is opened (read-only for now)."""
        used: dict[tuple[str, int, int], Drive] = {}
        for o, parsed, extra in self.drive_opts:
            d = self._drive(o, parsed, extra, used)
            if d is None:
                continue
            used[(d.interface, d.bus, d.unit)] = d
            self.cfg.drives.append(d)
            if not d.file and any(k not in _DRIVE_KNOWN for k in d.options):
                # options for a block driver, but no file: bdrv_open() cannot choose one
                self.stop(Phase.DRIVES, E.driver_or_file_needed(), d.location)
            if d.file:
                protocol = _protocol(d.file)
                if protocol is not None and protocol != "file":
                    if protocol in _NETWORK_PROTOCOLS:
                        raise NotModelled(f"-drive over the {protocol} protocol")
                    self.stop(Phase.DRIVES, E.unknown_protocol(protocol), d.location)
                self.steps.append(OpenImage(Phase.DRIVES, d.location, drive=d))
                fmt = d.format or "raw"
                for k in d.options:
                    if k not in _DRIVE_KNOWN:
                        self.stop(Phase.DRIVES, E.block_option_unsupported(fmt, k), d.location)

    def _drive(self, o: Opt, parsed: Opts, extra: dict,
               used: dict[tuple[str, int, int], Drive]) -> Drive | None:
        """One -drive (or -hdX, -cdrom, bare image): QEMU's checks, then its Drive."""
        loc = o.loc
        # qemu_opts_absorb_qdict(): the legacy numbers are read before anything else
        nums = {}
        for key in ("index", "bus", "unit"):
            v = parsed.get(key)
            if v is not None:
                n = qemu_strtou64(v)
                if n.err == ERANGE:
                    self.stop(Phase.DRIVES, E.number_too_large(v, key), loc)
                if n.err:
                    self.stop(Phase.DRIVES, E.parameter_expects(key, "a number"), loc)
                nums[key] = _c_int(n.value)      # qemu_opt_get_number() into an int
        media = parsed.get("media", "disk")
        if media not in ("disk", "cdrom"):
            self.stop(Phase.DRIVES, E.invalid_media(media), loc)
        iface = parsed.get("if", "ide")
        if iface not in _DRIVE_IFS:
            self.stop(Phase.DRIVES, E.unsupported_bus_type(iface), loc)
        bus, unit, index = nums.get("bus", 0), nums.get("unit", -1), nums.get("index", -1)
        max_devs = {"ide": 2, "scsi": 7}.get(iface, 0)
        if index != -1:
            if bus != 0 or unit != -1:
                self.stop(Phase.DRIVES, E.index_with_bus_unit(), loc)
            bus, unit = (_c_div(index, max_devs), _c_mod(index, max_devs)) if max_devs \
                else (0, index)
        if unit == -1:
            unit = 0
            while (iface, bus, unit) in used:
                unit += 1
                if max_devs and unit >= max_devs:
                    unit -= max_devs
                    bus = _c_int(bus + 1)
        if max_devs and unit >= max_devs:
            self.stop(Phase.DRIVES, E.unit_too_big(unit, max_devs - 1), loc)
        if (iface, bus, unit) in used:
            self.stop(Phase.DRIVES, E.drive_exists(bus, unit, index), loc)
        index = None if index == -1 else index
        fmt = parsed.get("format")
        if fmt is not None and fmt not in _BLOCK_FORMATS:
            self.stop(Phase.DRIVES, E.unknown_block_driver(fmt), loc)
        readonly = parse_bool(parsed.get("readonly", "off") or "off") or media == "cdrom"
        if parsed.id:
            ident = parsed.id
        elif iface == "ide":
            ident = f"ide{bus}-{'cd' if media == 'cdrom' else 'hd'}{unit}"
        elif iface in ("virtio", "scsi", "floppy", "sd", "mtd", "pflash"):
            prefix = {"floppy": "floppy", "pflash": "pflash"}.get(iface, iface)
            ident = f"{prefix}{unit if iface != 'scsi' else unit}"
        else:
            ident = f"{iface}{bus}-{unit}"
        opts = {k: v for k, v in parsed.pairs
                if k not in ("if", "index", "bus", "unit", "media", "format", "readonly",
                             "file")}
        return Drive(file=parsed.get("file") or None, interface=iface, index=index, bus=bus,
                     unit=unit, media=media, format=fmt, readonly=bool(readonly), id=ident,
                     option=extra["option"], location=loc, options=opts)

    def phase_machine_props(self) -> None:
        """The -machine properties other than the type, once the type is known."""
        for k in self.machine_kv:
            if k.split(".")[0] not in _MACHINE_PROPS:
                self.stop(Phase.MACHINE_PROPS,
                          E.property_not_found(f"{self.cfg.machine_type}-machine", k))

    def phase_smp(self) -> None:
        """``-smp``: the missing counts filled in (cores preferred over sockets since
        QEMU 6.2), then the topology checked against the machine's limit."""
        kv = self.smp_kv
        order = ("cpus", "sockets", "dies", "clusters", "cores", "threads", "maxcpus")
        vals: dict[str, int] = {}
        for k in order:
            if k in kv:
                v = parse_int64(kv[k])
                if v is None:
                    self.stop(Phase.SMP, E.parameter_expects(f"smp.{k}", "integer"))
                vals[k] = v
        for k in kv:
            if k not in order:
                self.stop(Phase.SMP, E.parameter_unexpected(f"smp.{k}"))
        if any(v == 0 for v in vals.values()):
            self.warn(Phase.SMP, E.warning_text(E.smp_zero_deprecated()))
        u = {k: vals.get(k, 0) & 0xFFFFFFFF for k in order}
        cpus, sockets, dies, clusters, cores, threads, maxcpus = (u[k] for k in order)
        if clusters > 1:
            self.stop(Phase.SMP, E.smp_not_supported("clusters"))
        dies = dies or 1
        clusters = clusters or 1
        m32 = 0xFFFFFFFF

        def div(a: int, b: int) -> int:
            return a // b if b else 0

        if cpus == 0 and maxcpus == 0:
            sockets, cores, threads = sockets or 1, cores or 1, threads or 1
        else:
            maxcpus = maxcpus or cpus
            if cores == 0:   # prefer cores over sockets since QEMU 6.2
                sockets, threads = sockets or 1, threads or 1
                cores = div(maxcpus, (sockets * dies * clusters * threads) & m32)
            elif sockets == 0:
                threads = threads or 1
                sockets = div(maxcpus, (dies * clusters * cores * threads) & m32)
            if threads == 0:
                threads = div(maxcpus, (sockets * dies * clusters * cores) & m32)
        maxcpus = maxcpus or (sockets * dies * clusters * cores * threads) & m32
        cpus = cpus or maxcpus
        hier = f"sockets ({sockets}) * dies ({dies}) * cores ({cores}) * threads ({threads})"
        if (sockets * dies * clusters * cores * threads) & m32 != maxcpus:
            self.stop(Phase.SMP, E.smp_topology_mismatch(hier, maxcpus))
        if maxcpus < cpus:
            self.stop(Phase.SMP, E.smp_maxcpus_too_small(hier, maxcpus, cpus))
        limit = 288 if "q35" in self.cfg.machine_type else 255
        if maxcpus > limit:
            signed = maxcpus - (1 << 32) if maxcpus >= 1 << 31 else maxcpus
            self.stop(Phase.SMP, E.smp_too_many(signed, self.cfg.machine_type, limit))
        self.cfg.smp = Smp(cpus, sockets, dies, clusters, cores, threads, maxcpus)

    def phase_memory(self) -> None:
        """``-m``: QEMU hands the texts to the machine's ``memory`` property (keyval):
        a bare number gets an ``M`` (``-m 18446744073709551615`` is then too big: ``expects
        size``); the size is rounded up to 8 KiB (modulo 2^64), then checked against
        ``maxmem`` and ``slots`` (``machine_set_mem``)."""
        mem = dict(self.mem_opts)
        text = mem.get("size")
        size = DEFAULT_RAM
        if text is not None and qemu_strtosz(text).value != 0:
            full = text + "M" if text[-1:] in _ASCII_DIGITS else text
            parsed = qemu_strtosz(full)
            if parsed.hex_suffix:
                self.warn(Phase.MEMORY, E.warning_text(E.hex_suffix_deprecated(full)))
            if parsed.err:
                self.stop(Phase.MEMORY, E.machine_property_expects("memory.size", "size"))
            size = parsed.value
        size = (size + RAM_ALIGN - 1) // RAM_ALIGN * RAM_ALIGN % (1 << 64)
        maxmem = None
        if "maxmem" in mem:
            parsed = qemu_strtosz(mem["maxmem"])
            if parsed.hex_suffix:
                self.warn(Phase.MEMORY, E.warning_text(E.hex_suffix_deprecated(mem["maxmem"])))
            maxmem = parsed.value
        slots = qemu_strtou64(mem["slots"]).value if "slots" in mem else None
        if maxmem is not None:
            if maxmem < size:
                self.stop(Phase.MEMORY, E.maxmem_below_size(maxmem, size))
            if slots and maxmem == size:
                self.stop(Phase.MEMORY, E.maxmem_equals_size_with_slots(maxmem, size))
        elif slots is not None:
            self.stop(Phase.MEMORY, E.slots_without_maxmem())
        self.cfg.memory = Memory(size, text, slots, maxmem)

    def phase_accel(self) -> None:
        """``-accel`` or ``-machine accel=`` (``-enable-kvm``): KVM opens /dev/kvm."""
        cfg = self.cfg
        if self.accel_opt is not None and "accel" in self.machine_kv:
            self.stop(Phase.ACCEL, E.accel_options_incompatible())
        if self.accel_opt is not None:
            names = [qemu_opts(self.accel_opt.arg or "", "accel").get("accel", "")]
            loc = self.accel_opt.loc
        else:
            names = self.machine_kv.get("accel", "tcg").split(":")
            loc = None
        for n in names:
            if n not in _ACCELS:
                self.stop(Phase.ACCEL, E.invalid_accelerator(n), loc)
        cfg.accel = names
        if names[0] == "kvm":
            cfg.enable_kvm = True
            self.steps.append(OpenKvm(Phase.ACCEL, loc, fallback_tcg=len(names) > 1,
                                      smp_cpus=cfg.smp.cpus, maxcpus=cfg.smp.maxcpus))

    def phase_cpu(self) -> None:
        """``-cpu MODEL``: one of ``-cpu help``'s names; ``host`` needs KVM."""
        cfg = self.cfg
        if self.cpu_opt is None:
            return
        text = self.cpu_opt.arg or ""
        if not text:
            self.stop(Phase.CPU, E.cpu_option_empty())
        model = text.split(",")[0]
        if model in ("help", "?"):
            raise NotModelled("-cpu help")
        if model not in CPU_MODELS:
            self.stop(Phase.CPU, E.unknown_cpu_model(model))
        if model == "host" and not cfg.enable_kvm:
            self.stop(Phase.CPU, E.cpu_needs_kvm(model))
        cfg.cpu_model = text

