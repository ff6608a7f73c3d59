"""Teaching hints: one extra line after a real tool's error, when a student's slip is clear.

The real tool's message and exit status come first and stay exactly as Linux prints
them; the hint follows on stderr, marked ``netsim hint:`` so nobody mistakes it for
the tool's own words. ``lab.hints = False`` turns hints off (the replay of the
real-kernel recordings does, to compare byte for byte).
"""

from __future__ import annotations


def ip_hint(argv: list[str]) -> str | None:
    """The seed's typo, `ip link add set dev eth0 master br0`: it meant `ip link set`."""
    words = [w for w in argv[1:] if not w.startswith("-")]
    if len(words) >= 3 and "link".startswith(words[0]) and words[1] == "add" \
            and words[2] == "set":
        fixed = " ".join(["ip", "link", "set", *words[3:]])
        return (f"netsim hint: did you mean `{fixed}`? `ip link add` creates a device; "
                "`ip link set` changes one (here: makes it a bridge port).\n")
    return None
