"""Records -> one cross-linked Site: customer defaults, references, publishing rules.

Everything a page may show is decided here: drafts are left out unless asked
for, and items whose consent has expired are withheld from every list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from advocacy.cache import BuildCache
from advocacy.config import SiteConfig
from advocacy.content.fields import COMPANY_SIZES
from advocacy.content.load import Content
from advocacy.content.schema import KINDS
from advocacy.content.records import (
    Collection, Customer, Event, Invalid, Record, Story, Tagged, Testimonial, Video, with_values,
)
from advocacy.errors import Problems, did_you_mean
from advocacy.paths import NOT_PUBLISHED, inside, unpublished
from advocacy.related import LIMIT as RELATED_LIMIT, RelatedIndex
from advocacy.slugs import slugify


@dataclass(frozen=True)
class TaxonomySpec:
    key: str  # URL prefix: /industries/<slug>/
    field: str  # record field it reads
    title: str
    singular: str


TAXONOMY_SPECS = (
    TaxonomySpec("industries", "industry", "Industries", "Industry"),
    TaxonomySpec("sizes", "company_size", "Company sizes", "Company size"),
    TaxonomySpec("regions", "region", "Regions", "Region"),
    TaxonomySpec("products", "products", "Products", "Product"),
    TaxonomySpec("use-cases", "use_cases", "Use cases", "Use case"),
    TaxonomySpec("values", "values", "Values", "Value"),
)


@dataclass(frozen=True)
class Term:
    taxonomy: str
    name: str
    slug: str
    description: str | None
    items: tuple[Tagged, ...]  # published stories, videos and testimonials
    customers: tuple[Customer, ...] = ()

    def of_kind(self, kind: str) -> list[Tagged]:
        return [item for item in self.items if item.kind == kind]


@dataclass(frozen=True)
class Taxonomy:
    spec: TaxonomySpec
    terms: tuple[Term, ...]

    @property
    def key(self) -> str:
        return self.spec.key


@dataclass(frozen=True)
class Withheld:
    record: Record
    reason: str


@dataclass
class Site:
    config: SiteConfig
    build_date: dt.date
    include_drafts: bool
    customers: dict[str, Customer]
    stories: list[Story]
    testimonials: list[Testimonial]
    videos: list[Video]
    collections: list[Collection]
    events: list[Event] = field(default_factory=list)
    taxonomies: dict[str, Taxonomy] = field(default_factory=dict)
    withheld: list[Withheld] = field(default_factory=list)
    drafts: list[Record] = field(default_factory=list)  # drafts left out of this build
    _collection_items: dict[str, list[Tagged]] = field(default_factory=dict)
    _term_by_name: dict[tuple[str, str], Term] = field(default_factory=dict)
    _related: RelatedIndex | None = None
    _items_by_customer: dict[str, dict[str, list[Tagged]]] = field(default_factory=dict)

    def customer_of(self, item: Tagged) -> Customer:
        return self.customers[item.customer]

    def items_of(self, customer: Customer, kind: str) -> list[Tagged]:
        if kind not in self._items_by_customer:  # an index, so that customer pages are not N x customers
            by_customer: dict[str, list[Tagged]] = {}
            for item in self.published(kind):
                by_customer.setdefault(item.customer, []).append(item)
            self._items_by_customer[kind] = by_customer
        return list(self._items_by_customer[kind].get(customer.slug, ()))

    def upcoming_events(self) -> list[Event]:
        return [e for e in self.events if e.is_upcoming(self.build_date)]

    def past_events(self) -> list[Event]:
        return [e for e in self.events if not e.is_upcoming(self.build_date)]

    def events_of(self, customer: Customer) -> list[Event]:
        """Events where the customer's people speak."""
        return [e for e in self.events if any(s.customer == customer.slug for s in e.speakers)]

    def published(self, kind: str) -> list:
        return {"stories": self.stories, "testimonials": self.testimonials,
                "videos": self.videos, "collections": self.collections, "events": self.events,
                "customers": list(self.customers.values())}[kind]

    def collection_items(self, collection: Collection) -> list[Tagged]:
        return self._collection_items.get(collection.slug, [])

    def term(self, taxonomy: str, name: str) -> Term | None:
        return self._term_by_name.get((taxonomy, name))

    def terms_of(self, item: Record, taxonomy: str) -> list[Term]:
        """The terms of `taxonomy` an item (or a customer) belongs to."""
        spec = self.taxonomies[taxonomy].spec
        names = getattr(item, spec.field, None)
        names = names if isinstance(names, tuple) else (names,) if names else ()
        return [t for n in names if (t := self.term(taxonomy, n))]

    def related(self, story: Story, limit: int = RELATED_LIMIT) -> list[Story]:
        """Other stories that share the most with `story`: see related.py."""
        if self._related is None:
            self._related = RelatedIndex(self.stories)
        return self._related.related(story, limit)

    def keep_related(self, cache: BuildCache) -> None:
        """Rank every story's related stories now, or take them from `cache` (see related.py)."""
        self._related = RelatedIndex(self.stories, cache)


