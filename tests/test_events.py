"""Events: a sixth kind of content, validated like the rest with path:line errors."""

import datetime as dt

import pytest

from advocacy.build import load_site

EVENT = """\
---
title: Logistics leaders roundtable
start: 2026-03-05T16:00+01:00
end: 2026-03-05T17:30+01:00
location: Rotterdam, Netherlands
speakers:
  - {customer: acme, name: Ana Silva, role: Head of Operations}
register: https://events.example.com/roundtable
summary: Three operations leads on their first year.
---
What we will talk about.
"""


def _errors(site) -> list[str]:
    result = site.run("check")
    return [line for line in result.stderr.splitlines() if line.startswith("content/events/")]


def test_a_valid_event_loads_with_its_zone(site):
    site.write("content/events/roundtable.md", EVENT)
    loaded, problems = load_site(site.root, build_date=dt.date(2026, 1, 1))
    assert not problems.errors, problems.errors
    (event,) = loaded.events
    assert event.start == dt.datetime(2026, 3, 5, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert event.speakers[0].name == "Ana Silva" and event.is_upcoming(dt.date(2026, 3, 5))
    assert not event.is_upcoming(dt.date(2026, 3, 6))


@pytest.mark.parametrize("change, expected", [
    (("end: 2026-03-05T17:30+01:00", "end: 2026-03-05T15:00+01:00"),
     "content/events/roundtable.md:4: the event ends (2026-03-05T15:00:00+01:00) before it starts "
     "(2026-03-05T16:00:00+01:00)"),
    (("start: 2026-03-05T16:00+01:00", "start: 2026-03-05T16:00"),
     "content/events/roundtable.md:3: 'start' has a time but no time zone: add one, e.g. "
     "2026-03-05T16:00+01:00 (or Z for UTC)"),
    (("end: 2026-03-05T17:30+01:00", "end: 2026-03-06"),
     "content/events/roundtable.md:4: 'start' and 'end' should both be dates (an all-day event) or both "
     "dates with a time"),
    (("customer: acme", "customer: acne"),
     "content/events/roundtable.md:7: unknown customer 'acne' (did you mean 'acme'?): add "
     "content/customers/acne.md or fix the slug"),
    (("location: Rotterdam, Netherlands\n", ""),
     "content/events/roundtable.md:2: say where the event happens: 'location: Rotterdam, Netherlands' or "
     "'online: true'"),
    (("register: https://events.example.com/roundtable", "register: http://events.example.com/roundtable"),
     "content/events/roundtable.md:8: 'register' should be a full URL starting with https "
     "(got 'http://events.example.com/roundtable')"),
    (("summary:", "recording: https://videos.example.com/v/1\nsummary:"),
     "content/events/roundtable.md:9: 'recording' should be a video page on YouTube, Vimeo, Wistia or Loom"),
    (("start: 2026-03-05T16:00+01:00", "start: next Tuesday"),
     "content/events/roundtable.md:3: 'start' should be a date YYYY-MM-DD, or a date and time with a time "
     "zone, YYYY-MM-DDTHH:MM+01:00, e.g. 2026-03-05T16:00+01:00 (got 'next Tuesday')"),
])
def test_event_mistakes_are_reported_at_their_line(site, change, expected):
    site.write("content/events/roundtable.md", EVENT.replace(*change))
    errors = _errors(site)
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_all_day_and_online_events(site):
    site.write("content/events/summit.md", "---\ntitle: Summit\nstart: 2026-04-01\nend: 2026-04-02\n"
               "online: true\n---\n")
    loaded, problems = load_site(site.root, build_date=dt.date(2026, 4, 2))
    assert not problems.errors
    (event,) = loaded.events
    assert event.last_day == dt.date(2026, 4, 2) and event.is_upcoming(dt.date(2026, 4, 2)) and event.online


def test_upcoming_events_come_soonest_first_then_past_ones_most_recent_first(site):
    for slug, start in [("past-old", "2025-01-10"), ("next-month", "2026-02-10T09:00Z"),
                        ("tomorrow", "2026-01-02T09:00-05:00"), ("past-recent", "2025-12-01"),
                        ("today", "2026-01-01")]:
        site.write(f"content/events/{slug}.md", f"---\ntitle: {slug}\nstart: {start}\nonline: true\n---\n")
    loaded, problems = load_site(site.root, build_date=dt.date(2026, 1, 1))
    assert not problems.errors
    assert [e.slug for e in loaded.upcoming_events()] == ["today", "tomorrow", "next-month"]
    assert [e.slug for e in loaded.past_events()] == ["past-recent", "past-old"]


def test_drafts_and_expired_consent_keep_an_event_off_the_site(site):
    site.write("content/events/a.md", "---\ntitle: A\nstart: 2026-02-01\nonline: true\nstatus: draft\n---\n")
    site.write("content/events/b.md", "---\ntitle: B\nstart: 2026-02-01\nonline: true\n"
               "consent_expires: 2025-12-31\n---\n")
    loaded, problems = load_site(site.root, build_date=dt.date(2026, 1, 1))
    assert loaded.events == []
    assert [str(w) for w in problems.warnings] == [
        "content/events/b.md:5: warning: consent expired on 2025-12-31: this event is withheld from the site; "
        "renew consent and update 'consent_expires' to publish it again"]
