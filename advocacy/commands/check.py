"""`advocacy check`: every problem of the content, links and templates, nothing written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from advocacy.commands.common import EXIT_CONTENT, plural, print_problems, reports_errors, site_option


@click.command()
@site_option
@click.option("--drafts", is_flag=True, help="Check as if drafts were published too.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on errors.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one JSON document on standard output, for CI.")
@reports_errors
def check(site_dir: Path, drafts: bool, strict: bool, output_format: str) -> None:
    """Check all content, links, images and templates without writing anything.

    Reports every problem at once, as path:line: message. Errors would stop
    a build or break a page; warnings are worth fixing before you publish
    (consent about to expire, a customer with nothing published, a missing
    logo). Exits 0 when there are no errors, 1 when there are (or warnings,
    with --strict), 2 when the command itself was wrong.
    """
    from advocacy.build import find_site_root
    from advocacy.lint import lint_site

    report = lint_site(find_site_root(site_dir), drafts=drafts)
    errors, warnings = report.problems.errors, report.problems.warnings
    failed = bool(errors) or (strict and bool(warnings))
    if output_format == "json":
        click.echo(json.dumps({
            "ok": not failed,
            "errors": [_as_dict(p) for p in errors],
            "warnings": [_as_dict(p) for p in warnings],
            "published": report.counts,
        }, indent=2))
    else:
        print_problems(report.problems.items)
        click.echo(_summary(report, errors, warnings, strict), err=failed)
    if failed:
        sys.exit(EXIT_CONTENT)


def _as_dict(problem) -> dict:
    return {"path": problem.path, "line": problem.line, "message": problem.message,
            "severity": "warning" if problem.is_warning else "error", "pages": sorted(set(problem.pages))}


def _summary(report, errors: list, warnings: list, strict: bool) -> str:
    if errors:  # the same last line as a failed build's
        return f"{plural(len(errors), 'error')}; nothing was written."
    if strict and warnings:
        return f"{plural(len(warnings), 'warning')}; --strict counts them as errors."
    counts = report.counts
    items = counts.get("stories", 0) + counts.get("testimonials", 0) + counts.get("videos", 0)
    return (f"No errors: {plural(items, 'published item')}, {plural(counts.get('customers', 0), 'customer')}"
            + (f", {plural(counts['collections'], 'collection')}" if counts.get("collections") else "")
            + (f", {plural(len(warnings), 'warning')}" if warnings else "") + ".")
