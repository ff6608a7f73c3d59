"""The runtime: the simulated clock (simpy), the seeded randomness and the trace."""
