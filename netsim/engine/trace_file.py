"""A trace on disk: every record of a run, as JSON lines a student can open and read.

:meth:`netsim.engine.trace.Trace.stream_to` writes the records there as the trace sheds
them from memory, so a run of any length keeps its whole trace; :func:`read_trace`
gives the same :class:`~netsim.engine.trace.TraceRecord` objects back (compare them
with ``as_tuple()``). A path ending in ``.gz`` is written with gzip; the reader knows a
gzip file by its first bytes, whatever its name.

The format (version 1), one JSON value per line:

* the first line is the header::

    {"netsim_trace": 1, "frames_kept": 4096, "frame_bytes_kept": 4194304,
     "dropped_before": 0}

  ``dropped_before`` counts the records the trace had already dropped from memory
  when streaming began (they are not in the file);
* a **frame** line holds the bytes of one frame the first time that content is seen,
  numbered from 1: ``{"frame": 3, "hex": "ffffffffffff5254..."}`` (a reader also takes
  ``"b64"``, base64). Every record of that content refers to the number, so a frame
  crossing five devices is stored once. The writer remembers the last
  ``frames_kept`` contents (and at most ``frame_bytes_kept`` bytes of them, oldest
  forgotten first): a content seen again after that is written again under a new
  number, so neither side's memory grows with the run;
* a **record** line has the fields of a ``TraceRecord``; ``data`` is a frame number,
  and ``data``, ``l3`` (when false) and ``facts`` (when there are none) are left out::

    {"time": 0.001002, "host": "h1", "dev": "eth0", "layer": "link", "action": "tx",
     "frame_id": 7, "reason": "eth0: driver puts the frame on the wire",
     "func": "ndo_start_xmit", "data": 3}

  Times are written as Python writes floats (``repr``), which reads back exactly. A
  fact that JSON has no type for is written as ``{"bytes": HEX}``, ``{"tuple": [...]}``,
  ``{"dict": {...}}`` or, for anything else, ``{"repr": TEXT}`` (read back as the text);
* the last line, when the trace was closed (``trace.close_stream()``, ``lab.close()``,
  or the lab being freed or the program ending), is ``{"end": {"records": N,
  "frames": M}}``.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from netsim.engine.trace import TraceRecord

VERSION = 1
FRAMES_KEPT = 4_096
# A content repeats within its frame's journey, microseconds apart: in the anchor run
# (benchmarks/anchor.py) 4 MiB writes 0.1% more frame lines than 16 MiB, or than no limit.
FRAME_BYTES_KEPT = 4 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_LINES_PER_WRITE = 2048
_TEXTS_KEPT = 4096  # JSON texts of places and facts remembered (then forgotten at once)

_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
_json_text = json.encoder.encode_basestring  # a str as a JSON string, in C


def _fact_out(value: Any) -> Any:
    """A fact's value as JSON, every type told apart (see the module's docstring)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, tuple):
        return {"tuple": [_fact_out(v) for v in value]}
    if isinstance(value, list):
        return [_fact_out(v) for v in value]
    if isinstance(value, dict):
        return {"dict": {str(k): _fact_out(v) for k, v in value.items()}}
    return {"repr": repr(value)}


def _facts_out(facts: dict[str, Any]) -> dict[str, Any]:
    return {str(k): _fact_out(v) for k, v in facts.items()}


def _fact_in(value: Any) -> Any:
    if isinstance(value, list):
        return [_fact_in(v) for v in value]
    if not isinstance(value, dict):
        return value
    (kind, inner), = value.items()
    if kind == "bytes":
        return bytes.fromhex(inner)
    if kind == "tuple":
        return tuple(_fact_in(v) for v in inner)
    if kind == "dict":
        return {k: _fact_in(v) for k, v in inner.items()}
    if kind == "repr":
        return inner
    raise ValueError(f"unknown kind of fact value {kind!r}")


def _plain_facts(facts: dict[str, Any]) -> bool:
    return all(v is None or type(v) in (str, int, float, bool) for v in facts.values())


_INFINITE = (float("inf"), float("-inf"))


def _facts_json(facts: dict[str, Any]) -> str:
    """``facts`` as a JSON object: written here when every value is a plain one (the
    usual case, faster than the json module), else by it."""
    text = _json_text
    out = []
    for k, v in facts.items():
        kind = type(v)
        if kind is str:
            out.append(f"{text(k)}: {text(v)}")
        elif kind is int or (kind is float and v == v and v not in _INFINITE):
            out.append(f"{text(k)}: {v!r}")
        elif v is None:
            out.append(f"{text(k)}: null")
        else:
            return _encode(_facts_out(facts))
    return "{" + ", ".join(out) + "}"


def _check_path(path: object, call: str) -> Path:
    """``path`` as a Path; ``call`` names the function for the message, as typed."""
    if not isinstance(path, (str, os.PathLike)):
        name = call.rpartition(".")[2]
        raise TypeError(f"{name} takes a file path (str or pathlib.Path), got "
                        f"{type(path).__name__}: e.g. {call}('run.jsonl.gz')")
    return Path(path)


