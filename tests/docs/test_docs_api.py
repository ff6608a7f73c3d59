"""The API reference documents every public name: each ``__all__`` of netsim, in full."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
import site_api


def inventory(site: Path) -> set[str]:
    from mkdocstrings import Inventory

    with open(site / "objects.inv", "rb") as f:
        return set(Inventory.parse_sphinx(f))


def public_names() -> list[str]:
    """``module.name`` for each name of each ``__all__``; ``module.name.name`` for a
    function that shares its name with the submodule it comes from (``netsim.viz.fdb``)."""
    return [f"{m.name}.{n}" + (f".{n}" if n in m.shadowed else "")
            for m in site_api.public_modules() for n in m.names]


def public_members() -> list[str]:
    """Methods and properties of public classes, without a leading ``_``: their own and
    those they inherit from netsim's classes (``Lab.host`` comes from ``World``)."""
    found = []
    for module in site_api.public_modules():
        mod = importlib.import_module(module.name)
        for name in module.names:
            obj = getattr(mod, name)
            if not inspect.isclass(obj):
                continue
            attrs: dict[str, object] = {}
            for cls in reversed(obj.__mro__):
                if cls.__module__.startswith("netsim"):
                    attrs.update(vars(cls))
            for attr, value in attrs.items():
                if attr.startswith("_"):
                    continue
                if inspect.isfunction(value) or isinstance(value, property | classmethod
                                                            | staticmethod):
                    found.append(f"{module.name}.{name}.{attr}")
    return found


def test_public_means_each_declared_all() -> None:
    modules = {m.name: m for m in site_api.public_modules()}
    assert next(iter(modules)) == "netsim"
    assert {"Lab", "Host", "Trace", "CommandResult"} <= set(modules["netsim"].names)
    for name in ("netsim.labs", "netsim.scenarios", "netsim.viz", "netsim.packets"):
        assert name in modules
    for module in modules.values():
        imported = importlib.import_module(module.name)
        assert tuple(imported.__all__) == module.names


def test_every_public_name_is_in_the_reference(site: Path) -> None:
    documented = inventory(site)
    missing = [n for n in public_names() if n not in documented]
    assert missing == [], f"{len(missing)} public names without a reference entry"


def test_every_public_method_is_in_the_reference(site: Path) -> None:
    documented = inventory(site)
    members = public_members()
    assert "netsim.Lab.host" in members and "netsim.Host.sh" in members
    missing = [n for n in members if n not in documented]
    assert missing == []


def test_the_reference_shows_docstrings(site: Path) -> None:
    html = (site / "reference" / "api" / "netsim.html").read_text(encoding="utf-8")
    assert "open_tun" in html and "Lab" in html
    index = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    for module in site_api.public_modules():
        assert f"{module.name}.html" in index


@pytest.mark.parametrize("name", ["netsim.Lab", "netsim.labs.load", "netsim.viz.player"])
def test_a_few_names_a_student_types(site: Path, name: str) -> None:
    assert name in inventory(site)
