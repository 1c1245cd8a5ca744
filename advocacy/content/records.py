"""Typed records of each kind of content, as the loader produces them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from advocacy.body_reads import note

R = TypeVar("R")


def with_values(record: R, **changes: Any) -> R:
    """`record` (a frozen dataclass) with other values for some of its fields: dataclasses.replace
    without running __init__ again, which checks nothing here and costs 15 µs a record (0.13 s
    at every build of a 4,000-story site, whose items take fields from their customers)."""
    copy = object.__new__(type(record))
    copy.__dict__.update(record.__dict__, **changes)
    return copy


@dataclass(frozen=True)
class Quote:
    text: str
    author: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Metric:
    value: str
    label: str


@dataclass(frozen=True)
class Person:
    name: str
    role: str | None = None


@dataclass(frozen=True)
class Speaker:
    customer: str  # a customer's slug
    name: str
    role: str | None = None


@dataclass(frozen=True)
class Source:
    name: str
    url: str | None = None


class _Body:
    """Record.body, whose every read is noted (body_reads): a page depends on a record's
    body only where its render read it. Stored in the record's __dict__, as a field is."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, record: Record | None, owner: type | None = None) -> str:
        if record is None:
            raise AttributeError(self.name)  # so that dataclasses gives the field no default
        note(record.path)
        return record.__dict__[self.name]

    def __set__(self, record: Record, value: str) -> None:
        record.__dict__[self.name] = value


# eq=False: records are compared and hashed by identity; two files are two items.
@dataclass(frozen=True, kw_only=True, eq=False)
class Record:
    kind: str  # the content folder: "stories", "testimonials", ...
    slug: str
    path: str  # the source file, relative to the site root
    body: str = _Body()  # type: ignore[assignment]  # Markdown source
    body_line: int
    lines: Mapping[str, int]  # "key" or "key.N" -> file line, for later errors
    aliases: tuple[str, ...] = ()

    def line(self, key: str) -> int:
        """The file line where `key` (or "key.N", the N-th item) was written."""
        return line_of(self.lines, key)


def line_of(lines: Mapping[str, int], key: str) -> int:
    """The line of "key" or "key.N" in a file's line map; 1 if it was not written."""
    return lines.get(key) or lines.get(key.split(".")[0]) or 1


@dataclass(frozen=True)
class Invalid:
    """The valid fields of a file that had errors, so that its references are
    still checked in the same run."""

    kind: str
    path: str
    values: Mapping[str, object]
    lines: Mapping[str, int]

    def line(self, key: str) -> int:
        return line_of(self.lines, key)


@dataclass(frozen=True, kw_only=True, eq=False)
class Customer(Record):
    name: str
    industry: str | None = None
    company_size: str | None = None
    region: str | None = None
    website: str | None = None
    logo: str | None = None
    reference: bool = False


@dataclass(frozen=True, kw_only=True, eq=False)
class Collection(Record):
    title: str
    items: tuple[str, ...] = ()
    unlisted: bool = False  # shared by link only: no navigation, sitemap, feed or search engine


@dataclass(frozen=True, kw_only=True, eq=False)
class Publishable(Record):
    """What stories, testimonials, videos and events share: facets and publishing."""

    industry: str | None = None
    products: tuple[str, ...] = ()
    use_cases: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    status: str = "published"
    consent_expires: dt.date | None = None
    featured: bool = False

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True, kw_only=True, eq=False)
class Tagged(Publishable):
    """Stories, testimonials and videos: by one customer, whose size and region they default to."""

    customer: str
    date: dt.date | None = None
    company_size: str | None = None
    region: str | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class Story(Tagged):
    title: str
    summary: str
    quote: Quote | None = None
    metrics: tuple[Metric, ...] = ()
    video: str | None = None
    people: tuple[Person, ...] = ()
    image: str | None = None
    image_alt: str | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class Testimonial(Tagged):
    author: str
    role: str | None = None
    rating: int | None = None
    source: Source | None = None
    video: str | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class Video(Tagged):
    title: str
    url: str
    duration: str | None = None
    summary: str | None = None
    poster: str | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class Event(Publishable):
    """A customer-led session: upcoming until its last day has passed, then its recording."""

    title: str
    start: dt.date | dt.datetime  # a datetime always carries its time zone
    end: dt.date | dt.datetime | None = None
    location: str | None = None
    online: bool = False
    speakers: tuple[Speaker, ...] = ()
    register: str | None = None
    recording: str | None = None
    summary: str | None = None

    @property
    def last_day(self) -> dt.date:
        """The day it ends, in its own time zone."""
        moment = self.end or self.start
        return moment.date() if isinstance(moment, dt.datetime) else moment

    def is_upcoming(self, today: dt.date) -> bool:
        return self.last_day >= today
