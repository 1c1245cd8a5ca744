"""`advocacy build`: the site, written atomically into the output folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from advocacy.commands.common import plural, print_problems, reports_errors, site_option


def _checked_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from urllib.parse import urlsplit

    from advocacy.urls import WEB_SCHEMES, is_absolute

    if value is not None and (not is_absolute(value, WEB_SCHEMES) or urlsplit(value)[3:] != ("", "")):
        raise click.BadParameter(f"'{value}' is not an absolute http(s) URL without ?query or #fragment, "
                                 "such as https://customers.example.com/")
    return value


@click.command()
@site_option
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the site.  [default: output/ in the site folder]")
@click.option("--drafts", is_flag=True, help="Include items with status: draft.")
@click.option("--base-url", metavar="URL", default=None, callback=_checked_base_url,
              help="Publish under this URL instead of base_url from advocacy.yaml.")
@click.option("--accept-removed", is_flag=True,
              help="Let URLs of published-urls.txt go that this build no longer has (marked removed).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors: no warnings, no progress, no summary.")
@click.option("--verbose", "-v", is_flag=True, help="Also list every draft left out and every item withheld, with why.")
@reports_errors
def build(site_dir: Path, output: Path | None, drafts: bool, base_url: str | None, accept_removed: bool,
          quiet: bool, verbose: bool) -> None:
    """Build the site into the output folder.

    The previous output is replaced only when the whole build succeeded.
    Every URL a build publishes is kept in published-urls.txt (commit it):
    a later build that would drop one fails and says how to keep it.
    A build that takes more than a moment shows a progress bar, and every
    build ends with one summary line.
    """
    from advocacy.build import build as run_build, find_site_root
    from advocacy.progress import ProgressBar, use_colour

    if quiet and verbose:
        raise click.UsageError("choose --quiet or --verbose, not both")
    root = find_site_root(site_dir)
    output = output if output is not None else root / "output"
    bar = ProgressBar("Rendering pages")
    try:
        result = run_build(root, output, drafts=drafts, base_url=base_url, progress=None if quiet else bar,
                           accept_removed=accept_removed, on_wait=lambda: click.echo(
                               f"Another build is writing {output.resolve()}; waiting for it to finish...", err=True))
    finally:
        bar.finish()
    if quiet:
        return
    print_problems(result.problems.warnings)
    if verbose:
        for path in result.summary.drafts:
            click.echo(f"{path}: draft, left out (build with --drafts to include it)")
        for path, reason in result.summary.withheld:
            click.echo(f"{path}: withheld, {reason}")
    colour = use_colour(sys.stdout)
    click.echo(_summary(result, colour), color=colour)


def _summary(result, colour: bool) -> str:
    """One line: pages by kind, what was left out and why, time taken, where."""
    counts = result.page_counts
    summary = ", ".join(plural(counts[name], noun, nouns) for name, noun, nouns in (
        ("story", "story", "stories"), ("video", "video", None), ("customer", "customer", None),
        ("collection", "collection", None), ("event", "event", None), ("term", "topic page", None),
        ("redirect", "redirect", None), ("gone", "page no longer available", "pages no longer available"),
    ) if counts[name])
    withheld, drafts = len(result.summary.withheld), len(result.summary.drafts)
    built = click.style("Built", fg="green", bold=True) if colour else "Built"
    return (f"{built} {plural(result.summary.page_total, 'page')} ({summary}) in {result.seconds:.2f}s"
            + (f"; {withheld} withheld (consent expired)" if withheld else "")
            + (f"; {plural(drafts, 'draft')} left out" if drafts else "")
            + f" -> {result.output}")
