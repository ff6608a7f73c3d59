from dataclasses import dataclass


@dataclass
class Nb:
    title: str
    page: str
def found():
    return []
def pages():
    return [("notebooks/index.md", "# Notebooks\n")]
