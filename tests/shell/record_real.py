"""Record what the real bash, coreutils and procps print for shell lines: the data of the
tests in this folder.

    python tests/shell/record_real.py 'echo $((99999999999999999999))' 'exit 1 2'

prints each line as a ``(line, stdout, stderr, status)`` tuple ready to paste into a
test's table. The line runs as ``bash -ic LINE </dev/null`` in an empty directory under
``LC_ALL=C.UTF-8``, as a student types it at a prompt; the two job-control warnings and
the ``exit`` line that an interactive bash without a terminal prints are left out, with
its ``tcsetattr`` complaint after a pipeline (netsim prints none of them). ``{BIG}`` in a
line stands for a 5,000-digit number, and stays ``{BIG}`` in what was printed. Bytes that
are not UTF-8 come back as surrogate escapes (``\\udcff`` for the byte 0xff), as
netsim's text holds them.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile

BIG = "9" * 5000
_NOISE = ("cannot set terminal process group", "no job control in this shell",
          "tcsetattr: Inappropriate ioctl for device")


def record(line: str) -> tuple[str, str, str, int]:
    """Run ``line`` in the real interactive bash: (line, stdout, stderr, status)."""
    with tempfile.TemporaryDirectory(prefix="netsim-rec") as where:
        done = subprocess.run(
            ["bash", "-ic", line.replace("{BIG}", BIG)], capture_output=True, cwd=where,
            timeout=120, stdin=subprocess.DEVNULL,
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LC_ALL": "C.UTF-8",
                 "TERM": "dumb"})
    err = done.stderr.decode("utf-8", "surrogateescape").splitlines(keepends=True)
    err = [e for e in err if e != "exit\n" and not any(n in e for n in _NOISE)]
    out = done.stdout.decode("utf-8", "surrogateescape")
    return (line, out.replace(BIG, "{BIG}"), "".join(err).replace(BIG, "{BIG}"),
            done.returncode)


def _literal(text: str, indent: str) -> str:
    """``repr`` of ``text``, cut into pieces of at most 70 characters of source."""
    pieces: list[str] = []
    current = ""
    for ch in text:
        if len(repr(current + ch)) > 70:
            pieces.append(repr(current))
            current = ""
        current += ch
    pieces.append(repr(current))
    return f"\n{indent}".join(pieces)


if __name__ == "__main__":
    for item in sys.argv[1:]:
        line, out, err, status = record(item)
        print(f"    ({_literal(line, '     ')},\n"
              f"     {_literal(out, '     ')},\n"
              f"     {_literal(err, '     ')},\n"
              f"     {status}),")
