def page() -> str:
    return "# Fidelity\n\nTODO\n"