def build_site(root: Path, config: SiteConfig, content: Content, problems: Problems,
               build_date: dt.date, include_drafts: bool) -> Site:
    """Join the records into a Site; every broken reference becomes a problem."""
    customers = {c.slug: _checked_files(root, c, problems) for c in content.by_kind["customers"]}
    # Customers whose files have errors: items naming them are left out without a second error.
    broken_customers = {_slug_of(i) for i in content.invalid if i.kind == "customers"}
    tagged: list[Tagged] = []
    broken = {f"{i.kind}/{_slug_of(i)}" for i in content.invalid}
    for kind in ("stories", "testimonials", "videos"):
        for record in content.by_kind[kind]:
            resolved = _resolve(root, config, record, customers, broken_customers, problems)
            if resolved is not None:
                tagged.append(resolved)
            else:  # its error is reported; a collection naming it needs no second one
                broken.add(f"{kind}/{record.slug}")
    for invalid in content.invalid:  # files with field errors: their references too, in this run
        if invalid.kind in ("stories", "testimonials", "videos"):
            _references_ok(invalid, invalid.values.get("customer"), invalid.values.get("values", ()),
                           config, customers, broken_customers, problems)
    # Names as written in the files (not those taken from the customer), so each is reported once.
    own_names = [record for kind in ("customers", "stories", "testimonials", "videos")
                 for record in content.by_kind[kind]]
    _check_term_slugs(config, own_names, problems)

    events = [event for event in content.by_kind["events"]
              if all([_values_ok(event, event.values, config, problems),
                      *(_customer_ok(event, f"speakers.{index}", speaker.customer, customers, broken_customers,
                                     problems) for index, speaker in enumerate(event.speakers))])]

    site = Site(config=config, build_date=build_date, include_drafts=include_drafts,
                customers=customers, stories=[], testimonials=[], videos=[], collections=[])
    for item in [*tagged, *events]:
        if item.consent_expires is not None and item.consent_expires < build_date:
            site.withheld.append(Withheld(item, f"consent expired on {item.consent_expires.isoformat()}"))
            problems.warning(item.path, item.line("consent_expires"),
                             f"consent expired on {item.consent_expires.isoformat()}: this {KINDS[item.kind].singular} "
                             "is withheld from the site; renew consent and update 'consent_expires' to publish it again")
        elif item.is_draft and not include_drafts:
            site.drafts.append(item)
        else:
            site.published(item.kind).append(item)

    site.stories.sort(key=lambda s: (s.date, s.title), reverse=True)
    site.videos.sort(key=lambda v: (v.date, v.title), reverse=True)
    site.testimonials.sort(key=lambda t: (t.date or dt.date.min, t.slug), reverse=True)
    site.events.sort(key=lambda event: _event_order(event, build_date))
    _resolve_collections(site, content.by_kind["collections"], tagged, broken, problems)
    _build_taxonomies(site)
    return site


