"""Tables read out of the real ``qemu-system-x86_64`` 7.2 binary (Debian 12).

The option table, ``-device help``, the NIC models' properties, ``-machine help`` and
``-cpu help``: what QEMU knows, so that netsim refuses exactly what QEMU refuses. Each
table names the recording it was taken from (``tests/qemu/data/``), and
``tests/qemu/test_cmdline.py`` checks them against those recordings.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


# QEMUOption table of the x86_64 binary: name:HAS_ARG (tests/qemu/data/option_table.tsv).
_OPTION_TABLE = """
    help:0 version:0 machine:1 M:1 cpu:1 accel:1 smp:1 numa:1 add-fd:1 set:1 global:1 boot:1
    m:1 mem-path:1 mem-prealloc:0 k:1 audio-help:0 audio:1 audiodev:1 device:1 name:1 uuid:1
    fda:1 fdb:1 hda:1 hdb:1 hdc:1 hdd:1 cdrom:1 blockdev:1 drive:1 mtdblock:1 sd:1
    snapshot:0 fsdev:1 virtfs:1 iscsi:1 usb:0 usbdevice:1 display:1 nographic:0 spice:1
    portrait:0 rotate:1 vga:1 full-screen:0 g:1 vnc:1 win2k-hack:0 no-fd-bootchk:0 no-acpi:0
    no-hpet:0 acpitable:1 smbios:1 netdev:1 nic:1 net:1 chardev:1 tpmdev:1 bios:1 pflash:1
    kernel:1 append:1 initrd:1 dtb:1 compat:1 fw_cfg:1 serial:1 parallel:1 monitor:1 qmp:1
    qmp-pretty:1 mon:1 debugcon:1 pidfile:1 singlestep:0 preconfig:0 S:0 overcommit:1 gdb:1
    s:0 d:1 D:1 dfilter:1 seed:1 L:1 enable-kvm:0 xen-domid:1 xen-attach:0
    xen-domid-restrict:0 no-reboot:0 no-shutdown:0 action:1 loadvm:1 daemonize:0
    option-rom:1 rtc:1 icount:1 watchdog-action:1 echr:1 incoming:1 only-migratable:0
    nodefaults:0 chroot:1 runas:1 prom-env:1 semihosting:0 semihosting-config:1 old-param:0
    sandbox:1 readconfig:1 no-user-config:0 trace:1 plugin:1 qtest:1 qtest-log:1
    async-teardown:0 msg:1 dump-vmstate:1 enable-sync-profile:0 object:1
