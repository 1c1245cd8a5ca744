"""A rep's link to one page of the site: the absolute URL with tracking
parameters, and a ready-to-paste email snippet built from the content.

Only what the site publishes can be shared: a draft or a withheld item has no
page, so its link would break in the prospect's inbox.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from markdown_it import MarkdownIt

from advocacy.content.records import (
    Collection,
    Customer,
    Metric,
    Publishable,
    Quote,
    Record,
    Story,
    Testimonial,
    Video,
)
from advocacy.errors import UsageError, did_you_mean
from advocacy.pages import path_for
from advocacy.site import Site

KINDS = {"story": "stories", "video": "videos", "testimonial": "testimonials",
         "customer": "customers", "collection": "collections"}  # --kind -> content folder
_CALLS = {"stories": "Read the full story", "videos": "Watch the video", "testimonials": "Read what they say",
          "customers": "Meet them", "collections": "See the collection"}


@dataclass(frozen=True)
class Share:
    kind: str  # story, video, ...
    slug: str
    url: str  # absolute, with the tracking parameters
    subject: str
    sentences: tuple[str, ...]
    call: str  # the words of the link: "Read the full story"

    @property
    def body(self) -> str:
        return " ".join(self.sentences)

    @property
    def mailto(self) -> str:
        """A mailto: link that opens the email, subject and body filled in."""
        return "mailto:?" + urlencode({"subject": self.subject, "body": f"{self.body}\n\n{self.call}: {self.url}"},
                                      quote_via=quote)


def share(site: Site, ref: str, kind: str | None = None, *, rep: str | None = None,
          campaign: str | None = None) -> Share:
    """The link and email snippet for a published item; UsageError names why
    anything else cannot be shared."""
    record = find_shareable(site, ref, kind)
    return _share(site, record, tracked_url(site, path_for(record), rep=rep, campaign=campaign))


def share_box(site: Site, record: Record) -> dict[str, str] | None:
    """The links of a page's share box: its URL as it is (a visitor passing it
    on is not a campaign), an email with the subject and snippet filled in, and
    LinkedIn's share page. Plain links: no third-party script. None for a draft
    (a preview shows it): its link would not work on the published site."""
    if isinstance(record, Publishable) and record.is_draft:
        return None
    url = site.config.absolute(path_for(record))
    return {"url": url, "mailto": _share(site, record, url).mailto,
            "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}, quote_via=quote)}


def _share(site: Site, record: Record, url: str) -> Share:
    subject, sentences = _snippet(site, record)
    return Share(_singular(record.kind), record.slug, url, subject, sentences, _CALLS[record.kind])


def tracked_url(site: Site, path: str, *, rep: str | None = None, campaign: str | None = None,
                medium: str | None = None) -> str:
    """The absolute URL of a site path with utm_source and utm_medium from
    advocacy.yaml (or `medium`, for links that are not sent by a rep, such as
    embeds), utm_campaign and utm_content (the rep) from the options."""
    params = {"utm_source": site.config.share.utm_source, "utm_medium": medium or site.config.share.utm_medium,
              "utm_campaign": _option("--campaign", campaign), "utm_content": _option("--rep", rep)}
    parts = urlsplit(site.config.absolute(path))  # a testimonial's #anchor stays after the query
    query = urlencode({k: v for k, v in params.items() if v}, quote_via=quote)
    return urlunsplit(parts._replace(query=query))


def _option(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if not value:
        raise UsageError(f"{name} is empty; give a name, or leave the option out")
    return value


def find_shareable(site: Site, ref: str, kind: str | None = None) -> Record:
    """The published item that `ref` names: a slug, kind/slug such as
    stories/acme (as in collections), or a link of the site to its page."""
    folders = [KINDS[kind]] if kind else list(KINDS.values())
    slug = ref.strip()
    for prefix in (site.config.base_url, site.config.base_path):  # a pasted link of the site
        slug = slug.removeprefix(prefix)
    path, _, anchor = slug.partition("#")
    slug = path.split("?")[0].strip("/")
    if anchor and slug == "testimonials":  # testimonials/#x, the wall's anchor of one
        slug = f"testimonials/{anchor}"
    if "/" in slug:
        folder, _, slug = slug.partition("/")
        folder = KINDS.get(folder, folder)
        if folder not in folders:
            raise UsageError(f"'{ref}' should be a slug, or <kind>/<slug> with a kind of "
                             f"{', '.join(KINDS.values())}" + (f" (and --kind {kind})" if kind else ""))
        folders = [folder]
    found = [r for folder in folders for r in site.published(folder) if r.slug == slug]
    if len(found) == 1:
        return found[0]
    if found:
        kinds = " and ".join(f"a {_singular(r.kind)}" for r in found)
        raise UsageError(f"'{slug}' is {kinds}; say which with " + " or ".join(
            f"--kind {_singular(r.kind)}" for r in found))
    raise UsageError(_why_not(site, slug, folders))


def _why_not(site: Site, slug: str, folders: list[str]) -> str:
    """Why nothing published has this slug: a draft, withheld, or a typo."""
    for record in site.drafts:
        if record.slug == slug and record.kind in folders:
            return (f"{record.kind}/{slug} is a draft ({record.path} has status: draft), so it is not on the site "
                    "and its link would not work; publish it and build the site before sharing it")
    for withheld in site.withheld:
        if withheld.record.slug == slug and withheld.record.kind in folders:
            record = withheld.record
            return (f"{record.kind}/{slug} is withheld from the site ({withheld.reason}, {record.path}); "
                    "renew the customer's consent and update 'consent_expires' before sharing it")
    elsewhere = [f"--kind {_singular(folder)}" for folder in KINDS.values() if folder not in folders
                 and any(r.slug == slug for r in site.published(folder))]
    if elsewhere:
        return f"no published {_singular(folders[0])} has the slug '{slug}'; it is the slug of another kind: {' or '.join(elsewhere)}"
    slugs = [r.slug for folder in folders for r in site.published(folder)]
    what = _singular(folders[0]) if len(folders) == 1 else "item"
    return (f"no published {what} has the slug '{slug}'{_closest(slug, slugs)}; a slug is the file name "
            "without .md (advocacy match lists the items that fit a prospect)")


def _closest(slug: str, slugs: list[str]) -> str:
    """A 'did you mean', also for the start of a slug ('brightharbor' for 'brightharbor-driver-onboarding')."""
    starting = [s for s in slugs if s.startswith(slug)]
    if did_you_mean(slug, slugs) or not starting:
        return did_you_mean(slug, slugs)
    return f" (did you mean {' or '.join(repr(s) for s in starting[:3])}?)"


def _singular(folder: str) -> str:
    return next(name for name, f in KINDS.items() if f == folder)


# --- the email snippet: a subject and three or four sentences ---

def _snippet(site: Site, record: Record) -> tuple[str, tuple[str, ...]]:
    """Opening by kind; then the headline metric and the quote of the item (or
    of its customer's newest story) and an offer to talk."""
    customer = record if isinstance(record, Customer) else getattr(record, "customer", None) and site.customer_of(record)
    headline = record if isinstance(record, Story) else _newest_story(site, customer) if customer else None
    metric = headline.metrics[0] if headline and headline.metrics else None
    quote = (Quote(_plain(record.body), record.author, record.role) if isinstance(record, Testimonial)
             else None if isinstance(record, Video) or headline is None  # a video's words are its own
             else headline.quote)
    subject, intro, summary = _OPENINGS[record.kind](site, record, customer, metric)
    closing = (f"{customer.name} is happy to talk to peers, so I can set up a call if you would like."
               if customer and customer.reference else "I would be glad to walk you through it.")
    middle = [_metric_sentence(metric) if metric else None, _quote_sentence(quote) if quote else None]
    middle = [sentence for sentence in middle if sentence]
    if summary and len(middle) < 2:  # the metric and the quote tell it better than the summary
        middle.insert(0, _sentence(summary))
    return subject, (intro, *middle, closing)


def _who(customer: Customer) -> str:
    facts = [customer.industry, customer.company_size and f"{customer.company_size} employees", customer.region]
    return f"{customer.name} ({', '.join(fact for fact in facts if fact)})" if any(facts) else customer.name


def _headline_subject(customer: Customer, metric: Metric | None) -> str | None:
    return f"{customer.name}: {metric.value} {metric.label}" if metric else None


def _story(site: Site, story: Story, customer: Customer, metric: Metric | None) -> tuple[str, str, str | None]:
    return (_headline_subject(customer, metric) or story.title,
            f"I thought you would like this story from {_who(customer)}: “{story.title}”.", story.summary)


def _video(site: Site, video: Video, customer: Customer, metric: Metric | None) -> tuple[str, str, str | None]:
    length = f" ({video.duration})" if video.duration else ""
    return (f"Video: {video.title}",
            f"I thought you would like this video from {_who(customer)}: “{video.title}”{length}.", video.summary)


def _testimonial(site: Site, item: Testimonial, customer: Customer, metric: Metric | None) -> tuple[str, str, None]:
    return (f"What {customer.name} says about {site.config.company or 'us'}",
            f"I thought you would like to hear from {_who(customer)}, in their own words.", None)


def _customer(site: Site, customer: Customer, _: Customer, metric: Metric | None) -> tuple[str, str, str | None]:
    return (_headline_subject(customer, metric) or f"How {customer.name} works with {site.config.company or 'us'}",
            f"I thought you would like to meet {_who(customer)}, one of our customers.", _first_sentence(customer.body))


def _collection(site: Site, collection: Collection, _: None, __: None) -> tuple[str, str, str | None]:
    names = list(dict.fromkeys(site.customer_of(m).name for m in site.collection_items(collection)))
    with_names = f", with {_and(names)}" if names else ""
    return (collection.title, f"I put together a few customer stories for you: “{collection.title}”{with_names}.",
            _first_sentence(collection.body))


_OPENINGS = {"stories": _story, "videos": _video, "testimonials": _testimonial,
             "customers": _customer, "collections": _collection}


def _newest_story(site: Site, customer: Customer) -> Story | None:
    """The customer's newest published story, for its headline metric and quote."""
    stories = site.items_of(customer, "stories")  # newest first
    return next((s for s in stories if s.metrics or s.quote), stories[0] if stories else None)


def _metric_sentence(metric: Metric) -> str:
    return f"The headline result: {metric.value} {metric.label}."


def _quote_sentence(quote: Quote) -> str:
    if not quote.author:
        return f"In their words: “{_sentence(quote.text)}”"
    role = f" ({quote.role})" if quote.role else ""
    return f"As {quote.author}{role} puts it: “{_sentence(quote.text)}”"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1:] in ".!?…" else text + "."


