"""The output buffer every stream collects into: a command's Io, a background process."""

from __future__ import annotations

from netsim.user.io import Io, OutputBuffer
from netsim.user.process import Process


def test_an_output_buffer_keeps_writes_in_order_and_reads_them_joined() -> None:
    buf = OutputBuffer()
    assert buf.text() == ""
    for piece in ("a", "", "bc", "\n"):
        buf.write(piece)
    assert buf.text() == "abc\n"
    assert buf.text() == "abc\n"  # reading does not consume
    buf.write("d")
    assert buf.text() == "abc\nd"
    buf.clear()
    assert buf.text() == ""


def test_many_small_writes_read_back_whole() -> None:
    buf = OutputBuffer()
    for i in range(10_000):
        buf.write(f"{i}\n")
        if i % 1000 == 0:  # a caller polling a background process's output
            assert buf.text().endswith(f"{i}\n")
    assert buf.text() == "".join(f"{i}\n" for i in range(10_000))


def test_io_and_process_collect_into_output_buffers() -> None:
    io = Io(stdin="in")
    io.write("out1 ")
    io.error("err")
    io.write("out2")
    assert (io.stdin, io.stdout, io.stderr) == ("in", "out1 out2", "err")

    proc = Process(pid=1031, ppid=1030, cmdline=["tcpdump"], start_time=0.0)
    proc.out("frame 1\n")
    proc.err("listening\n")
    proc.out("frame 2\n")
    assert (proc.stdout, proc.stderr) == ("frame 1\nframe 2\n", "listening\n")
