"""Cables between NICs, with propagation and serialisation delay."""
