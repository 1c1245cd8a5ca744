"""Field types: each validates one front-matter value and says what it expects.

The tables of which fields each kind has are in `schema.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from advocacy.content.frontmatter import LineList, LineMap
from advocacy.errors import did_you_mean
from advocacy.slugs import slugify
from advocacy.urls import LINK_SCHEMES, is_absolute
from advocacy.video import PROVIDERS, parse_video_url

SLUG_RULE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COMPANY_SIZES = ("1-50", "51-200", "201-1000", "1001-5000", "5000+")
MAX_TEXT = 20_000
MAX_TERM = 200  # a topic page's folder name must fit the file system's 255 bytes
# The longest word a page may show. Chromium wraps a word wider than its line (overflow-wrap: anywhere)
# in a time that grows with the square of its length when its letters are kerned ("AVAV…", or "AAAA…" in
# system-ui): one word of 19,000 letters took 1.5 s of layout, and the testimonials wall, laid out again
# as each chunk of HTML arrived, never reached DOMContentLoaded, even without JavaScript.
MAX_WORD = 200
# A run with no place to break a line: no space, hyphen or zero-width space, and no letter of a script
# written without spaces (CJK, Thai, Lao, Myanmar, Khmer), where a line may break between words unmarked.
_UNBROKEN = re.compile(r"[^\s\-\u200b\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff"
                       rf"\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]{{{MAX_WORD + 1},}}")


def long_word(text: str) -> re.Match | None:
    """The first word of text longer than MAX_WORD characters, if any."""
    if max(map(len, text.split()), default=0) <= MAX_WORD:  # the usual case, several times faster to tell
        return None
    return _UNBROKEN.search(text)


def long_word_message(word: re.Match) -> str:
    return (f"a word of {len(word.group())} characters ('{word.group()[:20]}…'), which a browser takes seconds "
            f"to wrap: put spaces in it, at most {MAX_WORD} characters apart")


class FieldError(Exception):
    """A value that does not fit its field; `line` is where it was written."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message
        self.all: list[FieldError] = [self]

    @classmethod
    def group(cls, errors: list[FieldError]) -> FieldError:
        """One exception carrying several errors (e.g. in a list of metrics)."""
        first = errors[0]
        first.all = [e for err in errors for e in err.all]
        return first


def _line_of_item(container: LineList, index: int, default: int) -> int:
    lines = getattr(container, "item_lines", None)
    return lines[index] if lines and index < len(lines) else default


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a set of 'key: value' lines"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return "text"


class FieldType:
    """Validates a raw YAML value; returns the clean Python value."""

    expects = "a value"
    example: Any = None

    def parse(self, value: Any, line: int, name: str) -> Any:
        raise NotImplementedError


class Text(FieldType):
    expects = "text"
    shown = True  # a page shows it as text, so no word may be too long to wrap (MAX_WORD)

    def __init__(self, example: str = "…", *, one_line: bool = True, max_length: int = MAX_TEXT):
        self.example = example
        self.one_line = one_line
        self.max_length = max_length

    def parse(self, value: Any, line: int, name: str) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # `value: 40` in a metric is the text "40"
        if not isinstance(value, str):
            raise FieldError(line, f"'{name}' should be text, not {_kind_of(value)}")
        value = value.strip()
        if not value:
            raise FieldError(line, f"'{name}' is empty")
        if self.one_line:
            value = " ".join(value.split())
        if len(value) > self.max_length:
            raise FieldError(line, f"'{name}' is {len(value)} characters long; keep it under {self.max_length}")
        if self.shown and (word := long_word(value)) is not None:
            raise FieldError(line, f"'{name}' has {long_word_message(word)}")
        return value


class Term(Text):
    """A topic (industry, region, product, use case): each becomes a page, named by its slug."""

    def __init__(self, example: str):
        super().__init__(example, max_length=MAX_TERM)

    def parse(self, value: Any, line: int, name: str) -> str:
        value = super().parse(value, line, name)
        if len(slugify(value)) > MAX_TERM:
            raise FieldError(line, f"'{name}' makes a web address of {len(slugify(value))} characters; "
                             f"shorten it to under {MAX_TERM}")
        return value


class Slug(Text):
    expects = "a slug (lower-case letters, digits and dashes)"
    shown = False

    def parse(self, value: Any, line: int, name: str) -> str:
        value = super().parse(value, line, name)
        if not SLUG_RULE.match(value):
            raise FieldError(
                line,
                f"'{name}' must use only lower-case letters, digits and dashes, "
                f"starting with a letter or digit (got '{value}')",
            )
        return value