def _event_order(event: Event, today: dt.date) -> tuple[bool, float, str]:
    """Upcoming events soonest first, then past ones most recent first."""
    start = event.start
    if not isinstance(start, dt.datetime):  # an all-day event: its midnight in UTC
        start = dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc)
    upcoming = event.is_upcoming(today)
    return (not upcoming, start.timestamp() if upcoming else -start.timestamp(), event.slug)


def _slug_of(invalid: Invalid) -> str:
    return str(invalid.values.get("slug") or Path(invalid.path).stem)


def _resolve(root: Path, config: SiteConfig, item: Tagged, customers: dict[str, Customer],
             broken_customers: set[str], problems: Problems) -> Tagged | None:
    if not _references_ok(item, item.customer, item.values, config, customers, broken_customers, problems):
        return None
    customer = customers[item.customer]
    inherited = {name: getattr(customer, name) for name in ("industry", "company_size", "region")
                 if not getattr(item, name) and getattr(item, name) is not getattr(customer, name)}
    return _checked_files(root, with_values(item, **inherited) if inherited else item, problems)


def _references_ok(item: Tagged | Invalid, customer: str | None, values: tuple[str, ...],
                   config: SiteConfig, customers: dict[str, Customer], broken_customers: set[str],
                   problems: Problems) -> bool:
    """Check that the customer and the value keys an item names exist."""
    customer_ok = _customer_ok(item, "customer", customer, customers, broken_customers, problems)
    return _values_ok(item, values, config, problems) and customer_ok


def _customer_ok(item: Record | Invalid, key: str, customer: str | None, customers: dict[str, Customer],
                 broken_customers: set[str], problems: Problems) -> bool:
    """A customer slug names a customer (one whose own file has errors exists,
    but what names it cannot be built yet)."""
    if customer is None or customer in customers:
        return True
    if customer not in broken_customers:
        problems.error(item.path, item.line(key),
                       f"unknown customer '{customer}'{did_you_mean(customer, customers)}: "
                       f"add content/customers/{customer}.md or fix the slug")
    return False


def _values_ok(item: Record | Invalid, values: tuple[str, ...], config: SiteConfig, problems: Problems) -> bool:
    ok = True
    for index, key in enumerate(values):
        if key not in config.values:
            known = ", ".join(config.values) or "none are defined yet"
            problems.error(item.path, item.line(f"values.{index}"),
                           f"unknown value '{key}'{did_you_mean(key, config.values)}: use a key of "
                           f"'values:' in advocacy.yaml ({known})")
            ok = False
    return ok


IMAGE_FIELDS = ("logo", "image", "poster")  # a record's pictures: paths of files of static/


def _checked_files(root: Path, record: Record, problems: Problems) -> Record:
    """Leave out (with a warning) images that are not in static/, or not published from it."""
    changes = {}
    for key in IMAGE_FIELDS:
        path = getattr(record, key, None)
        if path is None:
            continue
        file = root / "static" / path.lstrip("/")
        if not file.is_file() or not inside(file, root / "static"):
            problems.warning(record.path, record.line(key),
                             f"'{key}' file static{path} was not found; it is left out until it is added")
            changes[key] = None
        elif unpublished(path):
            problems.warning(record.path, record.line(key),
                             f"'{key}' file static{path} {NOT_PUBLISHED}; it is left out until it is renamed")
            changes[key] = None
    return with_values(record, **changes) if changes else record


