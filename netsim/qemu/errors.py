"""What ``qemu-system-x86_64`` 7.2 prints when it refuses to start, word for word.

Every text here was captured from the real binary (QEMU 7.2.22, Debian 12); the
recordings are in ``tests/qemu/data/``. QEMU reports an error as one line::

    qemu-system-x86_64: LOCATION: MESSAGE

``LOCATION`` is the option being processed when the error was found, exactly as
typed (``-netdev tap,id=n1``), or nothing when QEMU had no option in hand (errors
found while building the machine, e.g. ``Failed to get "write" lock``). Some errors
add a *hint* on the following lines, without the program-name prefix. Warnings look
the same with ``warning:`` after the location.

So the templates below return only the MESSAGE part (``tap_configure_failed``,
``could_not_open_disk``, ...): :func:`error_text` and :func:`warning_text` put the
prefix and location around it. A few outputs are not one QEMU line -- the KVM probe,
the bridge helper's own complaints, an assertion -- and their functions return the
whole text (their names end in ``_text``).

``errno`` values are turned into glibc's ``strerror()`` strings by :func:`strerror`,
so a simulated kernel can pass the errno it produced.
"""

from __future__ import annotations

import errno as _errno
import os

PROG = "qemu-system-x86_64"

# glibc's strerror() texts for the errnos QEMU start-up can meet; a table, not
# os.strerror(), so the output does not depend on the machine running netsim.
_STRERROR = {
    _errno.EPERM: "Operation not permitted",
    _errno.ENOENT: "No such file or directory",
    _errno.EBADF: "Bad file descriptor",
    _errno.ENOMEM: "Cannot allocate memory",
    _errno.EACCES: "Permission denied",
    _errno.EBUSY: "Device or resource busy",
    _errno.ENODEV: "No such device",
    _errno.ENOTDIR: "Not a directory",
    _errno.EISDIR: "Is a directory",
    _errno.EINVAL: "Invalid argument",
    _errno.EOPNOTSUPP: "Operation not supported",
    _errno.EADDRINUSE: "Address already in use",
    _errno.EEXIST: "File exists",
    _errno.E2BIG: "Argument list too long",
    _errno.ENAMETOOLONG: "File name too long",
    _errno.ENOTTY: "Inappropriate ioctl for device",
    _errno.EBADFD: "File descriptor in bad state",
    _errno.EMFILE: "Too many open files",
}


def strerror(err: int | str) -> str:
    """``strerror(err)`` as glibc spells it; a string is taken as already spelled."""
    if isinstance(err, str):
        return err
    return _STRERROR.get(err) or os.strerror(err)


class QemuExit(Exception):  # noqa: N818 -- an exit, not only an error
    """QEMU stops before running a guest: what it printed and its exit status.

    ``-version`` is a QemuExit with status 0 and text on stdout; errors are
    :class:`QemuError`.
    """

    def __init__(self, *, stdout: str = "", stderr: str = "", status: int = 0) -> None:
        super().__init__(stderr or stdout)
        self.stdout = stdout
        self.stderr = stderr
        self.status = status


class QemuError(QemuExit):
    """QEMU refused to start: ``message`` is the exact stderr text of the error.

    ``warnings`` is what QEMU had already printed to stderr before it (image-format
    probing, short-form booleans, ...); ``stderr`` is both, in order. ``status`` is
    the exit status: 1 for every ``error_report`` + ``exit(1)``; 134 (128 + SIGABRT)
    for the two assertion failures QEMU 7.2 dies of (then ``signal`` is 6 and the
    shell adds its own ``Aborted`` line).
    """

    def __init__(self, message: str, status: int = 1, *, warnings: tuple[str, ...] = (),
                 signal: int | None = None) -> None:
        super().__init__(stderr="".join(warnings) + message, status=status)
        self.message = message
        self.warnings = warnings
        self.signal = signal

    def with_warnings(self, warnings: tuple[str, ...]) -> QemuError:
        """The same error, preceded on stderr by ``warnings``."""
        return QemuError(self.message, self.status, warnings=warnings + self.warnings,
                         signal=self.signal)

    def __repr__(self) -> str:
        return f"QemuError({self.message!r}, {self.status})"


class NotModelled(Exception):  # noqa: N818 -- a limit of netsim, not a QEMU error
    """QEMU would accept this (or print a long help text), but netsim does not model it."""


