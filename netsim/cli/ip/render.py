"""How iproute2 prints: one set of calls that yields either text or JSON.

iproute2 never builds a JSON document and dumps it: every ``print_*`` call either
formats text (``printf``) or, with ``-j``, streams a JSON token through a tiny
writer (lib/json_writer.c). The byte-exact look of ``ip -j`` output -- no spaces,
``"gc_timer":2.99`` written raw, ``-p``'s odd ``[ {`` and ``} ]`` -- comes from that
writer's state machine, which :class:`JsonWriter` reproduces. :class:`Printer` is
the ``print_*`` layer on top: each call names the JSON key *and* the text format,
so one printing routine serves both modes, as in the C code.

Modes: ``ANY`` prints in both, ``FP`` only as text, ``JSON`` only as JSON.
"""

from __future__ import annotations

ANY, FP, JSON = "any", "fp", "json"


class JsonWriter:
    """lib/json_writer.c: a streaming writer with optional pretty indentation."""

    def __init__(self, out: list[str], pretty: bool) -> None:
        self.out = out
        self.pretty = pretty
        self.depth = 0
        self.sep = ""  # "," once the current container has an element

    def _eol(self) -> None:
        if self.pretty:
            self.out.append("\n" + "    " * self.depth)

    def _eor(self) -> None:
        if self.sep:
            self.out.append(self.sep)
        self.sep = ","

    def _puts(self, text: str) -> None:
        escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
                   .replace("\n", "\\n").replace("\r", "\\r").replace("\f", "\\f")
                   .replace("\b", "\\b"))
        self.out.append(f'"{escaped}"')

    def name(self, key: str) -> None:
        self._eor()
        self._eol()
        self.sep = ""
        self._puts(key)
        self.out.append(": " if self.pretty else ":")

    def raw(self, text: str) -> None:
        """jsonw_printf(): a value written as is (numbers, true/false/null, timers)."""
        self._eor()
        self.out.append(text)

    def string(self, value: str) -> None:
        self._eor()
        self._puts(value)

    def _begin(self, char: str) -> None:
        self._eor()
        self.out.append(char)
        self.depth += 1
        self.sep = ""

    def _end(self, char: str) -> None:
        self.depth -= 1
        if self.sep:
            self._eol()
        self.out.append(char)
        self.sep = ","

    def start_object(self) -> None:
        self._begin("{")

    def end_object(self) -> None:
        self._end("}")

    def start_array(self) -> None:
        self._begin("[")
        if self.pretty:
            self.out.append(" ")

    def end_array(self) -> None:
        if self.pretty and self.sep:
            self.out.append(" ")
        self.sep = ""
        self._end("]")

    def destroy(self) -> None:
        self.out.append("\n")


def c_hex0x(value: int) -> str:
    """printf("%#llx"): ``0x2a``, but plain ``0`` for zero (C's '#' adds no prefix to 0)."""
    return f"{value:#x}" if value else "0"


class Printer:
    """lib/json_print.c: ``print_*`` calls that go to text or to the JSON writer.

    Text and JSON both land in :attr:`out` (standard output), in call order.
    ``oneline`` (``-o``) makes :meth:`nl` print a backslash instead of a newline.
    """

    def __init__(self, json: bool = False, pretty: bool = False, oneline: bool = False) -> None:
        self.want_json = json
        self.pretty = pretty
        self.sl = "\\" if oneline else "\n"
        self.out: list[str] = []
        self.jw: JsonWriter | None = None

    # ---------------------------------------------------------------- document
    @property
    def is_json(self) -> bool:
        return self.jw is not None

    def new_json_obj(self, array: bool = True) -> None:
        """new_json_obj(json): with -j, start the writer (and the outer array)."""
        if self.want_json:
            self.jw = JsonWriter(self.out, self.pretty)
            if array:
                self.jw.start_array()

    def delete_json_obj(self, array: bool = True) -> None:
        if self.jw is not None:
            if array:
                self.jw.end_array()
            self.jw.destroy()
            self.jw = None

    def text(self) -> str:
        return "".join(self.out)

    # ---------------------------------------------------------------- contexts
    def _json(self, mode: str) -> bool:
        return self.jw is not None and mode in (ANY, JSON)

    def _fp(self, mode: str) -> bool:
        return self.jw is None and mode in (ANY, FP)

    def fp(self, text: str) -> None:
        """print_string(PRINT_FP, NULL, "%s", text): text mode only."""
        if self.jw is None:
            self.out.append(text)

    def nl(self) -> None:
        """print_nl(): the line separator, in text mode only."""
        if self.jw is None:
            self.out.append(self.sl)

    # ---------------------------------------------------------------- containers
    def open_object(self, key: str | None = None) -> None:
        if self.jw is not None:
            if key is not None:
                self.jw.name(key)
            self.jw.start_object()

    def close_object(self) -> None:
        if self.jw is not None:
            self.jw.end_object()

    def open_array(self, mode: str, key_or_text: str | None) -> None:
        """As JSON: ``"key": [``; as text: ``key_or_text`` is printed (e.g. ``<``)."""
        if self._json(mode):
            if key_or_text is not None:
                self.jw.name(key_or_text)
            self.jw.start_array()
        elif self._fp(mode) and key_or_text is not None:
            self.out.append(key_or_text)

    def close_array(self, mode: str, text: str | None) -> None:
        if self._json(mode):
            self.jw.end_array()
        elif self._fp(mode) and text is not None:
            self.out.append(text)

    # ---------------------------------------------------------------- values
    def _field(self, key: str | None) -> None:
        if key is not None:
            self.jw.name(key)

    def string(self, mode: str, key: str | None, fmt: str, value: str) -> None:
        if self._json(mode):
            self._field(key)
            self.jw.string(value)
        elif self._fp(mode):
            self.out.append(fmt % value)

    def int(self, mode: str, key: str | None, fmt: str, value: int) -> None:
        """print_int/print_uint/print_u64: the JSON value is the bare decimal number."""
        if self._json(mode):
            self._field(key)
            self.jw.raw(str(value))
        elif self._fp(mode):
            self.out.append(fmt % value)

    uint = int

    def bool(self, mode: str, key: str | None, fmt: str, value: bool) -> None:
        """print_bool: JSON true/false; text gets the words "true"/"false" for ``%s``."""
        if self._json(mode):
            self._field(key)
            self.jw.raw("true" if value else "false")
        elif self._fp(mode):
            self.out.append(fmt % ("true" if value else "false") if "%" in fmt else fmt)

    def on_off(self, mode: str, key: str | None, fmt: str, value: bool) -> None:
        if self._json(mode):
            self._field(key)
            self.jw.raw("true" if value else "false")
        elif self._fp(mode):
            self.out.append(fmt % ("on" if value else "off"))

    def null(self, mode: str, key: str | None, fmt: str, value: str) -> None:
        if self._json(mode):
            self._field(key)
            self.jw.raw("null")
        elif self._fp(mode):
            self.out.append(fmt % value)

    def hex0x(self, mode: str, key: str | None, fmt: str, value: int) -> None:
        """print_0xhex: JSON gets the string ``"0x2a"``; ``fmt`` takes that string too."""
        if self._json(mode):
            self._field(key)
            self.jw.string(c_hex0x(value))
        elif self._fp(mode):
            self.out.append(fmt % c_hex0x(value))

    def raw_json(self, key: str, text: str) -> None:
        """jsonw_name + jsonw_printf: a value written verbatim (the bridge timers)."""
        if self.jw is not None:
            self.jw.name(key)
            self.jw.raw(text)