def _os_error(err: OSError, doing: str, path: Path) -> OSError:
    """The same kind of OSError, saying what netsim was doing and with which file."""
    reason = err.strerror or str(err)
    if isinstance(err, FileNotFoundError) and doing.startswith("write"):
        reason = f"its folder {str(path.parent)!r} does not exist"
    elif isinstance(err, IsADirectoryError):
        reason = "it is a folder: give a file name, e.g. trace.jsonl or trace.jsonl.gz"
    return type(err)(err.errno, f"cannot {doing} {str(path)!r}: {reason}")


class _Window:
    """Which frames are remembered: the newest first in, the oldest out.

    The writer and the reader see the same frame lines in the same order and forget
    by this one rule, so a number the writer uses is one the reader still holds.
    """

    def __init__(self, kept: int, kept_bytes: int) -> None:
        self.kept, self.kept_bytes = kept, kept_bytes
        self._order: deque[tuple[int, bytes]] = deque()  # (number, content), oldest first
        self._size = 0

    def add(self, number: int, data: bytes) -> list[tuple[int, bytes]]:
        """Remember a frame; returns the (number, content) forgotten to make room."""
        order = self._order
        order.append((number, data))
        self._size += len(data)
        gone = []
        while len(order) > self.kept or (self._size > self.kept_bytes and len(order) > 1):
            gone.append(old := order.popleft())
            self._size -= len(old[1])
        return gone


class TraceWriter:
    """Writes records to ``path`` as JSON lines (gzip when the name ends in ``.gz``).

    ``write(records)`` appends, ``close()`` writes the end line and closes the file.
    ``records`` and ``frames`` count what was written.
    """

    def __init__(self, path: str | os.PathLike, *, dropped_before: int = 0,
                 frames_kept: int = FRAMES_KEPT,
                 frame_bytes_kept: int = FRAME_BYTES_KEPT) -> None:
        self.path = _check_path(path, "lab.trace.stream_to")
        try:
            if self.path.name.endswith(".gz"):
                # mtime=0: the same run gives the same bytes (no time in the header)
                self._file = io.TextIOWrapper(gzip.GzipFile(  # closed by close()
                    self.path, "wb", compresslevel=3, mtime=0), encoding="utf-8")
            else:
                self._file = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - as above
        except OSError as err:
            raise _os_error(err, "write the trace to", self.path) from None
        self.records = 0
        self.frames = 0
        self._numbers: dict[bytes, int] = {}  # content -> frame number
        self._places: dict[tuple, str] = {}
        self._funcs: dict[str, str] = {}
        self._facts: dict[tuple, str] = {}
        self._window = _Window(frames_kept, frame_bytes_kept)
        self._write_line({"netsim_trace": VERSION, "frames_kept": frames_kept,
                          "frame_bytes_kept": frame_bytes_kept,
                          "dropped_before": dropped_before})

    def _write_line(self, value: dict) -> None:
        self._file.write(_encode(value) + "\n")

    def _frame(self, data: bytes, lines: list[str]) -> int:
        number = self._numbers.get(data)
        if number is None:
            data = bytes(data)
            self.frames = number = self.frames + 1
            lines.append(f'{{"frame": {number}, "hex": "{data.hex()}"}}')
            self._numbers[data] = number
            for _, old in self._window.add(number, data):
                del self._numbers[old]
        return number

    def write(self, records: Iterable[TraceRecord]) -> None:
        """Append ``records`` (and the frames they show for the first time)."""
        if self._file is None:
            raise ValueError(f"the trace file {str(self.path)!r} is closed")
        lines: list[str] = []
        count = 0
        text = _json_text
        # The texts that repeat from record to record are made once: where and what
        # (host, dev, layer, action), the kernel function, the facts.
        places, funcs, known_facts = self._places, self._funcs, self._facts
        numbers = self._numbers
        for r in records:
            place = places.get(key := (r.host, r.dev, r.layer, r.action))
            if place is None:
                if len(places) >= _TEXTS_KEPT:
                    places.clear()
                place = places[key] = (f'"host": {text(r.host)}, "dev": {text(r.dev)}, '
                                       f'"layer": {text(r.layer)}, "action": {text(r.action)}')
            func = funcs.get(r.func)
            if func is None:
                func = funcs[r.func] = text(r.func)
            line = (f'{{"time": {r.time!r}, {place}, "frame_id": {r.frame_id!r}, '
                    f'"reason": {text(r.reason)}, "func": {func}')
            data = r.data
            if data is not None:
                number = numbers.get(data)
                line += f', "data": {self._frame(data, lines) if number is None else number}'
            if r.l3:
                line += ', "l3": true'
            facts = r.facts
            if facts is not None:
                try:
                    said = known_facts.get(key := tuple(facts.items()))
                except TypeError:  # a value that cannot be a key (a list...)
                    said = key = None
                if said is None:
                    said = _facts_json(facts)
                    if key is not None:
                        if len(known_facts) >= _TEXTS_KEPT:
                            known_facts.clear()
                        known_facts[key] = said
                line += f', "facts": {said}'
            lines.append(line + "}")
            count += 1
            if len(lines) >= _LINES_PER_WRITE:
                self._flush(lines)
        self._flush(lines)
        self.records += count

    def _flush(self, lines: list[str]) -> None:
        if lines:
            lines.append("")
            try:
                self._file.write("\n".join(lines))
            except OSError as err:
                raise _os_error(err, "write the trace to", self.path) from None
            lines.clear()

    def close(self) -> None:
        """Write the end line and close the file (again: nothing)."""
        if self._file is None:
            return
        try:
            self._write_line({"end": {"records": self.records, "frames": self.frames}})
            self._file.close()
        except OSError as err:
            raise _os_error(err, "write the trace to", self.path) from None
        finally:
            self._file = None
            self._numbers.clear()