# ------------------------------------------------------------------ composition
def error_text(message: str, location: str | None = None, hint: str | None = None) -> str:
    """``error_report()``: ``PROG: [LOCATION: ]MESSAGE`` then the hint lines as they are."""
    loc = f"{location}: " if location is not None else ""
    return f"{PROG}: {loc}{message}\n" + (hint or "")


def warning_text(message: str, location: str | None = None) -> str:
    """``warn_report()``: like an error, with ``warning:`` in front of the message."""
    loc = f"{location}: " if location is not None else ""
    return f"{PROG}: {loc}warning: {message}\n"


def error(message: str, location: str | None = None, hint: str | None = None) -> QemuError:
    """A :class:`QemuError` (exit status 1) for ``message`` at ``location``."""
    return QemuError(error_text(message, location, hint))


def option_location(option: str, arg: str | None) -> str:
    """How QEMU names the option it is processing: ``-netdev tap,id=x``, ``-S``, or a bare
    image file name (an argument not starting with ``-`` is ``-hda``'s shorthand)."""
    if arg is None:
        return option
    return f"{option} {arg}"


# ------------------------------------------------------------------ the command line
def invalid_option() -> str:
    return "invalid option"


def requires_argument() -> str:
    return "requires an argument"


def option_not_supported() -> str:
    """Options that exist only for other targets (``-g``, ``-prom-env``, ``-semihosting``...)."""
    return "Option not supported for this target"


def version_text() -> str:
    """``qemu-system-x86_64 -version`` (stdout, exit status 0)."""
    return ("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n"
            "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n")


# QemuOpts (-netdev, -device, -drive, -name, -vnc, -m, -net, -nic) and keyval (-smp)
def invalid_parameter(name: str) -> str:
    return f"Invalid parameter '{name}'"


def parameter_missing(name: str) -> str:
    return f"Parameter '{name}' is missing"


def parameter_bad_value(name: str, value: str) -> str:
    return f"Parameter '{name}' does not accept value '{value}'"


def parameter_expects(name: str, what: str) -> str:
    """``Parameter 'smp.cpus' expects integer``, ``... expects 'on' or 'off'``, ``... expects a
    number``, ``... expects a uint64 value``: QEMU names the expected type in words."""
    return f"Parameter '{name}' expects {what}"


def parameter_unexpected(name: str) -> str:
    return f"Parameter '{name}' is unexpected"


def expected_equals(name: str) -> str:
    return f"Expected '=' after parameter '{name}'"


def duplicate_id(ident: str, group: str | None) -> str:
    """``Duplicate ID 'n1' for netdev`` (group = the option list: netdev, device, drive, net,
    nic); without a group when ``-nic``'s id clashes with a ``-netdev``."""
    return f"Duplicate ID '{ident}' for {group}" if group else f"Duplicate ID '{ident}'"


def id_not_identifier() -> tuple[str, str]:
    """Message and hint for ``id=1abc``."""
    return (parameter_expects("id", "an identifier"),
            "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.\n")


def size_invalid(name: str) -> tuple[str, str]:
    """Message and hint for a size QEMU cannot read (``-m 16X``, ``-m 16GB``)."""
    return (parameter_expects(name, "a non-negative number below 2^64"),
            "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
            "and exabytes, respectively.\n")


def size_out_of_range(value: str, name: str) -> str:
    return f"Value '{value}' is out of range for parameter '{name}'"


def number_too_large(value: str, name: str) -> str:
    """A QemuOpts number (``-m slots=``, ``-drive index=``) past 2^64 - 1 (ERANGE)."""
    return f"Value '{value}' is too large for parameter '{name}'"


def short_form_boolean(prefix: str, name: str) -> tuple[str, str]:
    """The warning for ``,ipv6`` / ``,nomitigation`` and its ``Please use`` line."""
    value = "off" if prefix else "on"
    return (f"short-form boolean option '{prefix}{name}' deprecated",
            f"Please use {name}={value} instead\n")


def hex_suffix_deprecated(text: str) -> str:
    return f"Using a multiplier suffix on hex numbers is deprecated: {text}"


# ------------------------------------------------------------------ machine, memory, cpus
def unsupported_machine_type() -> tuple[str, str]:
    return "unsupported machine type", "Use -machine help to list supported machines\n"


def property_not_found(type_name: str, prop: str) -> str:
    """``Property 'e1000.bogus' not found``; for the machine the type is
    ``pc-i440fx-7.2-machine``."""
    return f"Property '{type_name}.{prop}' not found"


