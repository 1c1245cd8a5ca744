"""Split a content file into YAML front matter and a Markdown body.

YAML positions are turned into lines of the whole file, so that every error
can say `path:line` of the key a marketer has to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

try:  # the C parser is several times faster; the pure one gives the same data
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class LineMap(dict):
    """A YAML mapping that remembers the file line of each of its keys."""

    line: int
    key_lines: dict[Any, int]


class LineList(list):
    """A YAML sequence that remembers the file line of each item."""

    line: int
    item_lines: list[int]


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Document:
    data: LineMap
    body: str
    body_line: int  # file line where the body starts


class _Loader(_BaseLoader):
    """Safe YAML, with lines recorded, duplicate keys refused, and YAML 1.1
    surprises removed: `no` stays the text "no" (Norway), `04:12` stays text
    (not sexagesimal 252) and dates stay text, parsed by the schema with a
    clear message."""

    line_offset = 0


# Implicit types: keep only plain booleans, integers and null. Numbers with a
# point stay text, so that a metric's `value: 1.50` keeps its digits.
_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?0|[-+]?[1-9][0-9_]*)$", "-+0123456789"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _file_line(loader: _Loader, node: yaml.Node) -> int:
    return node.start_mark.line + 1 + loader.line_offset


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = _file_line(loader, node)
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None,
                f"'{key}' is given twice (first at line {result.key_lines[key]}); keep one",
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = _file_line(loader, key_node)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = _file_line(loader, node)
    result.item_lines = [_file_line(loader, child) for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def parse_yaml(text: str, line_offset: int = 0) -> Any:
    """Parse YAML whose first line is file line `line_offset + 1`.

    Raises FrontMatterError with the file line of any syntax error.
    """
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        unclosed = exc.context == "while scanning a quoted scalar" and exc.context_mark is not None
        mark = exc.context_mark if unclosed else exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        if unclosed:
            raise FrontMatterError(line, "invalid YAML: a quoted value starts on this line and its quote is "
                                   "never closed; end it with the same quote mark") from None
        quoted = _quoted_before(text, mark) if mark is not None else None
        if quoted is not None:
            start, end = (number + 1 + line_offset for number in quoted)
            if start < end:
                raise FrontMatterError(start, f"invalid YAML: a quoted value starts on this line and its quote is "
                                       f"not closed on it (a quote mark on line {end} ends it instead); end it "
                                       "with the same quote mark") from None
            raise FrontMatterError(start, "invalid YAML: text follows the closing quote mark of a value on this "
                                   "line; put the whole value between quote marks, and use the other kind of "
                                   "quote mark inside it") from None
        problem = exc.problem or "invalid YAML"
        if exc.context and "given twice" not in problem:
            problem = f"{exc.context}: {problem}"
        tab = mark is not None and _char_at(text, mark.line, mark.column) == "\t"
        raise FrontMatterError(line, f"invalid YAML: {problem}{_yaml_hint(problem, tab)}") from None
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        raise FrontMatterError(line_offset + 1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def _quoted_before(text: str, mark: yaml.Mark) -> tuple[int, int] | None:
    """(first line, last line) of the quoted value just before a syntax error, when it ends on the
    error's line: the text after its closing quote is the mistake (a quote mark inside the value, or
    a quote left open on an earlier line, which the next quote mark closed)."""
    previous = None
    try:
        for token in yaml.scan(text):
            if (token.start_mark.line, token.start_mark.column) >= (mark.line, mark.column):
                break
            previous = token
    except yaml.YAMLError:
        pass
    if isinstance(previous, yaml.ScalarToken) and previous.style in ('"', "'") \
            and previous.end_mark.line == mark.line:
        return previous.start_mark.line, previous.end_mark.line
    return None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column:column + 1] if line < len(lines) else ""


def _yaml_hint(problem: str, at_tab: bool) -> str:
    if at_tab:
        return " (indent with spaces, not tabs)"
    if "mapping values are not allowed" in problem or "could not find expected ':'" in problem:
        return " (put quotes around a value that contains ': ' or starts with a special character)"
    return ""


def decode(raw: bytes) -> str:
    """Bytes of a content file -> text with '\\n' line ends, or FrontMatterError."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FrontMatterError(
            line, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FrontMatterError(line, "the file contains a NUL byte; save it as plain UTF-8 text")
    return text


_FENCE = re.compile(r"^---[ \t]*$")


def split(raw: bytes) -> Document:
    """Split a content file into front matter (a LineMap) and its body."""
    text = decode(raw)
    if not text.strip():
        raise FrontMatterError(1, "the file is empty; start it with front matter between two '---' lines")
    lines = text.split("\n")
    if not _FENCE.match(lines[0]):
        raise FrontMatterError(
            1, "the file must start with a line of three dashes '---' that opens its front matter"
        )
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]) or lines[index].rstrip() == "...":
            break
    else:
        raise FrontMatterError(
            1, "the front matter opened at line 1 is never closed; add a line '---' after its last key"
        )
    data = parse_yaml("\n".join(lines[1:index]), line_offset=1)
    if data is None:
        data = LineMap()
        data.line, data.key_lines = 2, {}
    if not isinstance(data, LineMap):
        raise FrontMatterError(2, "the front matter must be a list of 'key: value' lines")
    body = "\n".join(lines[index + 1 :])
    return Document(data=data, body=body, body_line=index + 2)