"""
# Options whose arch_mask lacks x86: QEMU knows them but refuses them here.
FOREIGN_OPTIONS = frozenset(['g', 'old-param', 'prom-env', 'semihosting', 'semihosting-config'])
# `-device help`: device model name:bus ('-' = none; tests/qemu/data/device_help.txt).
_DEVICE_TABLE = """
    cxl-downstream:PCI cxl-rp:PCI cxl-upstream:PCI i82801b11-bridge:PCI ioh3420:PCI
    pci-bridge:PCI pci-bridge-seat:PCI pcie-pci-bridge:PCI pcie-root-port:PCI pxb:PCI
    pxb-cxl:PCI pxb-pcie:PCI usb-host:usb-bus usb-hub:usb-bus vfio-pci-igd-lpc-bridge:PCI
    vmbus-bridge:System x3130-upstream:PCI xio3130-downstream:PCI ich9-usb-ehci1:PCI
    ich9-usb-ehci2:PCI ich9-usb-uhci1:PCI ich9-usb-uhci2:PCI ich9-usb-uhci3:PCI
    ich9-usb-uhci4:PCI ich9-usb-uhci5:PCI ich9-usb-uhci6:PCI nec-usb-xhci:PCI pci-ohci:PCI
    piix3-usb-uhci:PCI piix4-usb-uhci:PCI qemu-xhci:PCI usb-ehci:PCI am53c974:PCI
    cxl-type3:PCI dc390:PCI floppy:floppy-bus ich9-ahci:PCI ide-cd:IDE ide-hd:IDE
    isa-fdc:ISA isa-ide:ISA lsi53c810:PCI lsi53c895a:PCI megasas:PCI megasas-gen2:PCI
    mptsas1068:PCI nvdimm:- nvme:PCI nvme-ns:nvme-bus nvme-subsys:- piix3-ide:PCI
    piix4-ide:PCI pvscsi:PCI scsi-block:SCSI scsi-cd:SCSI scsi-generic:SCSI scsi-hd:SCSI
    sd-card:sd-bus sdhci-pci:PCI usb-bot:usb-bus usb-mtp:usb-bus usb-storage:usb-bus
    usb-uas:usb-bus vhost-scsi:virtio-bus vhost-scsi-pci:PCI
    vhost-scsi-pci-non-transitional:PCI vhost-scsi-pci-transitional:PCI
    vhost-user-blk:virtio-bus vhost-user-blk-pci:PCI vhost-user-blk-pci-non-transitional:PCI
    vhost-user-blk-pci-transitional:PCI vhost-user-fs-device:virtio-bus
    vhost-user-fs-pci:PCI vhost-user-scsi:virtio-bus vhost-user-scsi-pci:PCI
    vhost-user-scsi-pci-non-transitional:PCI vhost-user-scsi-pci-transitional:PCI
    virtio-9p-device:virtio-bus virtio-9p-pci:PCI virtio-9p-pci-non-transitional:PCI
    virtio-9p-pci-transitional:PCI virtio-blk-device:virtio-bus virtio-blk-pci:PCI
    virtio-blk-pci-non-transitional:PCI virtio-blk-pci-transitional:PCI
    virtio-pmem:virtio-bus virtio-scsi-device:virtio-bus virtio-scsi-pci:PCI
    virtio-scsi-pci-non-transitional:PCI virtio-scsi-pci-transitional:PCI e1000:PCI
    e1000-82544gc:PCI e1000-82545em:PCI e1000e:PCI i82550:PCI i82551:PCI i82557a:PCI
    i82557b:PCI i82557c:PCI i82558a:PCI i82558b:PCI i82559a:PCI i82559b:PCI i82559c:PCI
    i82559er:PCI i82562:PCI i82801:PCI ne2k_isa:ISA ne2k_pci:PCI pcnet:PCI pvrdma:PCI
    rocker:PCI rtl8139:PCI tulip:PCI usb-net:usb-bus virtio-net-device:virtio-bus
    virtio-net-pci:PCI virtio-net-pci-non-transitional:PCI virtio-net-pci-transitional:PCI
    vmxnet3:PCI ccid-card-emulated:ccid-bus ccid-card-passthru:ccid-bus i8042:ISA
    ipoctal232:IndustryPack isa-parallel:ISA isa-serial:ISA pci-serial:PCI pci-serial-2x:PCI
    pci-serial-4x:PCI tpci200:PCI usb-braille:usb-bus usb-ccid:usb-bus usb-kbd:usb-bus
    usb-mouse:usb-bus usb-serial:usb-bus usb-tablet:usb-bus usb-wacom-tablet:usb-bus
    vhost-user-gpio-device:virtio-bus vhost-user-gpio-pci:PCI
    vhost-user-i2c-device:virtio-bus vhost-user-i2c-pci:PCI vhost-user-input:virtio-bus
    vhost-user-input-pci:PCI vhost-user-rng:virtio-bus vhost-user-rng-pci:PCI
    virtconsole:virtio-serial-bus virtio-input-host-device:virtio-bus
    virtio-input-host-pci:PCI virtio-keyboard-device:virtio-bus virtio-keyboard-pci:PCI
    virtio-mouse-device:virtio-bus virtio-mouse-pci:PCI virtio-serial-device:virtio-bus
    virtio-serial-pci:PCI virtio-serial-pci-non-transitional:PCI
    virtio-serial-pci-transitional:PCI virtio-tablet-device:virtio-bus virtio-tablet-pci:PCI
    virtserialport:virtio-serial-bus vmmouse:ISA ati-vga:PCI bochs-display:PCI
    cirrus-vga:PCI isa-cirrus-vga:ISA isa-vga:ISA qxl:PCI qxl-vga:PCI ramfb:System
    secondary-vga:PCI sga:ISA VGA:PCI vhost-user-gpu:virtio-bus vhost-user-gpu-pci:PCI
    vhost-user-vga:PCI virtio-gpu-device:virtio-bus virtio-gpu-gl-device:virtio-bus
    virtio-gpu-gl-pci:PCI virtio-gpu-pci:PCI virtio-vga:PCI virtio-vga-gl:PCI
    vmware-svga:PCI AC97:PCI adlib:ISA cs4231a:ISA ES1370:PCI gus:ISA hda-duplex:HDA
    hda-micro:HDA hda-output:HDA ich9-intel-hda:PCI intel-hda:PCI sb16:ISA usb-audio:usb-bus
    acpi-erst:PCI amd-iommu:System AMDVI-PCI:PCI ctucan_pci:PCI edu:PCI guest-loader:-
    hv-syndbg:- hyperv-testdev:ISA i2c-ddc:i2c-bus intel-iommu:System isa-applesmc:ISA
    isa-debug-exit:ISA isa-debugcon:ISA ivshmem-doorbell:PCI ivshmem-plain:PCI
    kvaser_pci:PCI loader:- mc146818rtc:ISA mioe3680_pci:PCI pc-testdev:ISA pci-testdev:PCI
    pcm3680_pci:PCI pvpanic:ISA pvpanic-pci:PCI smbus-ipmi:i2c-bus tpm-crb:- tpm-tis:ISA
    u2f-passthru:usb-bus usb-redir:usb-bus vfio-pci:PCI vfio-pci-nohotplug:PCI
    vhost-user-vsock-device:virtio-bus vhost-user-vsock-pci:PCI
    vhost-user-vsock-pci-non-transitional:PCI vhost-vsock-device:virtio-bus
    vhost-vsock-pci:PCI vhost-vsock-pci-non-transitional:PCI
    virtio-balloon-device:virtio-bus virtio-balloon-pci:PCI
    virtio-balloon-pci-non-transitional:PCI virtio-balloon-pci-transitional:PCI
    virtio-crypto-device:virtio-bus virtio-crypto-pci:PCI virtio-iommu-device:virtio-bus
    virtio-iommu-pci:PCI virtio-mem:virtio-bus virtio-mem-pci:PCI virtio-pmem-pci:PCI
    virtio-rng-device:virtio-bus virtio-rng-pci:PCI virtio-rng-pci-non-transitional:PCI
    virtio-rng-pci-transitional:PCI vmcoreinfo:- vmgenid:- i6300esb:PCI ib700:ISA
    ipmi-bmc-extern:- ipmi-bmc-sim:- isa-ipmi-bt:ISA isa-ipmi-kcs:ISA pc-dimm:-
    pci-ipmi-bt:PCI pci-ipmi-kcs:PCI x-pci-proxy-dev:PCI