def slots_without_maxmem() -> str:
    return "slots specified but no max-size"


def maxmem_below_size(maxmem: int, size: int) -> str:
    return (f"invalid value of maxmem: maximum memory size (0x{maxmem:x}) must be at "
            f"least the initial memory size (0x{size:x})")


def maxmem_equals_size_with_slots(maxmem: int, size: int) -> str:
    return ("invalid value of maxmem: memory slots were specified but maximum memory "
            f"size (0x{maxmem:x}) is equal to the initial memory size (0x{size:x})")


def memory_slots_unsupported(slots: int) -> str:
    """pc_memory_init(): more than 256 (ACPI_MAX_RAM_SLOTS) hot-plug slots."""
    return f"unsupported amount of memory slots: {slots}"


def machine_property_expects(prop: str, what: str) -> str:
    """A -machine property read by the keyval visitor: ``Parameter 'memory.size' expects
    size`` (``-m 18446744073709551615`` is that many MiB), ``... expects integer``."""
    return parameter_expects(prop, what)


def cannot_allocate_guest_memory(region: str = "pc.ram", err: int | str = _errno.ENOMEM) -> str:
    """The host could not give the guest its RAM (``-m 100T``)."""
    return f"cannot set up guest memory '{region}': {strerror(err)}"


def smp_zero_deprecated() -> str:
    return ("Deprecated CPU topology (considered invalid): "
            "CPU topology parameters must be greater than zero")


def smp_not_supported(what: str) -> str:
    return f"{what} not supported by this machine's CPU topology"


def smp_topology_mismatch(hierarchy: str, maxcpus: int) -> str:
    return ("Invalid CPU topology: product of the hierarchy must match maxcpus: "
            f"{hierarchy} != maxcpus ({maxcpus})")


def smp_maxcpus_too_small(hierarchy: str, maxcpus: int, cpus: int) -> str:
    return ("Invalid CPU topology: maxcpus must be equal to or greater than smp: "
            f"{hierarchy} == maxcpus ({maxcpus}) < smp_cpus ({cpus})")


def smp_too_many(count: int, machine: str, limit: int) -> str:
    return f"Invalid SMP CPUs {count}. The max CPUs supported by machine '{machine}' is {limit}"


def amd_hyperthreading(threads: int) -> tuple[str, str]:
    """Warning of the default (AMD-family) ``qemu64`` CPU when ``threads`` > 1."""
    return (f"This family of AMD CPU doesn't support hyperthreading({threads})",
            "Please configure -smp options properly or try enabling topoext feature.\n")


def unknown_cpu_model(model: str) -> str:
    return f"unable to find CPU model '{model}'"


def cpu_needs_kvm(model: str = "host") -> str:
    return f"CPU model '{model}' requires KVM or HVF"


def cpu_option_empty() -> str:
    return "-cpu option cannot be empty"


# ------------------------------------------------------------------ accelerators
def invalid_accelerator(name: str) -> str:
    return f"invalid accelerator {name}"


def accel_options_incompatible() -> str:
    return 'The -accel and "-machine accel=" options are incompatible'


def kvm_unavailable_text(err: int | str, location: str | None = None,
                         fallback: bool = False) -> str:
    """``-enable-kvm`` on a host without a usable /dev/kvm: the first line comes from
    the KVM probe itself (no program name); with ``-machine accel=kvm:tcg`` QEMU goes
    on with TCG (``fallback``) instead of exiting."""
    text = (f"Could not access KVM kernel module: {strerror(err)}\n"
            + error_text(f"failed to initialize kvm: {strerror(err)}", location))
    if fallback:
        text += error_text("falling back to tcg")
    return text


def kvm_too_many_cpus(requested: int, recommended: int, hotpluggable: bool = False) -> str:
    """Warning (not an error) when -smp asks for more vCPUs than the host has CPUs."""
    kind = "hotpluggable" if hotpluggable else "SMP"
    return (f"Number of {kind} cpus requested ({requested}) exceeds the recommended "
            f"cpus supported by KVM ({recommended})")


# ------------------------------------------------------------------ -daemonize, display
def stdio_with_daemonize() -> str:
    return "cannot use stdio with -daemonize"


def nographic_with_daemonize() -> str:
    return "-nographic cannot be used with -daemonize"


def curses_with_daemonize() -> str:
    return "curses display cannot be used with -daemonize"


