"""A streamed trace: the whole run in a file, read back record for record.

``lab.trace.stream_to(path)`` with a small budget must give, through
``trace_file.read_trace``, exactly the records the same run keeps with no budget at all;
frames are stored once; a file that is not a trace, a bad path or a second stream are
refused with a message that says so.
"""

from __future__ import annotations

import gc
import gzip
import weakref

import pytest
from lab_builders import EchoLab, two_hosts

import netsim
from netsim.engine.trace import TraceRecord
from netsim.engine.trace_file import TraceWriter, read_trace

from helpers import ok

BUDGET = 500
ECHOES = 150


def tuples(records) -> list[tuple]:
    return [r.as_tuple() for r in records]


@pytest.fixture(scope="module")
def everything() -> list[tuple]:
    """The records of the run, all kept in memory."""
    whole = EchoLab(None)
    whole.echoes(ECHOES)
    return tuples(whole.lab.trace.records)


@pytest.mark.parametrize("name", ["t.jsonl", "t.jsonl.gz"])
def test_the_file_holds_every_record_of_the_run(tmp_path, everything, name) -> None:
    path = tmp_path / name
    bounded = EchoLab(BUDGET)
    trace = bounded.lab.trace
    trace.stream_to(path)  # the set-up's records, still in memory, go first
    bounded.echoes(ECHOES)
    assert trace.dropped > 5 * BUDGET  # most of the run was shed while streaming
    in_memory = tuples(trace.records)  # readable as without a stream
    assert in_memory == everything[-len(in_memory):]
    assert f"older records are in {str(path)!r}" in trace.dump().splitlines()[0]
    bounded.lab.close()

    assert path.read_bytes()[:2] == (b"\x1f\x8b" if name.endswith(".gz") else b'{"')
    read = tuples(read_trace(path))
    assert len(read) == len(everything)
    assert read == everything
    assert tuples(trace.records) == in_memory  # closing leaves memory as it was


def test_each_frame_content_is_stored_once(tmp_path, everything) -> None:
    path = tmp_path / "t.jsonl"
    echo = EchoLab(BUDGET)
    with echo.lab as lab:  # closed at the end of the block
        lab.trace.stream_to(path)
        echo.echoes(ECHOES)
    contents = {r[8] for r in everything if r[8] is not None}
    lines = path.read_text().splitlines()
    frame_lines = [line for line in lines if line.startswith('{"frame": ')]
    assert 0 < len(frame_lines) == len(contents)  # the window holds them all here
    assert len(frame_lines) < sum(r[8] is not None for r in everything) / 4


def test_a_small_frame_window_forgets_and_writes_again(tmp_path) -> None:
    frames = [bytes([i]) * 100 for i in range(5)]
    records = [TraceRecord(0.1 * i + 0.2, "h1", "eth0", "link", "tx", i, f"r{i}", "f",
                           frames[i % 5], False, None) for i in range(40)]
    path = tmp_path / "w.jsonl"
    writer = TraceWriter(path, frames_kept=3)
    writer.write(records)
    writer.close()
    assert writer.frames == 40  # 5 contents in turn, 3 remembered: every one written again
    assert tuples(read_trace(path)) == tuples(records)
    path2 = tmp_path / "b.jsonl"
    writer = TraceWriter(path2, frame_bytes_kept=250)  # two 100-byte frames fit
    again = [records[i] for i in (0, 1, 0, 1, 2, 0)]
    writer.write(again)
    writer.close()
    assert writer.frames == 4  # 0, 1, then 2 makes room by forgetting 0, which comes back
    assert tuples(read_trace(path2)) == tuples(again)


def test_times_facts_and_strings_come_back_exactly(tmp_path) -> None:
    odd = {"bytes": b"\x00\xff", "tuple": (1, "x", None), "dict": {"k": 1.5},
           "list": [1, None, "é"], "inf": float("inf"), "bool": True, "big": 2**70}
    records = [
        TraceRecord(0.1 + 0.2, "h\u00e9", "", "ip", "route", 7, 'a "quoted"\n\treason', "f",
                    b"\x45" * 20, True, {"route": "10.0.0.0/24 dev eth0", "via": None,
                                         "delay": 1.2345678901234567e-06, "port": 7}),
        TraceRecord(5e-324, "h", "d", "user", "info", 0, "r", "f", None, False, odd),
        TraceRecord(0, "h", "d", "user", "info", 0, "r", "f", b"", False, {}),
    ]
    path = tmp_path / "odd.jsonl.gz"
    writer = TraceWriter(path)
    writer.write(records)
    writer.close()
    back = list(read_trace(path))
    assert tuples(back) == tuples(records)
    assert [type(r.time) for r in back] == [float, float, int]
    assert type(back[1].facts["tuple"]) is tuple and back[1].facts["bool"] is True


@pytest.mark.parametrize("content, why", [
    (b"", "it is empty"),
    (b"hello\n", "its first line is not the JSON header"),
    (b'{"time": 0}\n', 'its first line has no "netsim_trace" version'),
    (b"\x7fELF\x02\x01\x01\x00\xff\xfe\x00", "it is not text"),
    (gzip.compress(b"[1, 2]\n"), 'its first line has no "netsim_trace" version'),
])
def test_a_file_that_is_not_a_trace_is_refused_at_once(tmp_path, content, why) -> None:
    path = tmp_path / "other.jsonl"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="is not a netsim trace file") as err:
        read_trace(path)  # before any record is asked for
    assert why in str(err.value)


