"""The kernel's pseudo file systems: /sys (net-sysfs, the bridge's br_sysfs_*) and /proc.

Kernel code, not a tool: reading or writing one of these files calls the kernel's show/store
functions on the live model, and every tool (cat, echo >, sysctl, brctl) goes through them.
"""
