"""One host's kernel: net devices and their rx_handler seam, the IPv4 stack, ARP, sockets."""