"""
DEVICE_ALIASES = {
    'ahci': 'ich9-ahci',
    'lsi': 'lsi53c895a',
    'virtio-9p': 'virtio-9p-pci',
    'virtio-blk': 'virtio-blk-pci',
    'virtio-scsi': 'virtio-scsi-pci',
    'e1000-82540em': 'e1000',
    'virtio-net': 'virtio-net-pci',
    'virtio-input-host': 'virtio-input-host-pci',
    'virtio-keyboard': 'virtio-keyboard-pci',
    'virtio-mouse': 'virtio-mouse-pci',
    'virtio-serial': 'virtio-serial-pci',
    'virtio-tablet': 'virtio-tablet-pci',
    'virtio-gpu-gl': 'virtio-gpu-gl-pci',
    'virtio-gpu': 'virtio-gpu-pci',
    'ac97': 'AC97',
    'es1370': 'ES1370',
    'virtio-balloon': 'virtio-balloon-pci',
    'virtio-iommu': 'virtio-iommu-pci',
    'virtio-rng': 'virtio-rng-pci',
}
# `-device MODEL,help` of the NIC models: property:type (tests/qemu/data/nic_device_props.txt).
_NIC_PROPS_TABLE = (
    ("e1000 e1000-82544gc e1000-82545em",
     """
     acpi-index:uint32 addr:int32 autonegotiation:bool bootindex:int32
     extra_mac_registers:bool failover_pair_id:str init-vet:bool mac:str
     migrate_tso_props:bool mitigation:bool multifunction:bool netdev:str rombar:uint32
     romfile:str romsize:uint32 x-pcie-extcap-init:bool x-pcie-lnksta-dllla:bool
     """),
    ("e1000e",
     """
     acpi-index:uint32 addr:int32 bootindex:int32 disable_vnet_hdr:uint8
     failover_pair_id:str init-vet:bool mac:str multifunction:bool netdev:str rombar:uint32
     romfile:str romsize:uint32 subsys:uint16 subsys_ven:uint16 x-pcie-extcap-init:bool
     x-pcie-lnksta-dllla:bool
     """),
    ("i82550 i82551 i82557a i82557b i82557c i82558a i82558b i82559a i82559b i82559c i82559er"
     " i82562 i82801 ne2k_pci pcnet rtl8139 tulip",
     """
     acpi-index:uint32 addr:int32 bootindex:int32 failover_pair_id:str mac:str
     multifunction:bool netdev:str rombar:uint32 romfile:str romsize:uint32
     x-pcie-extcap-init:bool x-pcie-lnksta-dllla:bool
     """),
    ("ne2k_isa",
     """
     bootindex:int32 iobase:uint32 irq:uint32 mac:str netdev:str
     """),
    ("virtio-net-pci",
     """
     acpi-index:uint32 addr:int32 aer:bool any_layout:bool ats:bool bootindex:int32
     csum:bool ctrl_guest_offloads:bool ctrl_mac_addr:bool ctrl_rx:bool ctrl_rx_extra:bool
     ctrl_vlan:bool ctrl_vq:bool disable-legacy:OnOffAuto disable-modern:bool duplex:str
     event_idx:bool failover:bool failover_pair_id:str gso:bool guest_announce:bool
     guest_csum:bool guest_ecn:bool guest_rsc_ext:bool guest_tso4:bool guest_tso6:bool
     guest_ufo:bool hash:bool host_ecn:bool host_mtu:uint16 host_tso4:bool host_tso6:bool
     host_ufo:bool indirect_desc:bool ioeventfd:bool iommu_platform:bool mac:str
     migrate-extra:bool modern-pio-notify:bool mq:bool mrg_rxbuf:bool multifunction:bool
     netdev:str notify_on_empty:bool packed:bool page-per-vq:bool queue_reset:bool
     rombar:uint32 romfile:str romsize:uint32 rsc_interval:uint32 rss:bool
     rx_queue_size:uint16 speed:int32 status:bool tx:str tx_queue_size:uint16
     use-disabled-flag:bool use-started:bool vectors:uint32 virtio-backend:child
     virtio-pci-bus-master-bug-migration:bool x-ats-page-aligned:bool
     x-disable-legacy-check:bool x-disable-pcie:bool x-ignore-backend-features:bool
     x-mtu-bypass-backend:bool x-pcie-deverr-init:bool x-pcie-extcap-init:bool
     x-pcie-flr-init:bool x-pcie-lnkctl-init:bool x-pcie-lnksta-dllla:bool
     x-pcie-pm-init:bool x-txburst:int32 x-txtimer:uint32
     """),
    ("virtio-net-pci-non-transitional virtio-net-pci-transitional",
     """
     acpi-index:uint32 addr:int32 aer:bool any_layout:bool ats:bool bootindex:int32
     csum:bool ctrl_guest_offloads:bool ctrl_mac_addr:bool ctrl_rx:bool ctrl_rx_extra:bool
     ctrl_vlan:bool ctrl_vq:bool duplex:str event_idx:bool failover:bool
     failover_pair_id:str gso:bool guest_announce:bool guest_csum:bool guest_ecn:bool
     guest_rsc_ext:bool guest_tso4:bool guest_tso6:bool guest_ufo:bool hash:bool
     host_ecn:bool host_mtu:uint16 host_tso4:bool host_tso6:bool host_ufo:bool
     indirect_desc:bool ioeventfd:bool iommu_platform:bool mac:str migrate-extra:bool
     modern-pio-notify:bool mq:bool mrg_rxbuf:bool multifunction:bool netdev:str
     notify_on_empty:bool packed:bool page-per-vq:bool queue_reset:bool rombar:uint32
     romfile:str romsize:uint32 rsc_interval:uint32 rss:bool rx_queue_size:uint16
     speed:int32 status:bool tx:str tx_queue_size:uint16 use-disabled-flag:bool
     use-started:bool vectors:uint32 virtio-backend:child
     virtio-pci-bus-master-bug-migration:bool x-ats-page-aligned:bool
     x-disable-legacy-check:bool x-disable-pcie:bool x-ignore-backend-features:bool
     x-mtu-bypass-backend:bool x-pcie-deverr-init:bool x-pcie-extcap-init:bool
     x-pcie-flr-init:bool x-pcie-lnkctl-init:bool x-pcie-lnksta-dllla:bool
     x-pcie-pm-init:bool x-txburst:int32 x-txtimer:uint32
     """),
    ("vmxnet3",
     """
     acpi-index:uint32 addr:int32 bootindex:int32 failover_pair_id:str mac:str
     multifunction:bool netdev:str rombar:uint32 romfile:str romsize:uint32
     x-disable-pcie:bool x-old-msi-offsets:bool x-pcie-extcap-init:bool
     x-pcie-lnksta-dllla:bool
     """),
)
# `-machine help` (tests/qemu/data/machine_help.txt).
MACHINES = frozenset(_words("""
    microvm pc pc-i440fx-7.2 pc-i440fx-7.1 pc-i440fx-7.0 pc-i440fx-6.2 pc-i440fx-6.1
    pc-i440fx-6.0 pc-i440fx-5.2 pc-i440fx-5.1 pc-i440fx-5.0 pc-i440fx-4.2 pc-i440fx-4.1
    pc-i440fx-4.0 pc-i440fx-3.1 pc-i440fx-3.0 pc-i440fx-2.9 pc-i440fx-2.8 pc-i440fx-2.7
    pc-i440fx-2.6 pc-i440fx-2.5 pc-i440fx-2.4 pc-i440fx-2.3 pc-i440fx-2.2 pc-i440fx-2.12
    pc-i440fx-2.11 pc-i440fx-2.10 pc-i440fx-2.1 pc-i440fx-2.0 pc-i440fx-1.7 pc-i440fx-1.6
    pc-i440fx-1.5 pc-i440fx-1.4 q35 pc-q35-7.2 pc-q35-7.1 pc-q35-7.0 pc-q35-6.2 pc-q35-6.1
    pc-q35-6.0 pc-q35-5.2 pc-q35-5.1 pc-q35-5.0 pc-q35-4.2 pc-q35-4.1 pc-q35-4.0.1
    pc-q35-4.0 pc-q35-3.1 pc-q35-3.0 pc-q35-2.9 pc-q35-2.8 pc-q35-2.7 pc-q35-2.6 pc-q35-2.5
    pc-q35-2.4 pc-q35-2.12 pc-q35-2.11 pc-q35-2.10 isapc none x-remote
