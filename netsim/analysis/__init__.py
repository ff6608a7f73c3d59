"""Questions asked of a whole world: who reaches whom (:mod:`.reachability`), and why
not (:mod:`.why`). Both send real pings (:mod:`.probe`) and read the trace."""