def _open_text(path: Path) -> io.TextIOBase:
    raw = open(path, "rb")  # noqa: SIM115 - handed to the reader, which closes it
    try:
        gz = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        binary = gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw
        return io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
    except BaseException:
        raw.close()
        raise


def read_trace(path: str | os.PathLike, *, partial: bool = False) -> Iterator[TraceRecord]:
    """The records of a trace file written by ``Trace.stream_to``, oldest first.

    The file is checked to be a netsim trace at once (a ``ValueError`` says what it is
    not); the records are then read one by one as the iterator is used. A file whose
    end line is missing (the run ended before ``lab.close()`` or
    ``trace.close_stream()``) raises ``ValueError`` after its last record, unless
    ``partial=True``.
    """
    path = _check_path(path, "read_trace")
    try:
        text = _open_text(path)
    except OSError as err:
        raise _os_error(err, "read the trace", path) from None
    try:
        header = _header(text, path)
    except BaseException:
        text.close()
        raise
    return _records(text, path, header, partial)


def _not_a_trace(path: Path, why: str) -> ValueError:
    return ValueError(f"{str(path)!r} is not a netsim trace file ({why}); a trace file is "
                      "written by lab.trace.stream_to(path)")


def _header(text: io.TextIOBase, path: Path) -> dict:
    try:
        first = text.readline(1 << 16)
    except (UnicodeDecodeError, OSError, EOFError) as err:
        raise _not_a_trace(path, f"it is not text: {type(err).__name__}") from None
    if not first:
        raise _not_a_trace(path, "it is empty")
    try:
        header = json.loads(first)
    except ValueError:
        raise _not_a_trace(path, "its first line is not the JSON header") from None
    if not isinstance(header, dict) or "netsim_trace" not in header:
        raise _not_a_trace(path, "its first line has no \"netsim_trace\" version")
    if header["netsim_trace"] != VERSION:
        raise ValueError(f"{str(path)!r} is a netsim trace of format version "
                         f"{header['netsim_trace']!r}; this netsim reads version {VERSION}")
    return header


def _records(text: io.TextIOBase, path: Path, header: dict,
             partial: bool) -> Iterator[TraceRecord]:
    window = _Window(header.get("frames_kept", FRAMES_KEPT),
                     header.get("frame_bytes_kept", FRAME_BYTES_KEPT))
    known: dict[int, bytes] = {}  # frame number -> content
    count = 0
    number = 1  # of the line read
    end = None
    with text:
        try:
            for line in text:
                number += 1
                value = json.loads(line)
                if "time" in value:
                    data = value.get("data")
                    if data is not None:
                        data = known[data]
                    facts = value.get("facts")
                    if facts is not None and not _plain_facts(facts):
                        facts = {k: _fact_in(v) for k, v in facts.items()}
                    count += 1
                    yield TraceRecord(value["time"], value["host"], value["dev"],
                                      value["layer"], value["action"], value["frame_id"],
                                      value["reason"], value["func"], data,
                                      value.get("l3", False), facts)
                elif "frame" in value:
                    raw = value.get("hex")
                    content = (bytes.fromhex(raw) if raw is not None
                               else base64.b64decode(value["b64"], validate=True))
                    known[value["frame"]] = content
                    for old, _ in window.add(value["frame"], content):
                        del known[old]
                elif "end" in value:
                    end = value["end"]
                    break
                else:
                    raise ValueError(f"a line with none of time, frame, end: {line[:80]!r}")
        except KeyError as err:
            raise ValueError(f"{str(path)!r}, line {number}: no {err} (a frame number the "
                             "file does not define, or a field missing)") from None
        except (ValueError, TypeError, AttributeError) as err:
            raise ValueError(f"{str(path)!r}, line {number}: not a trace line: {err}") from None
        except (EOFError, OSError) as err:  # a gzip file cut short
            if not partial:
                raise ValueError(f"{str(path)!r} ends early after {count:,} records ({err}); "
                                 "read_trace(path, partial=True) reads what is there") from None
            return
    if end is None and not partial:
        raise ValueError(f"{str(path)!r} has no end line after its {count:,} records: the run "
                         "did not close the trace (lab.close() or lab.trace.close_stream()); "
                         "read_trace(path, partial=True) reads what is there")
    if end is not None and end.get("records") != count:
        raise ValueError(f"{str(path)!r} says it holds {end.get('records')} records, "
                         f"but {count:,} were read")
