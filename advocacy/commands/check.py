"""`advocacy check`: every problem of the content and templates, nothing written."""

from __future__ import annotations

from pathlib import Path

import click

from advocacy.commands.common import plural, print_problems, reports_errors, site_option
from advocacy.errors import ContentError


@click.command()
@site_option
@click.option("--drafts", is_flag=True, help="Check as if drafts were published too.")
@reports_errors
def check(site_dir: Path, drafts: bool) -> None:
    """Check all content, references and templates without writing anything.

    Reports every problem at once, as path:line: message.
    """
    from advocacy.build import find_site_root, load_site, render_site

    root = find_site_root(site_dir)
    site, problems = load_site(root, drafts=drafts)
    if site is not None:
        render_site(root, site, problems)
    if problems.errors:
        raise ContentError(problems)
    print_problems(problems.warnings)
    items = len(site.stories) + len(site.testimonials) + len(site.videos)
    click.echo(f"No errors: {plural(items, 'published item')}, {plural(len(site.customers), 'customer')}"
               + (f", {plural(len(site.collections), 'collection')}" if site.collections else "")
               + (f", {plural(len(problems.warnings), 'warning')}" if problems.warnings else "") + ".")
