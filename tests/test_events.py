"""Events: a sixth kind of content, validated like the rest with path:line errors."""

import datetime as dt

import pytest

from advocacy.pipeline import load_site

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


# -- pages and calendar files -------------------------------------------------------------------

PAST = """\
---
title: Cold chain webinar
start: 2025-10-02T15:00Z
online: true
speakers:
  - {customer: acme, name: Lena Ward}
recording: https://vimeo.com/76979871
register: https://events.example.com/webinar
---
The recording.
"""


@pytest.fixture
def events_site(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).timestamp())))
    site.write("content/events/roundtable.md", EVENT)
    site.write("content/events/webinar.md", PAST)
    result = site.run("build")
    assert result.exit_code == 0, result.output
    return site


def test_events_page_lists_upcoming_then_past_with_the_recording_marked(events_site):
    page = events_site.page("events/")
    upcoming = page.find("section", attrs={"aria-labelledby": "upcoming"})
    past = page.find("section", attrs={"aria-labelledby": "past"})
    assert [a.get_text() for a in upcoming.select(".card-title a")] == ["Logistics leaders roundtable"]
    assert [a.get_text() for a in past.select(".card-title a")] == ["Cold chain webinar"]
    assert past.select_one(".has-video").get_text() == "Recording" and upcoming.select_one(".has-video") is None


def test_upcoming_event_page_offers_register_and_calendar_but_no_recording(events_site):
    page = events_site.page("events/roundtable/")
    links = {a.get_text(" ", strip=True): a["href"] for a in page.select(".hero-actions a")}
    assert links == {"Register for Logistics leaders roundtable": "https://events.example.com/roundtable",
                     "Add to calendar": "/events/roundtable/event.ics"}
    assert page.select_one(".video") is None
    when = page.select_one("time[data-local-time]")
    assert when["datetime"] == "2026-03-05T16:00:00+01:00"
    assert when.get_text() == "5 March 2026, 16:00–17:30 (UTC+01:00)"
    speaker = page.select_one(".speaker-list li")
    assert speaker.find("a")["href"] == "/customers/acme/" and "Ana Silva" in speaker.get_text()


def test_past_event_page_shows_the_recording_and_no_registration(events_site):
    page = events_site.page("events/webinar/")
    assert page.select(".hero-actions a") == []
    assert page.select_one(".video")["data-embed"].startswith("https://player.vimeo.com/video/76979871")


def test_calendar_files_read_back_and_the_feed_has_every_event(events_site):
    icalendar = pytest.importorskip("icalendar")
    one = icalendar.Calendar.from_ical((events_site.output / "events/roundtable/event.ics").read_bytes())
    feed = icalendar.Calendar.from_ical((events_site.output / "events.ics").read_bytes())
    assert [str(e["UID"]) for e in one.walk("VEVENT")] == ["roundtable@example.com"]
    assert sorted(str(e["SUMMARY"]) for e in feed.walk("VEVENT")) == ["Cold chain webinar",
                                                                       "Logistics leaders roundtable"]
    (event,) = one.walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2026, 3, 5, 15, 0, tzinfo=dt.timezone.utc)
    assert "Register: https://events.example.com/roundtable" in str(event["DESCRIPTION"])


def test_events_appear_on_the_home_page_customer_page_and_sitemap(events_site):
    home = events_site.page("")
    assert [a.get_text() for a in home.select("section[aria-labelledby=upcoming-events] .card-title a")] == [
        "Logistics leaders roundtable"]
    customer = events_site.page("customers/acme/")
    assert len(customer.select("section[aria-labelledby=customer-events] .card")) == 2
    sitemap = (events_site.output / "sitemap.xml").read_text(encoding="utf-8")
    from xml.etree import ElementTree
    locs = {e.text for e in ElementTree.fromstring(sitemap).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {"https://example.com/events/", "https://example.com/events/roundtable/"} <= locs


def test_a_site_without_events_has_no_events_pages_or_link(site):
    assert site.run("build").exit_code == 0
    assert not (site.output / "events").exists() and not (site.output / "events.ics").exists()
    assert site.page("").find("a", href="/events/") is None


def test_story_pages_list_their_customer_s_events_and_event_pages_carry_event_json_ld(events_site):
    story = events_site.page("stories/acme-onboarding/")
    assert [a.get_text() for a in story.select("section[aria-labelledby=story-events] .card-title a")] == [
        "Logistics leaders roundtable", "Cold chain webinar"]
    import json
    page = events_site.page("events/roundtable/")
    (data,) = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")
               if json.loads(s.string).get("@type") == "Event"]
    assert data["name"] == "Logistics leaders roundtable"
    assert data["startDate"] == "2026-03-05T16:00:00+01:00" and data["endDate"] == "2026-03-05T17:30:00+01:00"
    assert data["location"] == {"@type": "Place", "name": "Rotterdam, Netherlands", "address": "Rotterdam, Netherlands"}
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert [p["name"] for p in data["performer"]] == ["Ana Silva"]
    assert data["offers"]["url"] == "https://events.example.com/roundtable"


def test_a_draft_event_checks_without_a_traceback(site):
    site.write("content/events/draft.md", "---\ntitle: Draft\nstart: 2026-02-01\nonline: true\nstatus: draft\n---\n")
    result = site.run("check")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_times_on_both_sides_of_a_daylight_saving_change(site, monkeypatch):
    """Europe moves to summer time on 29 March 2026: the same 10:00 in Amsterdam is 09:00 UTC before
    and 08:00 UTC after; each page shows its own offset and the calendar has the right instants."""
    icalendar = pytest.importorskip("icalendar")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).timestamp())))
    site.write("content/events/before.md", "---\ntitle: Before\nstart: 2026-03-28T10:00+01:00\nonline: true\n---\n")
    site.write("content/events/after.md", "---\ntitle: After\nstart: 2026-03-30T10:00+02:00\nonline: true\n---\n")
    site.write("content/events/ny.md", "---\ntitle: New York\nstart: 2026-03-29T04:30-04:00\nonline: true\n---\n")
    assert site.run("build").exit_code == 0
    assert site.page("events/before/").select_one("time").get_text() == "28 March 2026, 10:00 (UTC+01:00)"
    assert site.page("events/after/").select_one("time").get_text() == "30 March 2026, 10:00 (UTC+02:00)"
    feed = icalendar.Calendar.from_ical((site.output / "events.ics").read_bytes())
    starts = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in feed.walk("VEVENT")}
    utc = dt.timezone.utc
    assert starts == {"Before": dt.datetime(2026, 3, 28, 9, 0, tzinfo=utc),
                      "After": dt.datetime(2026, 3, 30, 8, 0, tzinfo=utc),
                      "New York": dt.datetime(2026, 3, 29, 8, 30, tzinfo=utc)}
    listed = [a.get_text() for a in site.page("events/").select("section[aria-labelledby=upcoming] .card-title a")]
    assert listed == ["Before", "New York", "After"]  # by instant, whatever the zone


def test_the_visitor_sees_their_own_time_where_it_differs(events_site, browser, served):
    """In New York the 16:00 (UTC+01:00) roundtable also reads 10:00 AM; in Amsterdam nothing is added."""
    base = served(events_site.output)
    for zone, expected in [("America/New_York", "10:00"), ("Europe/Amsterdam", None)]:
        context = browser.new_context(timezone_id=zone, locale="en-US")
        page = context.new_page()
        page.goto(base + "events/roundtable/", wait_until="load")
        local = page.locator(".event-facts .local-time")
        if expected is None:
            assert local.count() == 0
        else:
            assert expected in local.inner_text() and "your time" in local.inner_text()
        context.close()
