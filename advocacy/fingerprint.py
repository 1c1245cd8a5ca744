"""What each page is made from, as one hash: a page whose hash is the one of
the last build shows the same bytes, so its render can be skipped.

A page's fingerprint is the site's global fingerprint (advocacy's code, the
config, the theme's files but its templates, the ids its templates use, the
names of the site's static files and its images' sizes, the build date and
drafts, and the "chrome" every page shows: the nav and the topic lists)
plus its template with the templates it reaches, its path and everything
reachable from its context, walked:
records by the hash of their file's front matter (and of their customer's,
since cards show its name and logo), lists by their members, a topic by its
name and counts (its cards count on its own page only), a page listed in the
sitemap by its address and item. What a built-in template reads of the site
outside its context is covered here (tests/test_incremental.py lists it); a
site's own template that reads more than its built-in namesake
(template_reads.py) makes every page depend on every record (correct, only
slower).

A page is kept under its fingerprint plus the bytes of the records whose
bodies its last render read (kept_results.PageKeys): an edit of a story's
text renders its own page again, not the lists that show its card.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from advocacy.cache import BuildCache, content_hash
from advocacy.content.records import Collection, Event, Record, Tagged
from advocacy.images import image_size
from advocacy.last_build import was_settled
from advocacy.pages import Page
from advocacy.paths import stat_of
from advocacy.site import IMAGE_FIELDS, Site, Term


_REFERENCES = "template-references"  # a template's source -> the templates it names
_SHARED = 16  # lists longer than this are kept walked: the site's lists, which many pages show
PAGE_FINGERPRINTS = "page-fingerprints"  # of the build cache: what the site is made of -> every page's fingerprint
STATIC_SIZES = "static-image-sizes"  # of the build cache: a static file's name and stat -> its image size


class Unfingerprintable(TypeError):
    """A context value of a type the walk does not know: its page is always rendered."""


def _customer_counts(site: Site, page: Page) -> list[tuple[str, int]]:
    """customers.html: how many items each customer has."""
    counts = Counter(item.customer for kind in ("stories", "testimonials", "videos") for item in site.published(kind))
    return sorted(counts.items())


def _collection_sizes(site: Site, page: Page) -> list[tuple[str, int]]:
    """collections.html: how many items each collection has."""
    return [(c.slug, len(site.collection_items(c))) for c in site.collections]


def _term_members(site: Site, page: Page) -> tuple[tuple, tuple]:
    """term.html: the cards of its topic's items (a topic elsewhere counts only as a summary)."""
    term = page.context["term"]
    return term.items, term.customers


def _headline_stories(site: Site, page: Page) -> tuple:
    """video.html: its share box's email gives the headline metric of the customer's newest
    story (share._snippet), so a story of the customer added, dated or edited changes it."""
    customer = page.context.get("customer")
    return tuple(site.items_of(customer, "stories")) if customer is not None else ()


# template -> what it shows beyond what the walk of its context covers (the template's own reads
# of `site`, and those of the Python it calls, such as the share box)
TEMPLATE_READS: dict[str, Callable[[Site, Page], Any]] = {
    "customers.html": _customer_counts,
    "collections.html": _collection_sizes,
    "term.html": _term_members,
    "video.html": _headline_stories,
}


def file_digest(files: Iterable[tuple[str, Path]]) -> str:
    """One hash of named files' contents (theme templates and assets: small)."""
    return content_hash(*(part for name, file in sorted(files) for part in (name, file.read_bytes())))


def static_state(root: Path, site: Site, files: dict[str, Path], cache: BuildCache) -> str:
    """What pages show of the site's static files: each file's name and image size (an <img> gets
    its width and height), and the same for each picture the records and the config name, as the
    build found it (a record's picture is left out while no file of static/ has its path, and a
    path may lead through a link where the listing does not go). The files' other bytes are
    copied, never shown: a brochure replaced, or a file touched or copied afresh, renders no page
    again. A size is kept by its file's stat once the file is settled, as content files are."""
    started = time.time_ns()

    def size_of(name: str, file: Path) -> tuple[int, int] | None:
        try:
            stat = stat_of(file.stat())  # through links: the file that is read
        except OSError:
            return None
        key = content_hash(name, repr(stat))
        kept = cache.get(STATIC_SIZES, key)
        if kept is None:
            kept = (image_size(file),)
            if was_settled(stat, started):
                cache.put(STATIC_SIZES, key, kept)
        return kept[0]

    records = [*site.customers.values(), *site.stories, *site.testimonials, *site.videos,
               *(withheld.record for withheld in site.withheld), *site.drafts]
    shown = {getattr(record, name, None) for record in records for name in IMAGE_FIELDS} | {site.config.share.image}
    return repr(([(rel, size_of(rel, file)) for rel, file in sorted(files.items())],
                 [(path, size_of(path, root / "static" / path.lstrip("/"))) for path in sorted(filter(None, shown))]))


