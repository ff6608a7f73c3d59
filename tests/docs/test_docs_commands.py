"""The command reference names every program, builtin and coreutil the code dispatches."""

from __future__ import annotations

from pathlib import Path

import site_commands


def test_every_program_and_shell_command_is_on_the_page() -> None:
    text = site_commands.page()
    for name in site_commands.programs():
        assert f"### `{name}`" in text, name
    builtins, utilities = site_commands.shell_tables()
    assert "cd" in builtins and "grep" in utilities
    for name in [*builtins, *utilities]:
        assert f"`{name}`" in text, name


def test_ip_objects_come_from_its_table() -> None:
    from netsim.cli import ip

    text = "\n".join(site_commands._ip())
    for name, _handler in ip._object_table():
        assert f"`{name}`" in text
    answered = text.split("Objects answered:")[1].split("\n")[0]
    assert "`tuntap`" in answered and "`xfrm`" not in answered


def test_the_built_page_lists_the_programs(site: Path) -> None:
    html = (site / "reference" / "commands.html").read_text(encoding="utf-8")
    for name in site_commands.programs():
        assert f'id="{site_commands._anchor(name)}"' in html, name