def _resolve_collections(site: Site, collections: list[Collection], tagged: list[Tagged],
                         broken: set[str], problems: Problems) -> None:
    """Collections list their published items; a name of no item is an error
    (unless its file has errors of its own, already reported)."""
    everything = {f"{item.kind}/{item.slug}": item for item in tagged}
    shown = {id(item) for kind in ("stories", "testimonials", "videos") for item in site.published(kind)}
    for collection in collections:
        members = []
        for index, ref in enumerate(collection.items):
            item = everything.get(ref)
            if item is None and ref not in broken:
                problems.error(collection.path, collection.line(f"items.{index}"),
                               f"'{ref}' is not an item of this site{did_you_mean(ref, everything)}; "
                               "write stories/<slug>, testimonials/<slug> or videos/<slug>")
            elif item is not None and id(item) in shown and item not in members:
                members.append(item)
        site._collection_items[collection.slug] = members
        site.collections.append(collection)
    site.collections.sort(key=lambda c: c.title.lower())


def _names(record: Record, field_name: str) -> tuple[str, ...]:
    value = getattr(record, field_name, None)
    return value if isinstance(value, tuple) else (value,) if value else ()


def _check_term_slugs(config: SiteConfig, records: list[Record], problems: Problems) -> None:
    """Two names that make one URL ('Healthcare', 'health care ') are an error."""
    for spec in TAXONOMY_SPECS:
        if spec.key == "values":
            continue  # value keys are slugs already, checked against advocacy.yaml
        first: dict[str, tuple[str, Record]] = {}
        slugs: dict[str, str] = {}  # the same few names recur in thousands of records
        for record in records:
            for index, name in enumerate(_names(record, spec.field)):
                slug = slugs.get(name)
                if slug is None:
                    slug = slugs[name] = _term_slug(spec, name)
                known = first.get(slug)
                if slug and (known is None or known[0] == name):
                    first.setdefault(slug, (name, record))
                    continue
                line = record.line(f"{spec.field}.{index}" if spec.field.endswith("s") else spec.field)
                if not slug:
                    problems.error(record.path, line, f"{spec.singular.lower()} '{name}' has no letters "
                                   "or digits that can make a URL; add a Latin spelling")
                else:
                    other_name, other = known
                    problems.error(record.path, line,
                                   f"{spec.singular.lower()} '{name}' and '{other_name}' (in {other.path}) "
                                   f"would share the page /{spec.key}/{slug}/; write them the same way")


def _term_slug(spec: TaxonomySpec, name: str) -> str:
    return name if spec.key == "values" else slugify(name)


def _build_taxonomies(site: Site) -> None:
    items = [*site.stories, *site.videos, *site.testimonials]
    customers = list(site.customers.values())
    for spec in TAXONOMY_SPECS:
        names: dict[str, None] = dict.fromkeys(site.config.values) if spec.key == "values" else {}
        by_name: dict[str, list[Record]] = {}  # one pass, not a scan of every record per name
        by_name_customers: dict[str, list[Record]] = {}
        for records, index in ((items, by_name), (customers, by_name_customers)):
            for record in records:
                for name in dict.fromkeys(_names(record, spec.field)):
                    names[name] = None
                    index.setdefault(name, []).append(record)
        terms = []
        for name in _ordered(spec, names, site.config):
            members = tuple(by_name.get(name, ()))
            members_customers = tuple(by_name_customers.get(name, ()))
            if not members and not members_customers and spec.key != "values":
                continue
            value = site.config.values.get(name) if spec.key == "values" else None
            term = Term(spec.key, value.title if value else name, _term_slug(spec, name),
                        value.description if value else None, members, members_customers)
            terms.append(term)
            site._term_by_name[(spec.key, name)] = term
        site.taxonomies[spec.key] = Taxonomy(spec, tuple(terms))


def _ordered(spec: TaxonomySpec, names: dict[str, None], config: SiteConfig) -> list[str]:
    if spec.key == "sizes":
        return [s for s in COMPANY_SIZES if s in names]
    if spec.key == "values":
        return [k for k in config.values if k in names]
    return sorted(names, key=lambda n: (slugify(n), n))
