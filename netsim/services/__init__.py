"""Network services that run as programs on a host: the DHCP server and clients.

Each service is split in two: a pure model that decides (no sockets, no clock of its
own: :mod:`dhcp_server`), and the daemon that gives it sockets, timers and files
(:mod:`dnsmasq`, :mod:`dhcp_client`). The shell commands in :mod:`netsim.cli` only
turn argument lists into calls of these.
"""
