"""Links that never break: the record of every URL the site has published.

`published-urls.txt` at the site root lists, sorted, one site path a line, each
URL a build published. The site commits it, so a build from a clean checkout
(CI) knows them too. A build that would drop one fails and says how to keep it:
an alias in the renamed file, or a "removed" mark for a page meant to go. An
item withheld since (consent expired, back to draft) gets a short "no longer
available" page at its old URLs instead, which shows nothing of it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from advocacy.content.records import Record
from advocacy.content.schema import KINDS
from advocacy.embed import gone_embeds
from advocacy.errors import Problem
from advocacy.pages import Page, output_of, path_for
from advocacy.site import Site
from advocacy.site_files import RECORD_FILE
from advocacy.whole_files import remove_abandoned, write_whole

REMOVED = "removed"
GONE_TEMPLATE = "gone.html"
HEADER = f"""\
# Every URL this site has published, one a line: `advocacy build` keeps this
# file, commit it with the site. A build that would drop one of these URLs fails.
# To let a URL go for good, end its line with ' {REMOVED}'.
"""


@dataclass
class UrlRecord:
    published: dict[str, int] = field(default_factory=dict)  # '/stories/acme/' -> line in the file
    removed: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_record(root: Path) -> UrlRecord:
    """The record of `root`; empty when the site has never been built with one."""
    record = UrlRecord()
    try:
        text = (root / RECORD_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return record
    except (OSError, UnicodeDecodeError) as exc:
        record.problems.append(Problem(RECORD_FILE, 1, f"cannot read this file ({exc}); restore it from git"))
        return record
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if not words[0].startswith("/") or len(words) > 2 or words[1:] not in ([], [REMOVED]):
            record.problems.append(Problem(RECORD_FILE, number, f"'{line.strip()}' should be a site path such as "
                                           f"/stories/acme/, alone or followed by '{REMOVED}'"))
            continue
        (record.removed if words[1:] else record.published)[words[0]] = number
    return record


def site_path(path: str) -> str:
    """A page's path as the record writes it: '' -> '/', 'stories/acme/' -> '/stories/acme/'."""
    return "/" + path.lstrip("/")


def gone_pages(record: UrlRecord, site: Site, planned_paths: Iterable[str]) -> list[Page]:
    """A "no longer available" page at each recorded URL, unless another page
    has it now, of an item withheld or back to draft since, and of a topic page
    (an industry, a use case...) that no published item has any more: nobody
    can give those an alias, and consent running out must never fail a build.
    Only recorded URLs: a draft that was never published must not show that it exists."""
    taken = {output_of(p) for p in planned_paths}  # by file: 'x/' and 'x/index.html' are one page
    recorded = {output_of(p) for p in record.published}
    pages: dict[str, Page] = {}  # by output
    topics = {f"/{key}/": taxonomy.spec.singular.lower() for key, taxonomy in site.taxonomies.items()}
    for path in record.published:
        section, output = "/" + path.split("/")[1] + "/", output_of(path)
        if section in topics and path != section and output not in taken:
            pages.setdefault(output, Page(path.lstrip("/"), GONE_TEMPLATE, {
                "kind": f"{topics[section]} page", "related": site.stories[:3]}, in_sitemap=False))
    for item in [*(w.record for w in site.withheld), *site.drafts]:
        # a testimonial's own URL is an anchor of the testimonials page, which stays
        own = () if item.kind == "testimonials" else (path_for(item),)
        for path in (*own, *item.aliases):
            path, output = site_path(path), output_of(path)
            if output in recorded and output not in taken:
                pages.setdefault(output, Page(path.lstrip("/"), GONE_TEMPLATE, {
                    "kind": KINDS[item.kind].singular, "related": site.related(item)}, in_sitemap=False))
    for page in gone_embeds(record.published, taken):  # an empty card, for the iframes still asking
        pages.setdefault(page.output, page)
    return list(pages.values())


def check_published(record: UrlRecord, planned_paths: Iterable[str], site: Site, *,
                    accept: bool = False) -> list[Problem]:
    """An error for every recorded URL this build would drop (none with
    `accept`), naming the fix; and any line of the record that is not a URL."""
    planned = {output_of(p) for p in planned_paths}
    if accept:
        return record.problems
    new_items = {site_path(path_for(r)): r for r in _records(site) if site_path(path_for(r)) not in record.published}
    problems = list(record.problems)
    for path, line in sorted(record.published.items()):
        if output_of(path) not in planned:
            problems.append(Problem(RECORD_FILE, line, f"{path} was published, and this build would drop it: "
                                    f"{_fix(path, new_items)}"))
    return problems


def _records(site: Site) -> list[Record]:
    return [*site.stories, *site.videos, *site.customers.values(), *site.collections]


def _fix(path: str, new_items: dict[str, Record]) -> str:
    """How to keep a dropped URL: as an alias of the file that makes it now (a
    rename, most likely the new page of the same kind that is closest to it)."""
    same_kind = [p for p in new_items if p.split("/")[1] == path.split("/")[1]]
    renamed = difflib.get_close_matches(path, same_kind, n=1, cutoff=0) if same_kind else []
    where = (f"if {new_items[renamed[0]].path} is its new name, add 'aliases: [{path}]' to it"
             if renamed else f"if its page moved, add 'aliases: [{path}]' to the file that makes it now")
    return (f"{where}; if it should go for good, end its line in {RECORD_FILE} with ' {REMOVED}' "
            "(or build once with --accept-removed)")


def record_published(root: Path, old: UrlRecord, planned_paths: Iterable[str]) -> bool:
    """Write the record of `root` (which read `old`) after a build that published
    `planned_paths`: these URLs, and every URL published before and dropped since,
    marked removed. Returns whether the file changed (left untouched when not)."""
    published = {site_path(p) for p in planned_paths}
    served = {output_of(p) for p in published}  # another spelling of a page served is not removed
    removed = {path for path in (*old.published, *old.removed) if output_of(path) not in served}
    lines = sorted([*published, *(f"{path} {REMOVED}" for path in removed)])
    text = HEADER + "".join(f"{line}\n" for line in lines)
    file = root / RECORD_FILE
    if file.is_file() and file.read_text(encoding="utf-8", errors="replace") == text:
        return False
    remove_abandoned(root, file.name)  # what a killed build left
    write_whole(file, lambda out: out.write(text.encode()))  # never half a record, even if the build is killed
    return True