def gtk_failed_text() -> str:
    """No X display for the default GTK window: printed bare, exit status 1."""
    return "gtk initialization failed\n"


def vnc_display_argument() -> str:
    """``-display vnc`` (or ``vncX``) without ``=DISPLAY``."""
    return "VNC requires a display argument vnc=<display>"


def vnc_no_port() -> str:
    return "no vnc port specified"


def vnc_bad_number(text: str) -> str:
    return f"can't convert to a number: {text}"


def vnc_port_empty() -> str:
    return "vnc port cannot be empty"


def vnc_port_out_of_range(port: int | str) -> str:
    """The display number as typed (``port 060000 out of range``)."""
    return f"port {port} out of range"


# ------------------------------------------------------------------ disks
def could_not_open_disk(path: str, err: int | str) -> str:
    """``Could not open 'x.img': No such file or directory`` (also EACCES...)."""
    return f"Could not open '{path}': {strerror(err)}"


def not_a_regular_file(path: str) -> str:
    return f"'file' driver requires '{path}' to be a regular file"


def raw_probe_warning_text(path: str) -> str:
    """Printed (bare, three lines) for every image opened without ``format=`` whose
    probing found no format header: it is then read as raw."""
    return (f"WARNING: Image format was not specified for '{path}' and probing guessed raw.\n"
            "         Automatically detecting the format is dangerous for raw images, "
            "write operations on block 0 will be restricted.\n"
            "         Specify the 'raw' format explicitly to remove the restrictions.\n")


def image_not_in_format(fmt: str) -> str:
    return f"Image is not in {fmt} format"


def driver_or_file_needed() -> str:
    """A -drive with block-driver options (``-drive -vnc`` is ``-vnc=on``) but no file."""
    return "Must specify either driver or file"


def unknown_protocol(name: str) -> str:
    """``-hda a:b``: a file name with a colon before any slash names a protocol."""
    return f"Unknown protocol '{name}'"


def unknown_block_driver(fmt: str) -> str:
    return f"Unknown driver '{fmt}'"


def block_option_unsupported(fmt: str, option: str) -> str:
    return f"Block format '{fmt}' does not support the option '{option}'"


def unsupported_bus_type(name: str) -> str:
    return f"unsupported bus type '{name}'"


def invalid_media(name: str) -> str:
    return f"'{name}' invalid media"


def unit_too_big(unit: int, max_unit: int) -> str:
    return f"unit {unit} too big (max is {max_unit})"


def drive_exists(bus: int, unit: int, index: int) -> str:
    return f"drive with bus={bus}, unit={unit} (index={index}) exists"


def drive_slot_unsupported(interface: str, bus: int, unit: int) -> str:
    return f"machine type does not support if={interface},bus={bus},unit={unit}"


def index_with_bus_unit() -> str:
    return "index cannot be used with bus and unit"


def drive_empty() -> str:
    return "Device needs media, but drive is empty"


def node_read_only() -> str:
    return "Block node is read-only"


def write_lock_failed(path: str, shared: bool = False) -> tuple[str, str]:
    """Another process (or another -drive of this qemu) holds the image."""
    what = 'shared "write"' if shared else '"write"'
    return f"Failed to get {what} lock", f"Is another process using the image [{path}]?\n"


# ------------------------------------------------------------------ network backends
def backend_not_compiled(kind: str) -> str:
    """``-netdev nic`` / ``-netdev none``: types QEMU knows but -netdev cannot create."""
    return f"network backend '{kind}' is not compiled into this binary"


def tun_open_failed(err: int | str) -> str:
    """open("/dev/net/tun") failed (no tun module: ENOENT)."""
    return f"could not open /dev/net/tun: {strerror(err)}"


def tap_configure_failed(ifname: str, err: int | str) -> str:
    """The TUNSETIFF ioctl failed. The kernel's errno tells why:

    * EBUSY -- ``ifname`` is a single-queue tap another process already holds;
    * EINVAL -- ``ifname`` exists but is not a tap QEMU can attach to: a veth, a
      bridge, a *tun*-mode device, or a multi_queue tap (QEMU asks for one queue);
    * EPERM -- the user may not create or attach the tap (not root, not its owner).

    ``ifname`` is what QEMU asked for (``tap%d`` when no ifname= was given).
    """
    return f"could not configure /dev/net/tun ({ifname}): {strerror(err)}"