def test_a_file_written_by_hand_reads(tmp_path) -> None:
    # The format is open: base64 frames too, and fields in any order.
    path = tmp_path / "hand.jsonl"
    path.write_text('{"netsim_trace": 1}\n'
                    '{"frame": 1, "b64": "AAECAw=="}\n'
                    '{"host": "h1", "time": 1.5, "dev": "eth0", "layer": "link", "action": "rx",'
                    ' "frame_id": 4, "reason": "r", "func": "f", "data": 1}\n'
                    '{"end": {"records": 1, "frames": 1}}\n')
    (record,) = read_trace(path)
    assert record.as_tuple() == (1.5, "h1", "eth0", "link", "rx", 4, "r", "f",
                                 b"\x00\x01\x02\x03", False, None)


def test_a_newer_format_and_a_broken_line_are_refused(tmp_path) -> None:
    path = tmp_path / "v9.jsonl"
    path.write_text('{"netsim_trace": 9}\n')
    with pytest.raises(ValueError, match="format version 9; this netsim reads version 1"):
        read_trace(path)
    path.write_text('{"netsim_trace": 1}\n{"time": 0, "host": "h", "data": 3}\n')
    with pytest.raises(ValueError, match="line 2"):
        list(read_trace(path))


def test_a_file_without_its_end_line_says_the_trace_was_not_closed(tmp_path) -> None:
    lab, h1, _ = two_hosts()
    path = tmp_path / "t.jsonl"
    lab.trace.stream_to(path)
    ok(h1, "ping -c 2 10.0.0.2")
    lab.close()
    lines = path.read_text().splitlines(keepends=True)
    assert lines[-1].startswith('{"end": ')
    path.write_text("".join(lines[:-1]))
    with pytest.raises(ValueError, match="no end line .* did not close the trace"):
        list(read_trace(path))
    assert tuples(read_trace(path, partial=True)) == tuples(lab.trace.records)


def test_a_bad_path_is_refused_clearly_and_leaves_no_stream(tmp_path) -> None:
    trace = netsim.Lab().trace
    with pytest.raises(FileNotFoundError, match="cannot write the trace to .*does not exist"):
        trace.stream_to(tmp_path / "missing" / "t.jsonl")
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        trace.stream_to(tmp_path)
    with pytest.raises(TypeError, match="stream_to takes a file path"):
        trace.stream_to(3)
    with pytest.raises(FileNotFoundError, match="cannot read the trace"):
        read_trace(tmp_path / "missing.jsonl")
    trace.stream_to(tmp_path / "t.jsonl")  # nothing half-open was left behind


def test_one_stream_at_a_time_then_another_file(tmp_path) -> None:
    lab, h1, _ = two_hosts()
    lab.trace.stream_to(tmp_path / "a.jsonl")
    with pytest.raises(ValueError, match="already streams to .*a.jsonl.*close_stream"):
        lab.trace.stream_to(tmp_path / "b.jsonl")
    ok(h1, "ping -c 1 10.0.0.2")
    lab.trace.close_stream()
    lab.trace.close_stream()  # again: nothing
    first = tuples(lab.trace.records)
    assert tuples(read_trace(tmp_path / "a.jsonl")) == first
    lab.trace.stream_to(tmp_path / "b.jsonl")
    ok(h1, "ping -c 1 10.0.0.2")
    lab.close()
    assert tuples(read_trace(tmp_path / "b.jsonl")) == tuples(lab.trace.records)


def test_cleared_records_still_go_to_the_file(tmp_path) -> None:
    lab, h1, _ = two_hosts()
    path = tmp_path / "t.jsonl"
    lab.trace.stream_to(path)
    ok(h1, "ping -c 1 10.0.0.2")
    before = tuples(lab.trace.records)
    lab.trace.clear()
    ok(h1, "ping -c 1 10.0.0.2")
    after = tuples(lab.trace.records)
    lab.close()
    assert before and after
    assert tuples(read_trace(path)) == before + after


def test_a_lab_freed_while_streaming_finishes_its_file(tmp_path) -> None:
    lab, h1, h2 = two_hosts()
    path = tmp_path / "t.jsonl.gz"
    lab.trace.stream_to(path)
    ok(h1, "ping -c 2 10.0.0.2")
    made = tuples(lab.trace.records)
    ref = weakref.ref(lab)
    del lab, h1, h2
    gc.collect()
    assert ref() is None  # the stream does not keep the lab alive
    assert tuples(read_trace(path)) == made  # and the file was finished


@pytest.mark.parametrize("name", ["t.jsonl", "t.jsonl.gz"])
def test_the_same_run_writes_the_same_bytes(tmp_path, name) -> None:
    files = []
    for run in ("one", "two"):
        (tmp_path / run).mkdir()
        lab, h1, _ = two_hosts(seed=2)
        lab.trace.stream_to(tmp_path / run / name)
        ok(h1, "ping -c 2 10.0.0.2")
        lab.close()
        files.append((tmp_path / run / name).read_bytes())
    assert files[0] == files[1]
    if name.endswith(".gz"):
        assert files[0][4:8] == bytes(4)  # no modification time (two runs may share a second)
