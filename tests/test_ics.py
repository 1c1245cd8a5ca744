"""iCalendar output, read back with the icalendar package (a well-kept RFC 5545 parser)."""

import datetime as dt

import pytest

from advocacy.ics import CalendarEvent, calendar, escape_text, fold

icalendar = pytest.importorskip("icalendar", reason="the calendar tests need icalendar (pip install -e '.[test]')")

CET = dt.timezone(dt.timedelta(hours=1))
HOSTILE = "Roundtable; logistics, Europe \\ Zürich\nEND:VEVENT\r\nBEGIN:VEVENT 🚚" * 3


def _events() -> list[CalendarEvent]:
    return [
        CalendarEvent("roundtable", HOSTILE, dt.datetime(2026, 3, 5, 16, 0, tzinfo=CET),
                      dt.datetime(2026, 3, 5, 17, 30, tzinfo=CET), "https://peers.example.com/events/roundtable/",
                      location="Rotterdam, Netherlands", description="Line one\nLine two; with, commas"),
        CalendarEvent("summit", "Customer summit", dt.date(2026, 4, 1), dt.date(2026, 4, 2),
                      "https://peers.example.com/events/summit/"),
        CalendarEvent("webinar", "Webinar", dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.timezone.utc), None,
                      "https://peers.example.com/events/webinar/", location="Online"),
    ]


@pytest.fixture
def parsed():
    data = calendar(_events(), base_url="https://peers.example.com/sub/", name="Peer events", stamp=dt.date(2026, 1, 1))
    return data, {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_every_event_reads_back_with_its_text_intact(parsed):
    _, events = parsed
    assert sorted(events) == ["roundtable@peers.example.com", "summit@peers.example.com", "webinar@peers.example.com"]
    roundtable = events["roundtable@peers.example.com"]
    assert str(roundtable["SUMMARY"]) == HOSTILE.replace("\r\n", "\n")
    assert str(roundtable["LOCATION"]) == "Rotterdam, Netherlands"
    assert str(roundtable["DESCRIPTION"]) == "Line one\nLine two; with, commas"
    assert str(roundtable["URL"]) == "https://peers.example.com/events/roundtable/"


def test_times_are_utc_and_all_day_ends_are_exclusive(parsed):
    _, events = parsed
    roundtable = events["roundtable@peers.example.com"]
    assert roundtable.decoded("DTSTART") == dt.datetime(2026, 3, 5, 15, 0, tzinfo=dt.timezone.utc)
    assert roundtable.decoded("DTEND") == dt.datetime(2026, 3, 5, 16, 30, tzinfo=dt.timezone.utc)
    summit = events["summit@peers.example.com"]
    assert (summit.decoded("DTSTART"), summit.decoded("DTEND")) == (dt.date(2026, 4, 1), dt.date(2026, 4, 3))
    webinar = events["webinar@peers.example.com"]
    assert webinar.decoded("DTEND") - webinar.decoded("DTSTART") == dt.timedelta(hours=1)


def test_lines_are_folded_crlf_and_at_most_75_octets(parsed):
    data, _ = parsed
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long summary was folded
    unfolded = data.replace(b"\r\n ", b"").split(b"\r\n")
    assert unfolded.count(b"BEGIN:VEVENT") == 3  # no text opened an event of its own


def test_the_same_events_give_the_same_bytes():
    one = calendar(_events(), base_url="https://a.example/", name="x", stamp=dt.date(2026, 1, 1))
    two = calendar(_events(), base_url="https://a.example/", name="x", stamp=dt.date(2026, 1, 1))
    assert one == two


@pytest.mark.parametrize("text, expected", [("a;b,c\\d\ne", "a\\;b\\,c\\\\d\\ne"), ("plain", "plain")])
def test_escape_text(text, expected):
    assert escape_text(text) == expected


def test_fold_never_splits_a_character():
    folded = fold("X:" + "é" * 100)
    for line in folded.encode("utf-8").split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")  # raises if a character was cut in two
    assert folded.replace("\r\n ", "") == "X:" + "é" * 100 + "\r\n"
