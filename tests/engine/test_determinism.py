"""Same seed, same run byte for byte; another seed, other random MACs."""

from lab_builders import ok

import netsim


def scenario(seed: int) -> tuple[list[str], str]:
    lab = netsim.Lab(seed=seed)
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link("h1:eth0", "h2:eth0")
    ok(h1, "ip link add name br0 type bridge && ip link set dev eth0 master br0")
    ok(h1, "ip addr add 10.0.0.1/24 dev br0 && ip link set br0 up && ip link set eth0 up")
    ok(h2, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    ok(h1, "ip tuntap add tap0 mode tap && ip link set tap0 master br0 && ip link set tap0 up")
    ok(h1, "ping -c 3 10.0.0.2")
    lab.run(2.5)
    trace = [f"{str(r)}|{(r.data or b'').hex()}" for r in lab.trace]
    return trace, ok(h1, "ip -j link show") + ok(h2, "ip -j link show")


def test_same_seed_same_trace_and_bytes():
    first, links1 = scenario(7)
    second, links2 = scenario(7)
    assert first == second and links1 == links2
    assert len(first) > 50


def test_different_seed_gives_different_random_macs():
    _, links1 = scenario(7)
    _, links2 = scenario(8)
    assert links1 != links2