"""))
# `-cpu help` (tests/qemu/data/cpu_help.txt).
CPU_MODELS = frozenset(_words("""
    486 486-v1 Broadwell Broadwell-IBRS Broadwell-noTSX Broadwell-noTSX-IBRS Broadwell-v1
    Broadwell-v2 Broadwell-v3 Broadwell-v4 Cascadelake-Server Cascadelake-Server-noTSX
    Cascadelake-Server-v1 Cascadelake-Server-v2 Cascadelake-Server-v3 Cascadelake-Server-v4
    Cascadelake-Server-v5 Conroe Conroe-v1 Cooperlake Cooperlake-v1 Cooperlake-v2 Denverton
    Denverton-v1 Denverton-v2 Denverton-v3 Dhyana Dhyana-v1 Dhyana-v2 EPYC EPYC-IBPB
    EPYC-Milan EPYC-Milan-v1 EPYC-Rome EPYC-Rome-v1 EPYC-Rome-v2 EPYC-v1 EPYC-v2 EPYC-v3
    Haswell Haswell-IBRS Haswell-noTSX Haswell-noTSX-IBRS Haswell-v1 Haswell-v2 Haswell-v3
    Haswell-v4 Icelake-Server Icelake-Server-noTSX Icelake-Server-v1 Icelake-Server-v2
    Icelake-Server-v3 Icelake-Server-v4 Icelake-Server-v5 Icelake-Server-v6 IvyBridge
    IvyBridge-IBRS IvyBridge-v1 IvyBridge-v2 KnightsMill KnightsMill-v1 Nehalem Nehalem-IBRS
    Nehalem-v1 Nehalem-v2 Opteron_G1 Opteron_G1-v1 Opteron_G2 Opteron_G2-v1 Opteron_G3
    Opteron_G3-v1 Opteron_G4 Opteron_G4-v1 Opteron_G5 Opteron_G5-v1 Penryn Penryn-v1
    SandyBridge SandyBridge-IBRS SandyBridge-v1 SandyBridge-v2 Skylake-Client
    Skylake-Client-IBRS Skylake-Client-noTSX-IBRS Skylake-Client-v1 Skylake-Client-v2
    Skylake-Client-v3 Skylake-Client-v4 Skylake-Server Skylake-Server-IBRS
    Skylake-Server-noTSX-IBRS Skylake-Server-v1 Skylake-Server-v2 Skylake-Server-v3
    Skylake-Server-v4 Skylake-Server-v5 Snowridge Snowridge-v1 Snowridge-v2 Snowridge-v3
    Snowridge-v4 Westmere Westmere-IBRS Westmere-v1 Westmere-v2 athlon athlon-v1 core2duo
    core2duo-v1 coreduo coreduo-v1 kvm32 kvm32-v1 kvm64 kvm64-v1 n270 n270-v1 pentium
    pentium-v1 pentium2 pentium2-v1 pentium3 pentium3-v1 phenom phenom-v1 qemu32 qemu32-v1
    qemu64 qemu64-v1 base host max
