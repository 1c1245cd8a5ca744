"""Pages -> bytes: the Jinja environment, theme lookup and template helpers.

Every value is autoescaped and an undefined name fails the build, so a typo
in a template never ships a blank where a quote should be.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import traceback
import zlib
from pathlib import Path

import jinja2
from markupsafe import Markup

from advocacy.config import CONFIG_FILE
from advocacy import ics
from advocacy.body_reads import note as note_body_read
from advocacy.cache import BuildCache, content_hash
from advocacy.cards import CardCache
from advocacy.content.records import Event, Record, Tagged
from advocacy.embed_snippet import panel as embed_panel
from advocacy.errors import Problems
from advocacy.facets import facet_attributes
from advocacy.kept_results import RecordResults
from advocacy.images import image_size
from advocacy.markup import MarkdownRenderer
from advocacy.pages import Page, path_for, peer_request_url
from advocacy.paths import files_under, relative
from advocacy.seo import (
    DEFAULT_SHARE_IMAGE,
    breadcrumb_list,
    description_of,
    json_ld,
    page_data,
    plain_text,
    script_json,
    share_image,
)
from advocacy.share import share_box
from advocacy.site import Site, Term
from advocacy.site_files import builtin_theme_dir
from advocacy.video import parse_video_url

_OUR_OBJECT = re.compile(r"'advocacy(?:\.\w+)*\.(\w+) object'")

MARKDOWN_NAMESPACE = "markdown"  # of the build cache: each body's HTML, by its text and the Markdown settings

ASSETS_DIR = "assets"  # theme static files are published under /assets/


class Theme:
    """A site theme folder laid over the built-in one, one file at a time."""

    def __init__(self, root: Path, name: str):
        self.root = root
        own = root / "themes" / name
        builtin = builtin_theme_dir()
        self.dirs = [d for d in (own, builtin) if d.is_dir()]
        if own.resolve() == builtin.resolve():
            self.dirs = [builtin]
        self.missing = name != "default" and not own.is_dir()
        self._element_ids: tuple[frozenset[str], tuple[str, ...]] | None = None

    def links_outside(self) -> list[Path]:
        """Files and folders of the site's own theme that are links to outside the site."""
        own = [d for d in self.dirs if d.resolve() != builtin_theme_dir().resolve()]
        return [link for theme_dir in own for link in files_under(theme_dir, self.root)[1]]

    def element_ids(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """(ids, id prefixes) the templates give their elements: id="related", id="talk-{{ ... }}".
        Read once: the page fingerprints and the renderer both ask."""
        if self._element_ids is None:
            self._element_ids = self._read_element_ids()
        return self._element_ids

    def _read_element_ids(self) -> tuple[frozenset[str], tuple[str, ...]]:
        ids: set[str] = set()
        prefixes: set[str] = set()
        for theme_dir in self.dirs:
            for file in sorted((theme_dir / "templates").glob("*.html")):
                for value in re.findall(r'\bid="([^"]*)"', file.read_text(encoding="utf-8")):
                    literal = value.split("{", 1)[0]
                    if literal:
                        (prefixes if "{" in value else ids).add(literal)
        return frozenset(ids), tuple(sorted(prefixes))

    def static_files(self) -> dict[str, Path]:
        """Output path under assets/ -> source file; the site's theme wins."""
        files: dict[str, Path] = {}
        for theme_dir in reversed(self.dirs):
            static = theme_dir / "static"
            # the built-in theme may live outside the site; it is the only folder trusted there
            within = theme_dir.resolve() if theme_dir.resolve() == builtin_theme_dir().resolve() else self.root
            for file in files_under(static, within)[0]:
                files[f"{ASSETS_DIR}/{file.relative_to(static).as_posix()}"] = file
        return files


def markdown_settings(site: Site, reserved_ids: tuple[frozenset[str], tuple[str, ...]]) -> str:
    """What else makes the HTML of a body: the site's Markdown settings and the ids
    the theme's templates give their elements (Theme.element_ids), which headings avoid."""
    return repr((site.config.base_path, site.config.markdown.unsafe_html, sorted(reserved_ids[0]), reserved_ids[1]))


class Renderer:
    """Renders the pages of one site with one theme."""

    def __init__(self, site: Site, theme: Theme, cache: BuildCache | None = None, cards: CardCache | None = None,
                 facets: RecordResults | None = None):
        self.site = site
        self._facets = facets  # kept facet attributes: a list of 4,000 cards asks for 4,000 of them
        self.theme = theme
        self.cache = cache
        reserved_ids = theme.element_ids()
        self.markdown = MarkdownRenderer(site.config.base_path, site.config.markdown.unsafe_html, *reserved_ids)
        self.markdown_settings = markdown_settings(site, reserved_ids)
        self._bodies: dict[int, tuple[Record, Markup | bytes]] = {}  # holding the record keeps its id from being reused
        if cache is not None:
            cache.keep_unused(MARKDOWN_NAMESPACE)  # most bodies are read only when their pages are rendered
        self._image_sizes: dict[str, tuple[int, int] | None] = {}
        self._theme_files = theme.static_files()
        self._asset_versions = {
            path: hashlib.sha256(file.read_bytes()).hexdigest()[:10]
            for path, file in self._theme_files.items()
        }
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([d / "templates" for d in theme.dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # a renderer lasts one build (and, in the preview, that build's first pages): its templates
            # are read once, not checked on the disk at each page and each template a page includes
            auto_reload=False,
            bytecode_cache=_CompiledTemplates(cache) if cache is not None and cache.enabled else None,
        )
        self.env.globals.update(
            site=site, config=site.config, url=self.url, absolute_url=self.absolute_url,
            asset=self.asset, body=self.body, video=parse_video_url, image_size=self.image_size,
            customer_of=site.customer_of, terms_of=site.terms_of, path_for=path_for,
            request_url=lambda customer, item=None: peer_request_url(site, customer, item),
            breadcrumb_data=self.breadcrumb_data, text_of=self.text_of, description_of=description_of,
            facet_attrs=self.facet_attrs,
            embed_snippet=lambda item=None: embed_panel(site, item),
            calendar=self.calendar, event_time=event_time,
            share_box=lambda record: share_box(site, record), script_json=script_json,
        )
        self.env.filters.update(long_date=long_date, iso_datetime=iso_datetime)
        (cards or CardCache()).install(self.env)

    def facet_attrs(self, item: Tagged) -> Markup:
        """What a card of `item` can be filtered by (facets.facet_attributes), kept between builds."""
        if self._facets is None:
            return facet_attributes(self.site, item)
        return self._facets.get(item, "", lambda: facet_attributes(self.site, item))

    def url(self, target: str | Record | Term) -> str:
        """A link for a site path, a record or a term, with base_url's subpath."""
        path = target if isinstance(target, str) else path_for(target)
        return self.site.config.base_path + path.lstrip("/")

    def absolute_url(self, target: str | Record | Term) -> str:
        path = target if isinstance(target, str) else path_for(target)
        return self.site.config.absolute(path)

    def asset(self, name: str) -> str:
        """The URL of a theme file, with a version that changes with its content."""
        path = f"{ASSETS_DIR}/{name}"
        if path not in self._asset_versions:
            raise jinja2.TemplateRuntimeError(f"the theme has no static file '{name}'")
        return f"{self.url(path)}?v={self._asset_versions[path]}"

    def image_size(self, site_path: str) -> tuple[int, int] | None:
        """(width, height) of an image of static/ (such as a logo) or of the theme, for its <img> tag."""
        if site_path not in self._image_sizes:
            rel = site_path.lstrip("/")
            file = self._theme_files.get(rel) or self.theme.root / "static" / rel
            self._image_sizes[site_path] = image_size(file)
        return self._image_sizes[site_path]

    def calendar(self, events: list[Event]) -> Markup:
        """An iCalendar file of events (RFC 5545), for calendar.ics."""
        config = self.site.config
        data = ics.calendar([ics.CalendarEvent(
            e.slug, e.title, e.start, e.end, config.absolute(path_for(e)),
            location=", ".join(filter(None, [e.location, "online" if e.online else None])) or None,
            description="\n\n".join(filter(None, [e.summary, f"Register: {e.register}" if e.register else None])) or None,
        ) for e in events], base_url=config.base_url, name=f"{config.title}: events", stamp=self.site.build_date)
        return Markup(data.decode("utf-8"))

    def text_of(self, record: Record) -> str:
        """A record's body as plain text, on one line."""
        return plain_text(self.body(record))

    def breadcrumb_data(self, trail: list[tuple[str, str | Record | Term]]) -> Markup:
        """JSON-LD of a page's breadcrumb trail (the home page first, as shown)."""
        return json_ld(breadcrumb_list([("Home", self.absolute_url(""))]
                                       + [(label, self.absolute_url(target)) for label, target in trail]))

    def _seo(self, page: Page) -> dict:
        """The share image and structured data of an HTML page."""
        if not page.template.endswith(".html"):
            return {}
        item = page.context.get("item")
        image = share_image(item if isinstance(item, Record) else None, self.site, self.absolute_url,
                            self.image_size, f"{ASSETS_DIR}/{DEFAULT_SHARE_IMAGE}")
        data = page_data(page.template, page.context, self.site, self.absolute_url, self.text_of, image)
        return {"share_image": image, "structured_data": Markup("").join(json_ld(d) for d in data)}

    def body(self, record: Record) -> Markup:
        """A record's Markdown body as safe HTML (rendered once per build, and with
        a cache, once for as long as the text and the site's Markdown settings stay)."""
        note_body_read(record.path)  # a memo's answer reads the body as much as the first
        known = self._bodies.get(id(record))
        if known is None:
            known = self._bodies[id(record)] = record, self._cached_markdown(record.body)
        html = known[1]
        return Markup(zlib.decompress(html).decode("utf-8")) if isinstance(html, bytes) else html

    def _cached_markdown(self, text: str) -> Markup | bytes:
        """The body's HTML; with a cache, compressed, the very bytes the cache keeps: a build loads every
        body's HTML with the cache (19 MB at 4,000 stories) and uses few of them (those of the pages it
        renders and of the search shards it indexes again), and the memo holds no second copy of them."""
        if self.cache is None:
            return self.markdown.render(text)
        key = content_hash(self.markdown_settings, text)
        packed = self.cache.get(MARKDOWN_NAMESPACE, key)
        if packed is None:
            packed = zlib.compress(self.markdown.render(text).encode("utf-8"), 1)
            self.cache.put(MARKDOWN_NAMESPACE, key, packed)
        return packed

    def render(self, page: Page, problems: Problems) -> bytes | None:
        """The page's bytes, or None with a problem naming the template line."""
        try:
            template = self.env.get_template(page.template)
            text = template.render(page=page, canonical=self.absolute_url(page.path), **self._seo(page),
                                   **page.context)
        except jinja2.TemplateSyntaxError as exc:
            problems.error(self._template_path(exc.filename), exc.lineno or 1, f"template error: {exc.message}")
            return None
        except jinja2.TemplateNotFound as exc:
            problems.error(CONFIG_FILE, self.site.config.lines.get("theme", 1),
                           f"the theme has no template '{exc.name}'")
            return None
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            path, line = self._template_frame(exc)
            problems.error(path, line, f"template error: {_readable(exc)}", page=f"/{page.path}")
            return None
        return text.encode("utf-8")

    def _template_path(self, filename: str | None) -> str:
        return relative(Path(filename), self.theme.root) if filename else "themes"

    def _template_frame(self, exc: BaseException) -> tuple[str, int]:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".xml", ".txt")):
                return self._template_path(frame.filename), frame.lineno or 1
        return "themes", 1