def tap_open_failed(ifname: str, err: int | str) -> str:
    """Alias of :func:`tap_configure_failed`: the name the rest of netsim asks for."""
    return tap_configure_failed(ifname, err)


def script_failed(script: str, status: int) -> str:
    """The ifup (or ifdown) script did not exit 0. ``status`` is the raw wait status as
    ``waitpid()`` returns it: exit code N shows as N*256 (``exit 3`` -> 768); a script
    that cannot be executed (missing, not executable) is 256: the child's ``_exit(1)``
    after a failed ``execv``. Use :func:`wait_status` to build it."""
    return f"network script {script} failed with status {status}"


def wait_status(exit_code: int | None = None, signal: int | None = None) -> int:
    """The ``waitpid()`` status word of a child: exit code << 8, or the signal number."""
    if signal is not None:
        return signal & 0x7F
    return (exit_code or 0) << 8


def tap_fd_with_other_options() -> str:
    return ("ifname=, script=, downscript=, vnet_hdr=, helper=, queues=, fds=, "
            "and vhostfds= are invalid with fd=")


def invalid_fd_number(text: str) -> str:
    """``-netdev tap,fd=X`` with X not a decimal number from 0 to INT_MAX."""
    return f"Invalid file descriptor number '{text}'"


def tungetiff_failed(fd: int, err: int | str = _errno.ENOTTY) -> str:
    """``fd=`` names an open file that is not a tap (ENOTTY), or a tun file not
    attached to a device yet (EBADFD)."""
    return f"Unable to query TUNGETIFF on FD {fd}: {strerror(err)}"


def multiqueue_with_hubs() -> str:
    """``-net tap,queues=N`` (also fds=, vhostfds=): the legacy -net puts it on a hub."""
    return "Multiqueue tap cannot be used with hubs"


def bad_fd(netdev_id: str, fd: int, err: int | str = _errno.EBADF) -> str:
    return f"{netdev_id}: Can't use file descriptor {fd}: {strerror(err)}"


def vhost_open_failed_text(location: str, err: int | str = _errno.ENOENT) -> str:
    """``vhost=on`` without /dev/vhost-net: QEMU 7.2 warns, then trips an assertion
    and dies of SIGABRT (status 134 in a shell)."""
    return (warning_text(f"tap: open vhost char device failed: {strerror(err)}", location)
            + net_client_assertion_text())


def net_client_assertion_text() -> str:
    """QEMU 7.2's abort when a tap backend ends up with no queue (``queues=0``)."""
    return f"{PROG}: ../../net/net.c:1131: net_client_init1: Assertion `nc' failed.\n"


def bridge_helper_failed() -> str:
    return "bridge helper failed"


def bridge_helper_failed_text(location: str, helper_stderr: str = "") -> str:
    """``-netdev bridge``: whatever qemu-bridge-helper printed, then QEMU's error.

    The helper's own lines (verbatim from QEMU 7.2's helper):
    :func:`bridge_acl_missing_text`, :func:`bridge_acl_denied_text`,
    :func:`bridge_missing_text`, :func:`bridge_add_failed_text`.
    """
    return helper_stderr + error_text(bridge_helper_failed(), location)


def bridge_acl_missing_text(path: str = "/etc/qemu/bridge.conf") -> str:
    return f"failed to parse default acl file `{path}'\n"


def bridge_acl_denied_text() -> str:
    return "access denied by acl file\n"


def bridge_missing_text(bridge: str, err: int | str = _errno.ENODEV) -> str:
    return f"failed to get mtu of bridge `{bridge}': {strerror(err)}\n"


def bridge_add_failed_text(ifname: str, bridge: str, err: int | str) -> str:
    return f"failed to add interface `{ifname}' to bridge `{bridge}': {strerror(err)}\n"


def hostfwd_invalid(rule: str, why: str) -> str:
    """``why`` is one of QEMU's reasons: ``Bad protocol name``, ``Bad host port
    separator``, ``Bad host port``, ``Bad guest port``, ..."""
    return f"Invalid host forwarding rule '{rule}' ({why})"


def hostfwd_failed(rule: str) -> str:
    """The host port could not be bound (in use, or an address the host lacks)."""
    return f"Could not set up host forwarding rule '{rule}'"


def netmask_out_of_range() -> str:
    return "Invalid netmask provided (must be in range 4-32)"


def netmask_unparsable() -> str:
    return "Failed to parse netmask"


