"""Reading a lab file: YAML through PyYAML's safe loader, every node with its line.

A lab file is data. It is read with a subclass of :class:`yaml.SafeLoader`, so a tag
that would build a Python object (``!!python/object/apply:os.system``) is refused like
any tag the safe loader does not know, and nothing in the file can run code. The loader
keeps the line of every mapping, of each key and of each list item
(:class:`Mapping`, :class:`Sequence`), so a mistake found later -- an unknown goal kind,
a machine that does not exist, a command that fails while the world is built -- is
reported as ``lab.yaml:12: reason``.
"""

from __future__ import annotations

import re

import yaml

MAX_BYTES = 1_000_000
"""A lab file is a page of text; anything much larger is not one."""


class LabError(ValueError):
    """A lab file that cannot be used, with the file, the line and a one-line reason.

    ``str(error)`` is ``lab.yaml:12: unknown goal kind 'reachh' (known: ...)``.
    """

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        super().__init__(file, line, reason)
        self.file, self.line, self.reason = file, line, reason

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" if self.line else \
            f"{self.file}: {self.reason}"


class Refused(Exception):  # noqa: N818 - turned into a LabError with the file's name
    """A problem at a line, before the file's name is attached."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(line, reason)
        self.line, self.reason = line, reason


class Mapping(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line: int = 0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class Sequence(list):
    """A YAML list that remembers its line and the line of each item."""

    line: int = 0

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Loader(yaml.SafeLoader):
    """The safe loader, making :class:`Mapping` and :class:`Sequence` with lines, and
    reading plain words as YAML 1.2 does: ``on``, ``off``, ``yes``, ``no`` are words (a
    goal's ``on: host``), only ``true`` and ``false`` are booleans, and
    ``52:54:00:12:34:01`` is a MAC address, not a base-60 number."""


_BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float"))
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver(_INT, re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?(?:0|[1-9][0-9_]*))$"),
    list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))


def _construct_map(loader: _Loader, node: yaml.MappingNode):
    data = Mapping()
    data.line = _line(node)
    yield data
    loader.flatten_mapping(node)  # YAML's merge keys (<<), as the safe loader does
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise Refused(_line(key_node), "a key must be a plain word, not a list or "
                                           "a mapping") from None
        if key in data:
            raise Refused(_line(key_node), f"{key!r} is given twice in this mapping "
                                           f"(first at line {data.key_lines[key]})")
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = _line(key_node)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode):
    data = Sequence()
    data.line = _line(node)
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_lines.append(_line(item))


def _refuse_tag(loader: _Loader, node: yaml.Node):
    tag = node.tag
    short = tag.replace("tag:yaml.org,2002:", "!!", 1)
    if "python/" in tag:
        reason = (f"YAML tag {short!r} refused: it would make a Python object (and could run "
                  "code); a lab file holds plain data only (safe loading)")
    else:
        reason = (f"YAML tag {short!r} refused: a lab file holds plain data only (strings, "
                  "numbers, lists, mappings)")
    raise Refused(_line(node), reason)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor(None, _refuse_tag)  # any tag the safe loader has no constructor for


def parse(text: str, file: str):
    """The document in ``text`` (named ``file`` in errors), or a :class:`LabError`."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise LabError(file, None, f"the file is over {MAX_BYTES:,} bytes: a lab file is a "
                                   "page of YAML")
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = text[:error.position].count("\n") + 1
        raise LabError(file, line, f"not valid YAML: character {error.character:#06x} is "
                                   "not allowed in a YAML file") from None
    try:
        return loader.get_single_data()
    except Refused as refused:
        raise LabError(file, refused.line, refused.reason) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(filter(None, [error.problem, error.context and f"({error.context})"]))
        what = what.strip() or "unreadable"
        raise LabError(file, line, f"not valid YAML: {what}") from None
    except yaml.YAMLError as error:
        raise LabError(file, None, f"not valid YAML: {str(error).splitlines()[0]}") from None
    finally:
        loader.dispose()
