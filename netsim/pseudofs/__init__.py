"""The kernel's pseudo file systems: /sys (net-sysfs, the bridge's br_sysfs_*) and /proc.

Kernel code, not a tool: reading or writing one of these files calls the kernel's show/store
functions on the live model, and every tool (cat, echo >, sysctl, brctl) goes through them.

``tree``          make_fs(): a host's file system, with everything below mounted
``sysfs_net``     /sys/class/net and /sys/devices/virtual/net (net-sysfs)
``bridge``        the stores of a bridge's bridge/ and a port's brport/ files
``sysctl``        the sysctl table and /proc/sys, over ``sysctl_linux618.txt``
``proc_net``      /proc/net (dev)
``proc_pid``      /proc itself, /proc/PID and /proc/self
``numbers``       kstrtoul() and proc_ints(): numbers as the kernel's handlers read them
"""