def netmask_trailing_chars() -> str:
    """``net=10.0.2.0/24x``: neither a prefix length nor a dotted mask."""
    return "Failed to parse netmask (trailing chars)"


def host_not_in_network() -> str:
    return "Host doesn't belong to network"


def slirp_parse_failed(what: str) -> str:
    """``what``: ``host``, ``DNS`` or ``DHCP start address`` (inet_aton refused it)."""
    return f"Failed to parse {what}"


def dns_not_in_network() -> str:
    """Only with ``restrict=on``: otherwise QEMU 7.2 takes a DNS address anywhere."""
    return "DNS doesn't belong to network"


def dns_is_host() -> str:
    return "DNS must be different from host"


def dhcp_not_in_network() -> str:
    return "DHCP doesn't belong to network"


def dhcp_is_host_or_dns() -> str:
    return "DHCP must be different from host and DNS"


def ipv6_prefixlen_out_of_range() -> str:
    return ("Invalid IPv6 prefix provided (IPv6 prefix length must be between 0 and 126)")


def ip_disabled() -> str:
    return "IPv4 and IPv6 disabled"


def netdev_no_peer(netdev_id: str) -> str:
    return f"netdev {netdev_id} has no peer"


def nic_no_peer(name: str) -> str:
    return f"nic {name} has no peer"


def hubport_no_peer(name: str) -> str:
    return f"hub port {name} has no peer"


def hub_no_host_network(hub: int) -> str:
    return f"hub {hub} is not connected to host network"


def hub_no_nics(hub: int) -> str:
    return f"hub {hub} with no nics"


# ------------------------------------------------------------------ NICs and devices
def unsupported_nic_model(model: str) -> str:
    """``-net nic,model=foo`` / ``-nic user,model=foo`` (no location: found at machine init)."""
    return f"Unsupported NIC model: {model}"


def invalid_ethernet_address() -> str:
    return "invalid syntax for ethernet address"


def multicast_mac(nic_option: bool = False) -> str:
    """``-net nic,macaddr=01:...``; ``-nic`` (net_param_nic) says it without the why."""
    if nic_option:
        return "NIC cannot have multicast MAC address"
    return "NIC cannot have multicast MAC address (odd 1st byte)"


def too_many_nics() -> str:
    """A ninth ``-net nic`` (MAX_NICS is 8, counting ``-nic`` too)."""
    return "too many NICs"


def no_more_nic_slots() -> str:
    """A ninth ``-nic``."""
    return "no more on-board/default NIC slots available"


def netdev_not_found(ident: str) -> str:
    """``-net nic,netdev=ID`` naming no backend."""
    return f"netdev '{ident}' not found"


def invalid_vectors(vectors: int) -> str:
    return f"invalid # of vectors: {vectors}"


def not_a_device_model(name: str) -> str:
    return f"'{name}' is not a valid device model name"


def property_cant_find(type_name: str, prop: str, value: str) -> str:
    """``Property 'e1000.netdev' can't find value 'nope'``: no -netdev with that id."""
    return f"Property '{type_name}.{prop}' can't find value '{value}'"


def property_bad_value(type_name: str, prop: str, value: str) -> str:
    """``Property 'e1000.mac' doesn't take value '00:00:02:98:AC'``."""
    return f"Property '{type_name}.{prop}' doesn't take value '{value}'"


def property_in_use(type_name: str, prop: str, value: str) -> str:
    """A second NIC on a netdev another NIC already uses."""
    return f"Property '{type_name}.{prop}' can't take value '{value}', it's in use"


def no_bus_for_device(bus: str, model: str) -> str:
    return f"No '{bus}' bus found for device '{model}'"


def pci_slot_in_use(slot: int, function: int, model: str, other: str, other_id: str | None) -> str:
    return (f"PCI: slot {slot} function {function} not available for {model}, "
            f"in use by {other},id={other_id if other_id is not None else '(null)'}")


def pci_single_function(slot: int, function: int) -> str:
    """``addr=S.F`` with F > 0 where function 0 of slot S is a single-function device."""
    return f"PCI: single function device can't be populated in function {slot:x}.{function:x}"


def terminating_on_signal(signo: int, pid: int, cmd: str) -> str:
    """What QEMU prints when killed politely (SIGTERM/SIGINT/SIGHUP); it exits 0."""
    return error_text(f"terminating on signal {signo} from pid {pid} ({cmd})")