class TemplateDigests:
    """The hash of a template with every template it extends, includes or imports,
    found in its source (Jinja's own list), so that an edit of story.html re-renders
    the stories, not every page. A template naming another by a value (a variable
    include) depends on every template. What a source references is kept in `cache`:
    parsing the theme's templates again would take longer than the rest of a small build."""

    def __init__(self, template_dirs: list[Path], cache: BuildCache | None = None):
        self._env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dirs))
        self._cache = cache
        self._sources: dict[str, str | None] = {}
        self._digests: dict[str, str] = {}

    def _source(self, name: str) -> str | None:
        if name not in self._sources:
            try:
                self._sources[name] = self._env.loader.get_source(self._env, name)[0]
            except jinja2.TemplateNotFound:
                self._sources[name] = None  # the render reports it
        return self._sources[name]

    def _closure(self, name: str) -> list[str] | None:
        """`name` and the templates it reaches, sorted; None when one is named by a value."""
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self._source(current)
            if source is None:
                continue
            referenced = self._references(source)
            if None in referenced:
                return None
            pending.extend(referenced)
        return sorted(seen)

    def _references(self, source: str) -> list[str | None]:
        """The templates `source` names (None for one named by a value)."""
        def parse() -> list[str | None]:
            try:
                return list(jinja2.meta.find_referenced_templates(self._env.parse(source)))
            except jinja2.TemplateSyntaxError:
                return []  # the render reports it; its own text is in the hash

        if self._cache is None:
            return parse()
        return self._cache.get_or_make(_REFERENCES, content_hash(jinja2.__version__, source), parse)

    def of(self, name: str) -> str:
        if name not in self._digests:
            closure = self._closure(name)
            if closure is None:  # every template of the theme
                closure = sorted({*self._env.loader.list_templates(), name})
            self._digests[name] = content_hash(*(part for n in closure for part in (n, self._source(n) or "")))
        return self._digests[name]


def chrome(site: Site) -> str:
    """What base.html and picker.html show on every page: the Events link, and the topics."""
    return repr((bool(site.events), [(key, [(t.slug, t.name, t.description) for t in taxonomy.terms])
                                     for key, taxonomy in site.taxonomies.items()]))


