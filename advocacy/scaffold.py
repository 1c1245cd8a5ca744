"""`advocacy new`: a new content file with its front matter filled in.

The front matter is written from the same field tables the validator reads
(content/schema.py): required fields get a value, every other field is shown
as a commented line with an example and its help, so that a marketer sees
what they may add without opening the reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from advocacy.content.fields import SLUG_RULE, Date, Field, ListOf, Object
from advocacy.content.frontmatter import FrontMatterError, parse_yaml
from advocacy.content.load import load_content
from advocacy.content.records import Customer
from advocacy.content.schema import KINDS, Kind
from advocacy.errors import Problems, UsageError, did_you_mean
from advocacy.slugs import slugify

KIND_NAMES = {kind.singular: kind for kind in KINDS.values()}
MAX_SLUG = 60

# What the positional argument of `advocacy new` fills in, per kind.
TITLE_FIELD = {"story": "title", "video": "title", "collection": "title", "customer": "name", "testimonial": "author",
               "event": "title"}

BODIES = {
    "story": "## The challenge\n\nWhat was hard for them before, in their words.\n\n"
             "## The solution\n\nWhat they did, with whom, and how long it took.\n\n"
             "## The results\n\nWhat changed, with numbers where you have them.\n",
    "testimonial": "The quote, in the customer's own words.\n",
    "video": "A summary of the video, or its transcript.\n",
    "customer": "Who they are and what they do, in two or three sentences.\n",
    "collection": "Why these items belong together, for the rep who sends them.\n",
    "event": "What the session is about, who speaks, and what a prospect takes away.\n",
}

# Required fields that the title does not fill: a value that passes the check,
# marked so that nobody publishes it by mistake (the new file is a draft).
PLACEHOLDERS = {
    "summary": "One sentence on what changed for them.",
    "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
}
PLACEHOLDER_NOTES = {
    "summary": "replace with one sentence",
    "url": "replace with the video's YouTube, Vimeo, Wistia or Loom link",
}
FROM_CUSTOMER = ("industry", "company_size", "region")


@dataclass(frozen=True)
class NewFile:
    path: Path
    slug: str


def yaml_value(value: Any) -> str:
    """`value` as YAML that reads back as the same value: plain where it can be,
    double-quoted where YAML would see something else ('Acme: a story')."""
    if isinstance(value, str):
        plain = value
        try:
            if parse_yaml(f"k: {plain}")["k"] == value and "#" not in plain:
                return plain
        except (FrontMatterError, TypeError):
            pass
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000).strip().removesuffix("...").strip()


def make_slug(title: str) -> str:
    """A slug from a title, cut at a word boundary so that URLs stay short."""
    slug = slugify(title)
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


def _example(field_type: Any) -> Any:
    """A full example of a field's value, nested fields included."""
    if isinstance(field_type, Object):
        return {f.name: _example(f.type) for f in field_type.fields.values()}
    if isinstance(field_type, ListOf):
        return [_example(field_type.item)]
    return field_type.example


def _commented(field: Field, today: dt.date, note: str | None = None) -> list[str]:
    """An optional field as commented YAML: removing the first '#' of each line
    uses it, and the note after the second '#' stays a comment."""
    note = f"  # {note or field.help}" if (note or field.help) else ""
    example = _example(field.type)
    if isinstance(field.type, Date):  # a consent date a year ahead, not one that withholds the item at once
        example = (today + dt.timedelta(days=365) if field.name == "consent_expires" else today).isoformat()
    if isinstance(example, list) and not any(isinstance(e, (dict, list)) for e in example):
        return [f"# {field.name}: [{', '.join(yaml_value(e) for e in example)}]{note}"]
    if isinstance(example, (dict, list)):
        dumped = yaml.safe_dump({field.name: example}, sort_keys=False, allow_unicode=True,
                                default_flow_style=False, width=1000).splitlines()
        return [f"# {dumped[0]}{note}", *(f"# {line}" for line in dumped[1:])]
    return [f"# {field.name}: {yaml_value(example)}{note}"]


