"""Whatever bytes a process writes to a tap, the kernel never crashes: it drops and says why."""

import random

from lab_builders import VM1, arp_request, bridge_with_taps_and_lan, echo_request, ok

from netsim.packets.addr import mac_aton


def mutations(rng: random.Random, seed_frames: list[bytes], count: int):
    for _ in range(count):
        base = bytearray(rng.choice(seed_frames))
        for _ in range(rng.randint(1, 6)):
            base[rng.randrange(len(base))] = rng.getrandbits(8)
        if rng.random() < 0.3:
            base = base[: rng.randint(14, len(base))]
        if rng.random() < 0.2:
            base[6] &= 0xFE  # keep the source unicast so the bridge lets it through
        yield bytes(base)


def test_mutated_frames_are_dropped_with_reasons_never_raised():
    lab, host, lan, (vm1, _vm2) = bridge_with_taps_and_lan(seed=5)
    ok(host, "ip addr add 10.0.0.1/24 dev br0")
    lan_mac = mac_aton("02:00:00:00:02:01")
    seeds = [arp_request(VM1, "10.0.0.10", "10.0.0.2"),
             arp_request(VM1, "10.0.0.10", "10.0.0.1"),
             echo_request(VM1, lan_mac, "10.0.0.10", "10.0.0.2"),
             echo_request(VM1, mac_aton("fe:54:00:00:00:01"), "10.0.0.10", "10.0.0.1")]
    rng = random.Random(1)
    for written, frame in enumerate(mutations(rng, seeds, 3000), start=1):
        assert vm1.write(frame) == len(frame)
        if written % 100 == 0:
            lab.run(0.01)
            vm1.read()
    lab.run(1)
    drops = [r for r in lab.trace if r.action == "drop"]
    assert drops and all(r.reason and r.func for r in drops)
    reasons = {r.reason.split(":")[0] for r in drops}
    assert len(reasons) > 3  # many different ways to be wrong, each named
    # the world still works afterwards
    assert "1 received" in lan.sh("ping -c 1 10.0.0.1").stdout


def test_summaries_of_random_bytes_never_raise():
    rng = random.Random(2)
    lab, host, _lan, (vm1, _vm2) = bridge_with_taps_and_lan(seed=6)
    for _ in range(500):
        header = bytes([0x02, 0, 0, 0, 0, 9, 0x02, 0, 0, 0, 0, 1])
        frame = header + rng.randbytes(rng.randint(2, 80))
        vm1.write(frame)
    for record in lab.trace:
        assert isinstance(record.summary, str)
        assert isinstance(str(record), str)