class Date(FieldType):
    expects = "a date, YYYY-MM-DD"
    example = "2025-03-14"

    def parse(self, value: Any, line: int, name: str) -> dt.date:
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        shown = f"'{value}'" if text else _kind_of(value)
        raise FieldError(line, f"'{name}' should be a date written YYYY-MM-DD, e.g. 2025-03-14 (got {shown})")


class DateTime(FieldType):
    """A date (an all-day event) or a date and time with its time zone."""
    expects = "a date YYYY-MM-DD, or a date and time with a time zone, YYYY-MM-DDTHH:MM+01:00"
    example = "2026-03-05T16:00+01:00"

    def parse(self, value: Any, line: int, name: str) -> dt.date | dt.datetime:
        text = value.strip() if isinstance(value, str) else None
        if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return Date().parse(text, line, name)
        try:
            moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1)) if text else None
        except ValueError:
            moment = None
        if moment is None:
            shown = f"'{value}'" if text else _kind_of(value)
            raise FieldError(line, f"'{name}' should be {self.expects}, e.g. {self.example} (got {shown})")
        if moment.tzinfo is None:
            raise FieldError(line, f"'{name}' has a time but no time zone: add one, e.g. "
                             f"{moment.strftime('%Y-%m-%dT%H:%M')}+01:00 (or Z for UTC)")
        return moment


class Bool(FieldType):
    expects = "true or false"
    example = True

    def parse(self, value: Any, line: int, name: str) -> bool:
        if not isinstance(value, bool):
            raise FieldError(line, f"'{name}' should be true or false (got '{value}')")
        return value


class Choice(FieldType):
    def __init__(self, *choices: str):
        self.choices = choices
        self.example = choices[0]
        self.expects = "one of " + ", ".join(choices)

    def parse(self, value: Any, line: int, name: str) -> str:
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text not in self.choices:
            hint = did_you_mean(str(text), self.choices) if text else ""
            raise FieldError(line, f"'{name}' should be one of {', '.join(self.choices)} (got '{value}'){hint}")
        return text


