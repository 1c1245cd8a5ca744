"""Site -> every page of the output: its path, its template and what it shows.

URLs are made here and nowhere else. A path is relative to the site root
('stories/acme/'); the renderer adds the subpath of base_url.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from advocacy import (
    match as ranking,  # the module: match.py imports this one for path_for
)
# the module: embed.py imports this one for Page and path_for
from advocacy import embed
from advocacy.cache import BuildCache, content_hash
from advocacy.content.records import Customer, Record, Story, Tagged, Video
from advocacy.content.schema import KINDS
from advocacy.errors import Problems
from advocacy.facets import facets_for, search_facets
from advocacy.site import Site, Term

LIST_KINDS = ("stories", "testimonials", "videos", "customers", "collections")


@dataclass(frozen=True)
class Page:
    path: str  # '' for home, 'stories/acme/', 'feed.xml'
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    in_sitemap: bool = True

    @property
    def output(self) -> str:
        """The file this page is written to, relative to the output folder."""
        return output_of(self.path)


def output_of(path: str) -> str:
    """The file a page at `path` ('stories/acme/', '' for home, 'feed.xml', '/stories/acme/' as the
    URL record writes it) is written to: two spellings of one address ('x/', 'x/index.html') give one."""
    path = path.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def path_for(target: Record | Term) -> str:
    """The site path of a record or a taxonomy term."""
    if isinstance(target, Term):
        return f"{target.taxonomy}/{target.slug}/"
    if target.kind == "testimonials":
        return f"testimonials/#{target.slug}"
    return f"{target.kind}/{target.slug}/"


def peer_request_url(site: Site, customer: Customer, item: Record | None = None) -> str | None:
    """Where a prospect asks to talk to `customer`, or None if they are no reference."""
    request_url = site.config.references.request_url
    if not customer.reference or not request_url:
        return None
    title = getattr(item, "title", None)
    if request_url.startswith("mailto:"):
        subject = f"Talk to {customer.name}" + (f" about \"{title}\"" if title else "")
        body = (f"I would like to talk to someone at {customer.name}"
                + (f" about \"{title}\" ({site.config.absolute(path_for(item))})" if title else "") + ".")
        return _with_query(request_url, {"subject": subject, "body": body})
    params = {"customer": customer.slug}
    if item is not None and item is not customer:
        params[KINDS[item.kind].singular] = item.slug
    return _with_query(request_url, params)


def _with_query(url: str, params: dict[str, str]) -> str:
    """url with params in its query: they replace the same names already there, others stay,
    and a #fragment stays at the end."""
    parts = urlsplit(url)
    kept = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name not in params]
    query = urlencode([*kept, *params.items()], quote_via=quote)
    return urlunsplit(parts._replace(query=query))


