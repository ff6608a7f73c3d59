"""`netsim demo`: the seed's path, hop by hop, from the VM's fd to the LAN and back."""

from netsim.app.main import main


def test_demo_tells_the_whole_path(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "holds /dev/net/tun as fd 3 attached to tap0" in out
    assert "the VM read 1 frame(s) back: the echo reply" in out
    functions = ["tun_chr_write_iter", "tun_get_user", "br_handle_frame", "br_fdb_update",
                 "br_flood", "ndo_start_xmit", "arp_process", "br_forward", "tun_net_xmit",
                 "tun_chr_read_iter", "icmp_echo", "ip_rcv"]
    positions = [out.index(f"[{name}]") for name in functions]
    assert positions[:4] == sorted(positions[:4])  # write, device rx, bridge, learning
    assert "52:54:00:12:34:56 dev tap0 master br0" in out


def test_demo_is_deterministic(capsys):
    main(["demo", "--seed", "3"])
    first = capsys.readouterr().out
    main(["demo", "--seed", "3"])
    assert capsys.readouterr().out == first
