"""User space of a simulated host: processes, programs and the file system."""
