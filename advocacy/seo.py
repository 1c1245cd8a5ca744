"""What a page tells search engines and link previews: share image, JSON-LD.

JSON-LD sits inside a <script> element, where HTML escaping does not apply;
`script_json` escapes <, > and & as \\u003c etc., so no content can close the
element or open a comment, whatever it holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from advocacy.content.records import Customer, Event, Record, Speaker, Story, Testimonial, Video
from advocacy.paths import unpublished
from advocacy.site import Site, Term
from advocacy.video import parse_video_url

Target = str | Record | Term
Absolute = Callable[[Target], str]
SizeOf = Callable[[str], tuple[int, int] | None]  # site path -> (width, height)

DEFAULT_SHARE_IMAGE = "share.jpg"  # a theme file, when advocacy.yaml names no share.image
# Link previews show PNG, JPEG, GIF and WebP; no network renders an SVG, so one is skipped.
_PREVIEWABLE = (".png", ".jpg", ".jpeg", ".gif", ".webp")


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute
    width: int | None
    height: int | None
    alt: str
    large: bool  # a picture worth a large card, not a logo


def share_image(item: Record | None, site: Site, absolute: Absolute, size_of: SizeOf,
                theme_image: str) -> ShareImage:
    """The picture of a link preview: the item's image, else its customer's logo, else the site's."""
    customer = item if isinstance(item, Customer) else (
        site.customers.get(item.customer) if item is not None and hasattr(item, "customer") else None)
    candidates: list[tuple[str | None, str, bool]] = []
    if isinstance(item, Story):
        candidates.append((item.image, item.image_alt or item.title, True))
    if isinstance(item, Video):
        candidates.append((item.poster, item.title, True))
    if customer is not None:
        candidates.append((customer.logo, customer.name, False))
    candidates.append((site.config.share.image, site.config.title, True))
    for path, alt, large in candidates:
        if path and path.lower().endswith(_PREVIEWABLE) and not unpublished(path) and size_of(path):
            width, height = size_of(path) or (None, None)
            return ShareImage(absolute(path), width, height, alt, large)
    width, height = size_of(theme_image) or (None, None)
    return ShareImage(absolute(theme_image), width, height, site.config.title, True)