def _first_sentence(body: str) -> str | None:
    text = _plain(body)
    return re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0][:300] or None


_MARKDOWN = MarkdownIt("commonmark")


def _plain(source: str) -> str:
    """Markdown as one line of plain text (the snippet is pasted, not rendered)."""
    rendered = _MARKDOWN.render(source)
    return html.unescape(" ".join(re.sub(r"<[^>]*>", " ", rendered).split()))


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# --- output formats ---

def formatted(item: Share, fmt: str) -> str:
    """The share as text, markdown, html (every value escaped) or json."""
    if fmt == "json":
        import json
        data = {"kind": item.kind, "slug": item.slug, "url": item.url, "subject": item.subject,
                "body": item.body, "sentences": list(item.sentences), "call": item.call, "mailto": item.mailto}
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "markdown":
        return (f"**Subject:** {_md(item.subject)}\n\n{_md(item.body)} "
                f"[{_md(item.call)}](<{item.url}>)")
    if fmt == "html":
        e = html.escape
        return (f"<p><strong>Subject:</strong> {e(item.subject)}</p>\n"
                f"<p>{e(item.body)} <a href=\"{e(item.url)}\">{e(item.call)}</a></p>")
    return f"{item.url}\n\nSubject: {item.subject}\n\n{item.body}\n\n{item.call}: {item.url}"


def _md(text: str) -> str:
    """Text that Markdown shows as it is: no emphasis, links or HTML of its own."""
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)
