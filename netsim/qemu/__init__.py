"""QEMU on a simulated host: its command line, its processes, its NICs and tap backends."""