class Fingerprints:
    """Page fingerprints of one build. `fronts`: a record's file -> the hash of all of it but
    its body; `files`: -> the hash of its bytes. A page's walk reaches records by their front
    matter only: the bodies its render read are added to its key by kept_results.PageKeys."""

    def __init__(self, site: Site, fronts: dict[str, str], files: dict[str, str], global_parts: Iterable[str],
                 templates: TemplateDigests, *, whole_site: bool = False):
        self.site = site
        self.templates = templates
        self.whole_site = whole_site
        self._fronts = fronts
        self._files = files
        # id of an object -> (the object, its hash): holding the object keeps its id from being reused
        self._memo: dict[int, tuple[Any, str]] = {}
        self._whole: dict[int, tuple[Record, str]] = {}  # of_record's
        parts = [*global_parts, repr(site.config), site.build_date.isoformat(), repr(site.include_drafts),
                 chrome(site)]
        if whole_site:  # a template reads the site in a way we cannot follow: every page depends on every record
            records = [r for kind in ("stories", "testimonials", "videos", "customers", "collections", "events")
                       for r in site.published(kind)]
            parts += [self._walk(records), repr([(w.record.path, w.reason) for w in site.withheld]),
                      repr([r.path for r in site.drafts]),
                      # and on every body: Jinja runs an imported template's own code once per process,
                      # so a body read there is noted for the first page that imports it only
                      content_hash(*(part for item in sorted(files.items()) for part in item))]
        self.global_fingerprint = content_hash(*parts)

    def of(self, page: Page) -> str | None:
        """The page's fingerprint, or None when its context holds something the walk does not know."""
        try:
            context = self._walk(page.context)
            reads = TEMPLATE_READS.get(page.template)
            extra = self._walk(reads(self.site, page)) if reads is not None else ""
        except Unfingerprintable:
            return None
        return content_hash(self.global_fingerprint, self.templates.of(page.template), page.path, page.template,
                            repr(page.in_sitemap), context, extra)

    def of_pages(self, pages: list[Page], cache: BuildCache) -> list[str | None]:
        """Every page's fingerprint (`of`), in the order of `pages`. A walk reaches nothing but what
        the global fingerprint, the page (its path and template) and every record's front matter are
        made from: while all are those of an earlier build, with the same pages, that build's
        fingerprints are taken as they are, and no page is walked (most of what an edit of a story's
        text costs otherwise: 8,876 walks, 0.5 s at 4,000 stories)."""
        key = content_hash(self.global_fingerprint, repr(sorted(self._fronts.items())),
                           repr([(page.path, page.template, page.in_sitemap, self.templates.of(page.template))
                                 for page in pages]))
        return cache.get_or_make(PAGE_FINGERPRINTS, key, lambda: [self.of(page) for page in pages])

    def reread(self, path: str, key: str, front: str) -> None:
        """`path` holds other bytes now (`key`, `front`: see load.front_key): a record read from it again
        is fingerprinted by them (the preview's first page, made with this build's fingerprints);
        records walked before keep theirs."""
        self._files[path] = key
        self._fronts[path] = front

    def of_record(self, record: Record) -> str | None:
        """What a result made from the record alone (a card, a search document) is made from: the record's
        fingerprint, with the bytes of its file and of the records it reaches (a card may show a body);
        None for a record without a file hash."""
        try:
            return self._whole_record(record)
        except Unfingerprintable:
            return None

    def _whole_record(self, record: Record) -> str:
        known = self._whole.get(id(record))
        if known is None:
            key = self._files.get(record.path)
            if key is None:
                raise Unfingerprintable(f"no file hash for {record.path}")
            whole = content_hash(self._walk(record), key, *(self._whole_record(r) for r in self._reached(record)))
            known = self._whole[id(record)] = record, whole
        return known[1]

    def record(self, record: Record) -> str:
        """A record by its file's front matter, and that of what its cards and pages show with it."""
        key = self._fronts.get(record.path)
        if key is None:
            raise Unfingerprintable(f"no file hash for {record.path}")
        return content_hash(key, *(self._walk(other) for other in self._reached(record)))

    def _reached(self, record: Record) -> list[Record]:
        """The records whose fields the cards and pages of `record` show with it."""
        if isinstance(record, Tagged):
            return [self.site.customer_of(record)]
        if isinstance(record, Event):
            return [self.site.customers[s.customer] for s in record.speakers if s.customer in self.site.customers]
        if isinstance(record, Collection):  # its members: which are published, and who they are by
            return list(self.site.collection_items(record))
        return []

    def _walk(self, value: Any) -> str:
        if value is None or isinstance(value, (str, int, float, dt.date)):  # bool is an int; Markup a str
            return f"{type(value).__name__}:{value!r}"
        key = id(value)
        known = self._memo.get(key)
        if known is not None:
            return known[1]
        if isinstance(value, Record):
            result = "R" + self.record(value)
        elif isinstance(value, Term):  # in lists, facets and the home page: its name and counts
            result = repr((value.taxonomy, value.name, value.slug, value.description, len(value.customers),
                           sorted(Counter(item.kind for item in value.items).items())))
        elif isinstance(value, Page):  # the sitemap: a page's address and its item's date
            result = content_hash(value.path, value.template, repr(value.in_sitemap),
                                  self._walk(value.context.get("item")))
        elif isinstance(value, (list, tuple)):
            result = content_hash("[", *(self._walk(v) for v in value))
        elif isinstance(value, dict):
            result = content_hash("{", *(self._walk(v) for pair in value.items() for v in pair))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            result = content_hash(type(value).__name__,
                                  *(self._walk(getattr(value, f.name)) for f in dataclasses.fields(value)))
        else:
            raise Unfingerprintable(f"cannot fingerprint a {type(value).__name__}")
        if isinstance(value, (Record, Term, Page)) or (isinstance(value, (list, tuple)) and len(value) > _SHARED):
            self._memo[key] = (value, result)  # what many pages share; a page's own context is walked once
        return result
