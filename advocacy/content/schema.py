"""Which fields each kind of content has: one table per kind.

The loader validates with these tables; the docs and `advocacy new` read
them too, so that what is documented is what is checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from advocacy.content import records
from advocacy.content.fields import (
    COMPANY_SIZES, Alias, Bool, Choice, Date, DateTime, Duration, Field, FieldError, ListOf, Object,
    Rating, SitePath, Slug, Term, Text, Url, VideoUrl,
)

SLUG = Field("slug", Slug("my-story"), help="overrides the slug taken from the file name")
ALIASES = Field("aliases", ListOf(Alias()),
                help="old URLs of this page; each becomes a redirect")

COMMON = [
    SLUG,
    Field("customer", Slug("acme"), required=True, help="slug of a file in content/customers/"),
    Field("industry", Term("Logistics"), help="defaults to the customer's"),
    Field("company_size", Choice(*COMPANY_SIZES), help="defaults to the customer's"),
    Field("region", Term("Europe"), help="defaults to the customer's"),
    Field("products", ListOf(Term("Dispatch")), help="products this is about"),
    Field("use_cases", ListOf(Term("Route planning")), help="what the customer used them for"),
    Field("values", ListOf(Slug("reliability")), help="keys of `values:` in advocacy.yaml"),
    Field("status", Choice("published", "draft"), help="drafts are built only with --drafts"),
    Field("consent_expires", Date(), help="after this date the item is withheld"),
    Field("featured", Bool(), help="shown first on the home page"),
    ALIASES,
]

QUOTE = Object(records.Quote, [
    Field("text", Text("It just works.", one_line=False), required=True),
    Field("author", Text("Ana Silva")),
    Field("role", Text("Head of Operations")),
])
METRIC = Object(records.Metric, [
    Field("value", Text("-85%", max_length=40), required=True),
    Field("label", Text("onboarding time", max_length=200), required=True),
])
PERSON = Object(records.Person, [
    Field("name", Text("Ana Silva"), required=True),
    Field("role", Text("Head of Operations")),
])
SPEAKER = Object(records.Speaker, [
    Field("customer", Slug("acme"), required=True, help="slug of a file in content/customers/"),
    Field("name", Text("Ana Silva"), required=True),
    Field("role", Text("Head of Operations")),
])
SOURCE = Object(records.Source, [
    Field("name", Text("G2"), required=True),
    Field("url", Url()),
])


# Checks that need several fields of a file: (valid values, key -> line) -> errors.
CrossCheck = Callable[[Mapping[str, Any], Callable[[str], int]], list[FieldError]]


@dataclass(frozen=True)
class Kind:
    folder: str  # content/<folder>/ and the URL prefix
    singular: str
    record: type[records.Record]
    fields: dict[str, Field]
    body: str  # what the Markdown body holds
    check: CrossCheck | None = None


def _kind(folder: str, singular: str, record: type, body: str, fields: list[Field],
          check: CrossCheck | None = None) -> Kind:
    return Kind(folder, singular, record, {f.name: f for f in fields}, body, check)


def _check_event(values: Mapping[str, Any], line: Callable[[str], int]) -> list[FieldError]:
    """An event says where it happens, and ends after it starts, in the same kind of time."""
    errors = []
    if not values.get("location") and not values.get("online"):
        errors.append(FieldError(line("title"), "say where the event happens: 'location: Rotterdam, Netherlands' "
                                 "or 'online: true'"))
    start, end = values.get("start"), values.get("end")
    if start is not None and end is not None:
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            errors.append(FieldError(line("end"), "'start' and 'end' should both be dates (an all-day event) "
                                     "or both dates with a time"))
        elif end < start:
            errors.append(FieldError(line("end"), f"the event ends ({end.isoformat()}) before it starts "
                                     f"({start.isoformat()})"))
    return errors


KINDS: dict[str, Kind] = {k.folder: k for k in [
    _kind("customers", "customer", records.Customer, "a description of the customer", [
        SLUG,
        Field("name", Text("Acme Logistics"), required=True, help="the company's name"),
        Field("industry", Term("Logistics"), help="the default of their stories, videos and testimonials"),
        Field("company_size", Choice(*COMPANY_SIZES), help="employees; the default of their items"),
        Field("region", Term("Europe"), help="the default of their items"),
        Field("website", Url(example="https://www.acme.example/"), help="their website"),
        Field("logo", SitePath("/logos/acme.svg"), help="a file in static/"),
        Field("reference", Bool(), help="this customer agrees to talk to prospects"),
        ALIASES,
    ]),
    _kind("stories", "story", records.Story, "the story: challenge, solution, results", [
        Field("title", Text("How Acme cut onboarding from weeks to days"), required=True, help="the headline"),
        Field("summary", Text("One sentence on what changed."), required=True, help="one sentence"),
        Field("date", Date(), required=True, help="when it was published"),
        *COMMON,
        Field("quote", QUOTE, help="the line that sums it up, shown large"),
        Field("metrics", ListOf(METRIC), help="key results; the first is the headline metric"),
        Field("video", VideoUrl(), help="a video of the story"),
        Field("people", ListOf(PERSON), help="who at the customer took part"),
        Field("image", SitePath("/images/acme-team.jpg"), help="a file in static/"),
        Field("image_alt", Text("Dispatchers at Acme's Rotterdam depot"),
              help="what the image shows, for people who cannot see it (leave out for a decorative one)"),
    ]),
    _kind("testimonials", "testimonial", records.Testimonial, "the quote", [
        Field("author", Text("Ana Silva"), required=True, help="who said it"),
        Field("role", Text("Head of Operations"), help="their job title"),
        Field("rating", Rating(), help="stars, 1 to 5"),
        Field("source", SOURCE, help="where the review was published"),
        Field("video", VideoUrl(), help="a video of the testimonial"),
        Field("date", Date(), help="when it was given"),
        *COMMON,
    ]),
    _kind("videos", "video", records.Video, "the transcript or a summary", [
        Field("title", Text("Acme on a year with Dispatch"), required=True, help="the headline"),
        Field("url", VideoUrl(), required=True, help="the video on YouTube, Vimeo, Wistia or Loom"),
        Field("date", Date(), required=True, help="when it was published"),
        Field("duration", Duration(), help="its length"),
        Field("summary", Text("What the video shows, in one sentence."), help="one sentence"),
        Field("poster", SitePath("/images/acme-video.jpg"), help="a preview image in static/"),
        *COMMON,
    ]),
    _kind("events", "event", records.Event, "what the session is about", [
        SLUG,
        Field("title", Text("Logistics leaders roundtable"), required=True, help="the session's name"),
        Field("start", DateTime(), required=True,
              help="a date and time with its time zone, or a date for an all-day event"),
        Field("end", DateTime(), help="the same kind of value as start; an hour after it if left out"),
        Field("location", Text("Rotterdam, Netherlands"), help="where it happens"),
        Field("online", Bool(), help="true for an online session (with or without a location)"),
        Field("speakers", ListOf(SPEAKER), help="the customers' people who lead it"),
        Field("register", Url(frozenset({"https"}), "https://events.example.com/roundtable"),
              help="where prospects sign up (https)"),
        Field("recording", VideoUrl(), help="the video, once it has taken place"),
        Field("summary", Text("Three operations leads on their first year with Dispatch."),
              help="one sentence"),
        Field("industry", Term("Logistics"), help="the industry it speaks to"),
        *[field for field in COMMON if field.name in
          ("products", "use_cases", "values", "status", "consent_expires", "featured")],
        ALIASES,
    ], check=_check_event),
    _kind("collections", "collection", records.Collection, "an introduction to the set", [
        SLUG,
        Field("title", Text("Logistics pack"), required=True, help="the collection's name"),
        Field("items", ListOf(Text("stories/acme"), example=["stories/acme"]), required=True,
              help="stories/<slug>, testimonials/<slug> or videos/<slug>"),
        Field("unlisted", Bool(), help="a rep's pack: built and shareable by its link, but not in the "
              "navigation, the collections list, the sitemap or the feed, and not indexed by search engines"),
        ALIASES,
    ]),
]}