def plan_pages(site: Site, problems: Problems, cache: BuildCache | None = None) -> list[Page]:
    """Every page of the site, in a stable order; URL clashes become problems. With a
    cache, the picker's ranking and related stories are kept for as long as what they rank stays the same."""
    if cache is not None:
        site.keep_related(cache)
    # "companies like mine": the ranking of `advocacy match` for every pick, in a file of its
    # own that the picker fetches when used, so that the pages stay light however big the site
    picker = _picker(site, cache)
    picker_facets = picker["facets"] if picker["top"] else None
    pages = [
        Page("", "home.html", {**_home(site), "picker": picker_facets}),
        Page("stories/", "stories.html", {"items": site.stories, "facets": facets_for(site, "stories"),
                                          "picker": picker_facets}),
        Page("testimonials/", "testimonials.html",
             {"items": site.testimonials, "facets": facets_for(site, "testimonials")}),
        Page("videos/", "videos.html", {"items": site.videos, "facets": facets_for(site, "videos")}),
        Page("customers/", "customers.html", {"items": sorted(site.customers.values(), key=lambda c: c.name.lower())}),
        Page("collections/", "collections.html", {"items": [c for c in site.collections if not c.unlisted]}),
        Page("search/", "search.html", {"search_facets": search_facets(site)}, in_sitemap=False),
    ]
    pages += [story_or_video_page(site, item) for item in [*site.stories, *site.videos]]
    for customer in site.customers.values():
        pages.append(Page(path_for(customer), "customer.html", {
            "item": customer, "stories": site.items_of(customer, "stories"),
            "testimonials": site.items_of(customer, "testimonials"),
            "videos": site.items_of(customer, "videos"), "events": site.events_of(customer),
            "request_url": peer_request_url(site, customer, customer)}))
    if site.events:
        pages.append(Page("events/", "events.html", {"upcoming": site.upcoming_events(), "past": site.past_events()}))
        pages.append(Page("events.ics", "calendar.ics", {"events": site.events}, in_sitemap=False))
    for event in site.events:
        pages.append(Page(path_for(event), "event.html", {
            "item": event, "upcoming": event.is_upcoming(site.build_date),
            "speakers": [(speaker, site.customers[speaker.customer]) for speaker in event.speakers]}))
        pages.append(Page(f"{path_for(event)}event.ics", "calendar.ics", {"events": [event]}, in_sitemap=False))
    for collection in site.collections:
        # an unlisted collection is a rep's pack: reachable by its link only
        pages.append(Page(path_for(collection), "collection.html", {
            "item": collection, "members": site.collection_items(collection)}, in_sitemap=not collection.unlisted))
    for taxonomy in site.taxonomies.values():
        pages.append(Page(f"{taxonomy.key}/", "taxonomy.html", {"taxonomy": taxonomy}))
        for term in taxonomy.terms:
            pages.append(Page(path_for(term), "term.html", {"taxonomy": taxonomy, "term": term}))
    # always published, even empty: a site's last story going must not drop a recorded URL
    pages.append(Page("picker.json", "picker.json", {"picker": picker}, in_sitemap=False))
    pages += [
        Page("feed.xml", "feed.xml", {"entries": _feed_entries(site)}, in_sitemap=False),
        Page("404.html", "404.html", in_sitemap=False),
        Page("robots.txt", "robots.txt", in_sitemap=False),
    ]
    pages += embed.plan_embed_pages(site)  # made for iframes on other sites: never in the sitemap
    pages.append(Page("sitemap.xml", "sitemap.xml", {"pages": [p for p in pages if p.in_sitemap]}, in_sitemap=False))
    pages += _redirects(site, {page.output: page for page in pages}, problems)
    return pages


def story_or_video_page(site: Site, item: Story | Video) -> Page:
    """The page of a story or a video (made alone too: the preview shows an edited one first)."""
    customer = site.customer_of(item)
    if isinstance(item, Story):
        return Page(path_for(item), "story.html", {
            "item": item, "customer": customer, "related": site.related(item), "events": site.events_of(customer),
            "request_url": peer_request_url(site, customer, item)})
    return Page(path_for(item), "video.html", {
        "item": item, "customer": customer, "request_url": peer_request_url(site, customer, item)})


def _picker(site: Site, cache: BuildCache | None) -> dict[str, Any]:
    if cache is None:
        return ranking.picker_data(site)
    kept = cache.get_or_make("picker", content_hash(ranking.picker_inputs(site)), lambda: ranking.picker_ranking(site))
    return ranking.picker_data(site, kept)


def _home(site: Site) -> dict[str, Any]:
    featured = sorted(site.stories, key=lambda s: not s.featured)[:3]  # stable: newest within
    metrics = [(story, story.metrics[0]) for story in featured if story.metrics]
    testimonials = sorted(site.testimonials, key=lambda t: (not t.featured, -(t.rating or 0)))[:3]
    references = [c for c in site.customers.values() if c.reference]
    return {"featured": featured, "metrics": metrics, "testimonials": testimonials,
            "values": site.taxonomies["values"].terms, "references": references,
            "events": site.upcoming_events()[:3]}


def _feed_entries(site: Site) -> list[Tagged]:
    entries = sorted([*site.stories, *site.videos], key=lambda i: (i.date, i.slug), reverse=True)
    return entries[:30]


def _redirects(site: Site, taken: dict[str, Page], problems: Problems) -> list[Page]:
    """A redirect page for every alias of a published item; clashes are errors."""
    owners: dict[str, Record] = {}
    redirects = []
    records: list[Record] = [*site.stories, *site.videos, *site.testimonials,
                             *site.customers.values(), *site.collections, *site.events]
    for record in records:
        for index, alias in enumerate(record.aliases):
            page = Page(alias.lstrip("/"), "redirect.html", {"target": path_for(record), "item": record},
                        in_sitemap=False)
            line = record.line(f"aliases.{index}")
            if page.output in taken:
                problems.error(record.path, line, f"alias '{alias}' is the address of an existing page; "
                               "remove it or choose another old URL")
            elif page.output in owners:
                problems.error(record.path, line, f"alias '{alias}' is also an alias of "
                               f"{owners[page.output].path}; keep it on one of them")
            else:
                owners[page.output] = record
                redirects.append(page)
    return redirects