def script_json(data: Any) -> Markup:
    """JSON to put inside a <script> element (JSON-LD, the picker's data): no
    value can close the element or open a comment, whatever it holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


def json_ld(data: Any) -> Markup:
    """A <script type="application/ld+json"> element that no value can break out of."""
    return Markup('<script type="application/ld+json">%s</script>') % script_json(data)


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict[str, Any]:
    """BreadcrumbList of (name, absolute URL) pairs, the home page first."""
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": index, "name": name, "item": url}
        for index, (name, url) in enumerate(trail, 1)]}


def page_data(template: str, context: dict[str, Any], site: Site, absolute: Absolute,
              text_of: Callable[[Record], str], image: ShareImage) -> list[dict[str, Any]]:
    """The schema.org objects of one page, by the kind of page it is."""
    config = site.config
    publisher = {"@type": "Organization", "name": config.company or config.title, "url": config.base_url}
    if template == "home.html":
        return [{"@context": "https://schema.org", **publisher, "description": config.description or config.title,
                 "image": image.url},
                {"@context": "https://schema.org", "@type": "WebSite", "name": config.title, "url": config.base_url,
                 "inLanguage": config.language, "potentialAction": {
                     "@type": "SearchAction", "target": absolute("search/") + "?q={search_term_string}",
                     "query-input": "required name=search_term_string"}},
                breadcrumb_list([("Home", absolute(""))])]
    if template == "story.html":
        story, customer = context["item"], context["customer"]
        return [{"@context": "https://schema.org", "@type": "Article", "headline": _clip(story.title, 110),
                 "description": story.summary, "datePublished": story.date.isoformat(),
                 "image": [image.url], "inLanguage": config.language, "mainEntityOfPage": absolute(story),
                 "author": publisher, "publisher": publisher, "about": _organization(customer, absolute)}]
    if template == "video.html":
        video, customer = context["item"], context["customer"]
        link = parse_video_url(video.url)
        data = {"@context": "https://schema.org", "@type": "VideoObject", "name": video.title,
                "description": video.summary or video.title, "thumbnailUrl": [image.url],
                "uploadDate": video.date.isoformat(), "url": absolute(video),
                "about": _organization(customer, absolute), "inLanguage": config.language}
        if link is not None:
            data["embedUrl"] = link.embed_url.split("?")[0]
        if video.duration:
            data["duration"] = iso_duration(video.duration)
        if video.body.strip():
            data["transcript"] = text_of(video)
        return [data]
    if template == "testimonials.html":
        return [_review(item, site, publisher, absolute, text_of) for item in context["items"] if item.rating]
    if template == "event.html":
        return [_event(context["item"], context["speakers"], publisher, absolute, image, config.language)]
    return []


def _event(event: Event, speakers: list[tuple[Speaker, Customer]], organizer: dict[str, Any],
           absolute: Absolute, image: ShareImage, language: str) -> dict[str, Any]:
    """schema.org Event: where (a place, a virtual location, or both), who speaks, how to register."""
    places: list[dict[str, Any]] = []
    if event.location:
        places.append({"@type": "Place", "name": event.location, "address": event.location})
    if event.online:
        places.append({"@type": "VirtualLocation", "url": event.register or absolute(event)})
    mode = ("Mixed" if len(places) == 2 else "Online" if event.online else "Offline") + "EventAttendanceMode"
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Event", "name": event.title, "url": absolute(event),
        "startDate": event.start.isoformat(), "eventAttendanceMode": f"https://schema.org/{mode}",
        "eventStatus": "https://schema.org/EventScheduled", "location": places[0] if len(places) == 1 else places,
        "organizer": organizer, "image": [image.url], "inLanguage": language,
        "description": event.summary or event.title,
        "performer": [{"@type": "Person", "name": speaker.name, "worksFor": _organization(customer, absolute)}
                      for speaker, customer in speakers],
    }
    if event.end is not None:
        data["endDate"] = event.end.isoformat()
    if event.register:
        data["offers"] = {"@type": "Offer", "url": event.register, "availability": "https://schema.org/InStock"}
    return data


def _review(item: Testimonial, site: Site, publisher: dict[str, Any], absolute: Absolute,
            text_of: Callable[[Record], str]) -> dict[str, Any]:
    author = {"@type": "Person", "name": item.author}
    if item.role:
        author["jobTitle"] = item.role
    author["worksFor"] = _organization(site.customer_of(item), absolute)
    data = {"@context": "https://schema.org", "@type": "Review", "itemReviewed": publisher,
            "reviewRating": {"@type": "Rating", "ratingValue": item.rating, "bestRating": 5, "worstRating": 1},
            "author": author, "reviewBody": text_of(item), "url": absolute(item)}
    if item.date:
        data["datePublished"] = item.date.isoformat()
    return data


def _organization(customer: Customer, absolute: Absolute) -> dict[str, Any]:
    data = {"@type": "Organization", "name": customer.name, "url": absolute(customer)}
    if customer.website:
        data["sameAs"] = customer.website
    return data


def iso_duration(duration: str) -> str:
    """'04:30' or '1:02:30' as an ISO 8601 duration: PT4M30S, PT1H2M30S."""
    parts = [int(p) for p in duration.split(":")]
    hours, minutes, seconds = ([0] * (3 - len(parts)) + parts)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{seconds}S"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def plain_text(html: str) -> str:
    """Text of rendered HTML, on one line (for descriptions and review bodies)."""
    return " ".join(Markup(html).striptags().split())


def description_of(text: str, limit: int = 200) -> str:
    """The first sentences of `text` that fit in `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[:end + 1] if end > limit // 3 else re.sub(r"\s+\S*$", "", cut) + "…"