"""))
# `-net nic,model=help` (tests/qemu/data/nic_models.txt), in QEMU's order.
NIC_MODELS = tuple(_words("""
    e1000 e1000-82544gc e1000-82545em e1000e i82550 i82551 i82557a i82557b i82557c i82558a
    i82558b i82559a i82559b i82559c i82559er i82562 i82801 ne2k_pci pcnet pvrdma rtl8139
    tulip virtio-net-pci virtio-net-pci-non-transitional virtio-net-pci-transitional vmxnet3
"""))


# option name -> whether it takes an argument (HAS_ARG)
OPTIONS = {tok.split(":")[0]: tok.endswith(":1") for tok in _OPTION_TABLE.split()}
# device model -> the bus it plugs into
DEVICES = {tok.rsplit(":", 1)[0]: tok.rsplit(":", 1)[1] for tok in _DEVICE_TABLE.split()}
# NIC model -> {property: type}
NIC_PROPS: dict[str, dict[str, str]] = {
    model: {tok.split(":")[0]: tok.split(":")[1] for tok in props.split()}
    for models, props in _NIC_PROPS_TABLE for model in models.split()}


def nic_model(text: str) -> str:
    """The QEMU type a NIC model name stands for: ``virtio`` (``-nic``/``-net``) and the
    ``-device`` aliases (``virtio-net``, ``e1000-82540em``) map to their real type."""
    return {"virtio": "virtio-net-pci"}.get(text, DEVICE_ALIASES.get(text, text))
