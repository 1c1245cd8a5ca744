"""iCalendar (RFC 5545) files for events: one per event and a feed of all.

Times are written in UTC (`DTSTART:20260305T150000Z`), which every calendar
reads without a VTIMEZONE block; all-day events are dates. Text is escaped
(backslash, semicolon, comma, newline) and lines are folded at 75 octets
without splitting a UTF-8 character. UIDs come from the event's slug and the
site's host, so a calendar that subscribed sees an update, not a new event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from advocacy import __version__

LINE_LIMIT = 75  # octets, without the CRLF


@dataclass(frozen=True)
class CalendarEvent:
    """What a calendar needs of an event (the site's Event record maps onto it)."""

    slug: str
    title: str
    start: dt.date | dt.datetime  # a datetime is always time-zone aware
    end: dt.date | dt.datetime | None
    url: str  # the event's page, absolute
    location: str | None = None
    description: str | None = None


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545 3.1), CRLF-terminated."""
    pieces: list[str] = []
    current, size = "", 0
    limit = LINE_LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = " ", 1, LINE_LIMIT  # continuation lines start with a space
        current += char
        size += width
    pieces.append(current)
    return "\r\n".join(pieces) + "\r\n"


def _when(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return ":" + value.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return ";VALUE=DATE:" + value.strftime("%Y%m%d")


def _end(event: CalendarEvent) -> dt.date | dt.datetime:
    if event.end is not None:
        # an all-day DTEND is exclusive: an event on the 5th ends on the 6th
        return event.end + dt.timedelta(days=1) if not isinstance(event.end, dt.datetime) else event.end
    if isinstance(event.start, dt.datetime):
        return event.start + dt.timedelta(hours=1)
    return event.start + dt.timedelta(days=1)


def _vevent(event: CalendarEvent, host: str, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.slug}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART{_when(event.start)}",
        f"DTEND{_when(_end(event))}",
        f"SUMMARY:{escape_text(event.title)}",
        f"URL:{event.url}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[CalendarEvent], *, base_url: str, name: str, stamp: dt.date) -> bytes:
    """A VCALENDAR with the given events; `stamp` (the build date) is every DTSTAMP,
    so that the same content gives the same bytes."""
    host = urlsplit(base_url).hostname or "localhost"
    stamp_text = stamp.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//advocacy//advocacy {__version__}//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines += _vevent(event, host, stamp_text)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines).encode("utf-8")
