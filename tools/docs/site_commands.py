def page() -> str:
    return "# Commands\n\nTODO\n"