def _readable(exc: BaseException) -> str:
    """Jinja's message, with our classes by their own names: "a Story has no attribute 'x'",
    not "'advocacy.content.records.Story object' has no attribute 'x'"."""
    return _OUR_OBJECT.sub(lambda match: ("an " if match[1][0] in "AEIOU" else "a ") + match[1], str(exc))


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled by an earlier build (0.4 s a build saved), kept in the signed
    build cache: compiled code is loaded only from a cache this user's key vouches for."""

    def __init__(self, cache: BuildCache):
        self.cache = cache
        cache.keep_unused("templates")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        kept = self.cache.get("templates", bucket.key)
        if kept is not None and kept[0] == bucket.checksum:  # else the template changed: compiled anew
            bucket.bytecode_from_string(kept[1])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.cache.put("templates", bucket.key, (bucket.checksum, bucket.bytecode_to_string()))


def event_time(moment: dt.date | dt.datetime, end: dt.date | dt.datetime | None = None) -> str:
    """'5 March 2026, 16:00-17:30 (UTC+01:00)' in the event's own zone; dates alone for all-day events."""
    if not isinstance(moment, dt.datetime):
        return long_date(moment) + (f" to {long_date(end)}" if end and end != moment else "")
    offset = moment.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    text = f"{long_date(moment.date())}, {moment:%H:%M}"
    if isinstance(end, dt.datetime):
        end = end.astimezone(moment.tzinfo)
        text += f"–{end:%H:%M}" if end.date() == moment.date() else f" to {long_date(end.date())}, {end:%H:%M}"
    return f"{text} ({zone})"


def long_date(value: dt.date | None) -> str:
    """14 March 2025 (no leading zero, no locale surprises)."""
    return f"{value.day} {value:%B %Y}" if value else ""


def iso_datetime(value: dt.date) -> str:
    """A date as an RFC 3339 timestamp at midnight UTC, for feeds and sitemaps."""
    return f"{value.isoformat()}T00:00:00Z"
