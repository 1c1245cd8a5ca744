"""`advocacy check`: everything a build validates, and what a build lets pass
but a prospect would notice: dead links, missing images, consent about to
run out, customers with nothing to show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from advocacy.build import build_date_from_env
from advocacy.pipeline import load_site, render_site
from advocacy.content.records import Record
from advocacy.content.schema import KINDS
from advocacy.errors import Problems
from advocacy.linkcheck import OutputIndex, check_page_links, describe, parse_html, resolve, source_line
from advocacy.markup import MarkdownRenderer
from advocacy.pages import path_for
from advocacy.paths import relative
from advocacy.render import Theme
from advocacy.site import Site

CONSENT_NOTICE_DAYS = 30


@dataclass
class Report:
    problems: Problems
    site: Site | None = None
    pages: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def lint_site(root: Path, *, drafts: bool = False, build_date: dt.date | None = None) -> Report:
    """Every problem of the site at `root`, errors and warnings, nothing written."""
    build_date = build_date or build_date_from_env()
    site, problems = load_site(root, drafts=drafts, build_date=build_date)
    report = Report(problems, site)
    if site is None:
        return report
    pages, files = render_site(root, site, problems)
    report.pages = len(pages)
    report.counts = {kind: len(site.published(kind)) for kind in KINDS}
    _expiring_consent(site, build_date, problems)
    _customers_without_items(site, problems)
    if problems.errors:  # pages are missing: every link to them would look broken
        return report
    index = OutputIndex(files)
    hints = _unpublished_hints(site)
    reported = _check_body_links(site, index, hints, problems)
    templates = _template_names(root, site)
    check_page_links(index, {p.output: templates(p.template) for p in pages if p.output.endswith(".html")},
                     site.config, reported, hints, problems)
    return report


def _published_records(site: Site) -> list[Record]:
    return [record for kind in KINDS for record in site.published(kind)]


def _check_body_links(site: Site, index: OutputIndex, hints: dict[str, str], problems: Problems) -> set[str]:
    """Broken links of Markdown bodies, at their file and line; returns their targets."""
    config = site.config
    markdown = MarkdownRenderer(config.base_path, config.markdown.unsafe_html)
    reported: set[str] = set()
    for record in _published_records(site):
        if not any(mark in record.body for mark in ("](", "]:", "<")):
            continue  # no link, image or raw HTML: nothing to check, and Markdown is the slow part
        page_path = path_for(record).split("#")[0]
        for link in parse_html(str(markdown.render(record.body)))[0]:
            target = resolve(link.url, page_path, config)
            found = index.problem(target) if target is not None else None
            if found is None:
                continue
            reported.add(target.path)
            line = source_line(record.body, record.body_line, link.url, config.base_path)
            message = describe(link.url, target, found[0], hints, index)
            (problems.warning if found[1] else problems.error)(record.path, line, message)
    return reported


def _unpublished_hints(site: Site) -> dict[str, str]:
    """Why a page that a link expects is not in this build: draft or withheld."""
    hints = {path_for(r).split("#")[0]: "a draft (status: draft): publish it or remove the link"
             for r in site.drafts}
    hints.update({path_for(w.record).split("#")[0]: f"which is withheld ({w.reason}): remove the link"
                  for w in site.withheld})
    return hints


def _template_names(root: Path, site: Site):
    """template name -> where it is, for messages: the site's theme file or the built-in one."""
    theme = Theme(root, site.config.theme)

    def name(template: str) -> str:
        for theme_dir in theme.dirs:
            if (theme_dir / "templates" / template).is_file():
                path = theme_dir / "templates" / template
                return relative(path, root) if path.is_relative_to(root) else f"built-in theme: templates/{template}"
        return template
    return name


def _expiring_consent(site: Site, build_date: dt.date, problems: Problems) -> None:
    for kind in ("stories", "testimonials", "videos"):
        for item in site.published(kind):
            expires = item.consent_expires
            if expires is None or not 0 <= (expires - build_date).days <= CONSENT_NOTICE_DAYS:
                continue
            days = (expires - build_date).days
            when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
            problems.warning(item.path, item.line("consent_expires"),
                             f"consent expires on {expires.isoformat()} ({when}): after that this "
                             f"{KINDS[kind].singular} is withheld; renew consent and update 'consent_expires'")


def _customers_without_items(site: Site, problems: Problems) -> None:
    drafts = {item.customer for item in site.drafts if hasattr(item, "customer")}  # events name no one customer
    for customer in site.customers.values():
        if any(site.items_of(customer, kind) for kind in ("stories", "testimonials", "videos")):
            continue
        why = "only drafts" if customer.slug in drafts else "nothing published"
        problems.warning(customer.path, customer.line("name"),
                         f"{customer.name} has {why} (no story, testimonial or video): their page is "
                         f"nearly empty; add one with  advocacy new story \"Title\" --customer {customer.slug}")
