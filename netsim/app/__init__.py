"""The netsim program and its demo: what a terminal user runs (`netsim demo`, `netsim modes`)."""