def front_matter(kind: Kind, title: str, today: dt.date, customer: Customer | None,
                 customer_slug: str | None) -> str:
    """The front matter block of a new file of `kind`, between '---' lines."""
    filled: list[str] = []
    optional: list[str] = []
    for name, field in kind.fields.items():
        if name == "slug":
            continue
        if name == TITLE_FIELD[kind.singular]:
            filled.append(f"{name}: {yaml_value(title)}")
        elif name == "customer":
            filled.append(f"customer: {customer_slug}")
        elif name == "date":
            filled.append(f"date: {today.isoformat()}")
        elif name == "start":  # an event
            filled.append(f"start: {today.isoformat()}T16:00+00:00  # when it starts, with its time zone")
        elif name == "online":
            filled.append("online: true  # or say where: location: Rotterdam, Netherlands")
        elif name == "status":
            filled.append("status: draft  # change to published when it is approved")
        elif name == "items":
            filled.append("items: []  # e.g. [stories/acme-onboarding, videos/acme-year-one]")
        elif name in PLACEHOLDERS and field.required:
            filled.append(f"{name}: {yaml_value(PLACEHOLDERS[name])}  # {PLACEHOLDER_NOTES[name]}")
        elif name in FROM_CUSTOMER and customer is not None and getattr(customer, name):
            value = getattr(customer, name)
            optional.append(f"# {name}: {yaml_value(value)}  # from {customer.name}; set it only to differ")
        elif not field.required:
            optional += _commented(field, today)
    lines = ["---", *filled]
    if optional:
        lines += ["# More you can set: remove the '#' at the start of a line to use it.", *optional]
    return "\n".join([*lines, "---", ""])


def site_customers(root: Path) -> tuple[dict[str, Customer], set[str]]:
    """The site's customers that load, and the slugs of every customer file."""
    content = load_content(root, Problems())  # problems are `check`'s to report
    loaded = {c.slug: c for c in content.by_kind["customers"]}
    files = set(loaded) | {Path(i.path).stem for i in content.invalid if i.kind == "customers"}
    return loaded, files


def match_customer(wanted: str, loaded: dict[str, Customer], slugs: set[str]) -> str | None:
    """The slug of the customer `wanted` names by its slug or by its name, in any case."""
    if wanted in slugs:
        return wanted
    by_name = {c.name.casefold(): c.slug for c in loaded.values()}
    return by_name.get(" ".join(wanted.split()).casefold())  # "Acme Logistics" works too


def _find_customer(root: Path, wanted: str | None, kind: Kind) -> tuple[str | None, Customer | None]:
    if "customer" not in kind.fields:
        return None, None
    loaded, slugs = site_customers(root)
    if wanted is None:
        if not slugs:
            raise UsageError(f"a {kind.singular} is about a customer, and this site has none yet: "
                             "add one first with  advocacy new customer \"Their Name\"")
        raise UsageError(f"say which customer this {kind.singular} is about with --customer SLUG "
                         f"(one of: {', '.join(sorted(slugs))})")
    slug = match_customer(wanted, loaded, slugs)
    if slug is not None:
        return slug, loaded.get(slug)
    known = ", ".join(sorted(slugs)) or "none yet"
    raise UsageError(f"no customer '{wanted}'{did_you_mean(wanted, slugs)} in content/customers/ "
                     f"(known: {known}); add it with  advocacy new customer \"Their Name\"")


def new_item(root: Path, kind_name: str, title: str, *, customer: str | None = None,
             slug: str | None = None, today: dt.date | None = None) -> NewFile:
    """Write a new draft file of `kind_name` ('story', ...) into the site at `root`."""
    kind = KIND_NAMES[kind_name]
    title = " ".join(title.split())
    if not title:
        raise UsageError(f"give the new {kind_name} a {TITLE_FIELD[kind_name]}, in quotes: "
                         f"advocacy new {kind_name} \"...\"")
    if slug is None:
        slug = make_slug(title)
        if not slug:
            raise UsageError(f"'{title}' has no letters or digits that can make a file name; "
                             "choose one with --slug, e.g. --slug my-story")
    elif not SLUG_RULE.match(slug):
        raise UsageError(f"--slug '{slug}' may use only lower-case letters, digits and dashes, "
                         f"e.g. --slug {make_slug(slug) or 'my-story'}")
    customer_slug, record = _find_customer(root, customer, kind)
    path = root / "content" / kind.folder / f"{slug}.md"
    if path.exists():
        raise UsageError(f"{path.relative_to(root).as_posix()} already exists and is left as it is; "
                         "choose another title, or a file name with --slug")
    text = front_matter(kind, title, today or dt.date.today(), record, customer_slug) + BODIES[kind_name]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # "x": never replace a file made meanwhile
        file.write(text)
    return NewFile(path, slug)