class Rating(FieldType):
    expects = "a whole number from 1 to 5"
    example = 5

    def parse(self, value: Any, line: int, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise FieldError(line, f"'{name}' should be a whole number from 1 to 5 (got '{value}')")
        return value


class Url(FieldType):
    """An absolute link; only the allowed schemes (never javascript: or data:)."""

    def __init__(self, schemes: frozenset[str] = LINK_SCHEMES, example: str = "https://www.example.com/"):
        self.schemes = schemes
        self.example = example
        self.expects = "a full URL (" + ", ".join(sorted(s + ":" for s in schemes)) + ")"

    def parse(self, value: Any, line: int, name: str) -> str:
        if not isinstance(value, str) or not is_absolute(value.strip(), self.schemes):
            allowed = ", ".join(sorted(self.schemes))
            raise FieldError(line, f"'{name}' should be a full URL starting with {allowed} (got '{value}')")
        return value.strip()


class VideoUrl(FieldType):
    expects = "a YouTube, Vimeo, Wistia or Loom URL"
    example = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"

    def parse(self, value: Any, line: int, name: str) -> str:
        if not isinstance(value, str) or parse_video_url(value) is None:
            raise FieldError(
                line,
                f"'{name}' should be a video page on {', '.join(PROVIDERS[:-1])} or {PROVIDERS[-1]} (got '{value}')",
            )
        return value.strip()


class SitePath(Text):
    """A path inside the site, such as `/logos/acme.svg` (a file of static/)."""

    expects = "a path of a file in static/, e.g. /logos/acme.svg"
    shown = False

    def __init__(self, example: str = "/images/example.png"):
        super().__init__(example)

    def parse(self, value: Any, line: int, name: str) -> str:
        value = super().parse(value, line, name)
        path = "/" + value.lstrip("/")
        segments = path.split("/")[1:]
        if (
            "://" in value
            or value.startswith("//")
            or any(seg in ("", ".", "..") for seg in segments[:-1])
            or segments[-1] in (".", "..")
            or re.search(r"[\\?#\x00-\x1f]", path)
        ):
            raise FieldError(
                line, f"'{name}' should be a path inside the site such as {self.example} (got '{value}')"
            )
        return path


class Duration(Text):
    expects = "a duration, mm:ss or h:mm:ss"

    def __init__(self):
        super().__init__("04:30")

    def parse(self, value: Any, line: int, name: str) -> str:
        value = super().parse(value, line, name)
        if not re.fullmatch(r"(\d{1,2}:)?\d{1,3}:[0-5]\d", value):
            raise FieldError(line, f"'{name}' should be a duration like 04:30 or 1:02:30 (got '{value}')")
        return value


class ListOf(FieldType):
    def __init__(self, item: FieldType, example: list | None = None):
        self.item = item
        self.expects = f"a list; each {item.expects}"
        self.example = example if example is not None else [item.example]

    def parse(self, value: Any, line: int, name: str) -> tuple:
        if isinstance(value, str) and not isinstance(self.item, Object):
            value = [value]  # `products: Dispatch` means a list of one
        if not isinstance(value, list):
            raise FieldError(line, f"'{name}' should be a list (got {_kind_of(value)})")
        items, errors = [], []
        for index, item in enumerate(value):
            try:
                items.append(self.item.parse(item, _line_of_item(value, index, line), f"{name}[{index + 1}]"))
            except FieldError as exc:
                errors.append(exc)
        if errors:
            raise FieldError.group(errors)
        return tuple(items)


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    required: bool = False
    help: str = ""


class Object(FieldType):
    """A nested group of fields, such as a quote's text, author and role."""

    def __init__(self, record: type, fields: list[Field]):
        self.record = record
        self.fields = {f.name: f for f in fields}
        self.expects = "indented keys: " + ", ".join(self.fields)
        self.example = {f.name: f.type.example for f in fields if f.required}

    def parse(self, value: Any, line: int, name: str) -> Any:
        if not isinstance(value, LineMap):
            raise FieldError(
                line, f"'{name}' should be {self.expects} on indented lines below it (got {_kind_of(value)})"
            )
        values, errors = parse_fields(value, self.fields, prefix=f"{name}.")
        if errors:
            raise FieldError.group(errors)
        return self.record(**values)


def _comma_hint(data: LineMap, key: Any, raw: Any) -> str:
    """`{role: Depot Manager, Rotterdam}`: a comma ended the value and made a key of
    the rest. Suggest the quotes that keep them together."""
    keys = list(data)
    position = keys.index(key)
    if raw is not None or position == 0 or not isinstance(data[keys[position - 1]], str):
        return ""
    before = keys[position - 1]
    return (f"; if it belongs to '{before}', put that value in quotes: "
            f"{before}: \"{data[before]}, {key}\"")


def parse_fields(data: LineMap, fields: dict[str, Field], prefix: str = "") -> tuple[dict, list[FieldError]]:
    """Validate every key of `data` against `fields`: clean values and all errors."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, raw in data.items():
        line = data.key_lines.get(key, data.line)
        field = fields.get(key) if isinstance(key, str) else None
        if field is None:
            hint = did_you_mean(str(key), fields) or (_comma_hint(data, key, raw) if prefix else "")
            errors.append(FieldError(line, f"unknown key '{prefix}{key}'{hint}"))
            continue
        if raw is None:
            if field.required:
                errors.append(FieldError(line, f"'{prefix}{key}' is required but has no value"))
            continue
        try:
            values[key] = field.type.parse(raw, line, prefix + key)
        except FieldError as exc:
            errors.extend(exc.all)
    for field in fields.values():
        if field.required and field.name not in data:
            errors.append(FieldError(data.line, f"'{prefix}{field.name}' is required ({field.help or field.type.expects})"))
    return values, errors


class MapOf(FieldType):
    """A mapping whose keys are slugs, each with a value of one type."""

    def __init__(self, item: FieldType, example: dict):
        self.item = item
        self.example = example
        self.expects = f"lower-case keys, each with {item.expects}"

    def parse(self, value: Any, line: int, name: str) -> dict:
        if not isinstance(value, LineMap):
            raise FieldError(line, f"'{name}' should be {self.expects} (got {_kind_of(value)})")
        result, errors = {}, []
        for key, raw in value.items():
            key_line = value.key_lines.get(key, line)
            try:
                slug = Slug().parse(key, key_line, f"{name} key")
                result[slug] = self.item.parse(raw, key_line, f"{name}.{key}")
            except FieldError as exc:
                errors.append(exc)
        if errors:
            raise FieldError.group(errors)
        return result


class Alias(SitePath):
    """An old URL of a page, as a path of the site: `/case-studies/acme/`."""

    expects = "a path of the site, e.g. /case-studies/old-name/"

    def __init__(self):
        super().__init__("/case-studies/old-name/")

    def parse(self, value: Any, line: int, name: str) -> str:
        path = super().parse(value, line, name)
        if path == "/":
            raise FieldError(line, f"'{name}' cannot be the home page '/'")
        last = path.rsplit("/", 1)[-1]
        return path if path.endswith("/") or "." in last else path + "/"
