"""`advocacy import testimonials FILE.csv`: testimonials from a spreadsheet."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from advocacy.commands.common import EXIT_CONTENT, plural, print_problems, reports_errors, site_option


@click.group(name="import")
def import_group() -> None:
    """Add content from other tools' exports."""


@import_group.command()
@click.argument("csv_file", metavar="FILE.csv",
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and show what would be written; write nothing.")
@click.option("--publish", is_flag=True,
              help="Import as published (status: published). Without it every testimonial is a draft.")
@site_option
@reports_errors
def testimonials(csv_file: Path, dry_run: bool, publish: bool, site_dir: Path) -> None:
    """Add one testimonial per row of a CSV file (saved from a spreadsheet).

    \b
    The first line names the columns, in any order:
      author, customer, quote     (required)
      role, rating, date, source name, source URL
    customer is a file name in content/customers/ or the customer's name;
    rating is 1 to 5; date is YYYY-MM-DD.

    Every row is checked first: if any is wrong, nothing is written. Rows
    already imported are skipped, and no existing file is ever replaced.
    """
    from advocacy.build import find_site_root
    from advocacy.importer import plan_import, write_import

    root = find_site_root(site_dir)
    plan = plan_import(root, csv_file, status="published" if publish else "draft")
    for line, where in plan.skipped:
        click.echo(f"{csv_file}:{line}: skipped, already in {where}", err=True)
    if plan.problems.errors:
        print_problems(plan.problems.errors)
        click.echo(f"{plural(len(plan.problems.errors), 'error')} in {csv_file}; nothing was written. "
                   "Fix the rows and import again.", err=True)
        sys.exit(EXIT_CONTENT)
    verb = "would write" if dry_run else "wrote"
    if not dry_run:
        write_import(plan)
    for new in plan.files:
        click.echo(f"{verb} {os.path.relpath(new.path)}  (row {new.line})")
    status = "published" if publish else "drafts: set status: published in each file once approved"
    click.echo(f"{'Dry run: ' if dry_run else ''}{plural(len(plan.files), 'testimonial')} "
               f"{'to import' if dry_run else 'imported'} ({status})"
               + (f", {len(plan.skipped)} already there" if plan.skipped else "") + ".")
