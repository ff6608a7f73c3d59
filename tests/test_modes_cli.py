"""`netsim modes`: each mode's meaning, its reachability table and one why, in a terminal."""

from netsim.app.main import main


def test_modes_prints_a_mode_with_its_table_and_a_why(capsys):
    assert main(["modes", "bridged"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("== bridged: the VM's tap and the host's eth0 share a bridge")
    table = out.split("reachability, bridged mode\n")[1].split("\n(")[0].splitlines()
    assert table[0].split() == ["from", "\\", "to", "vm1", "vm2", "host", "lan1", "web"]
    assert table[-1].split() == ["web", "✗", "✗", "✗", "✗", "·"]
    assert "lab.why('web', 'vm1')" in out and "[no-route]" in out
    assert "== nat" not in out


def test_modes_history_lists_the_host_commands(capsys):
    assert main(["modes", "host-only", "--history"]) == 0
    out = capsys.readouterr().out
    assert "host$ ip link add name vboxnet0 type bridge" in out
    assert "[host-only]" in out
