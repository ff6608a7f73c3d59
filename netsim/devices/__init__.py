"""The drivers a frame crosses: loopback, veth pairs, NICs on a cable, tun/tap."""
