"""The `advocacy` command: parse options, call one function, print the outcome.

Exit codes: 0 success, 1 content errors, 2 misuse (bad options, no site).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from advocacy import __version__
from advocacy.errors import ContentError, Problem, UsageError

EXIT_CONTENT = 1
EXIT_USAGE = 2


def _site_option(command):
    """--site DIR on every command: the folder that holds advocacy.yaml."""
    return click.option(
        "--site", "-s", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
        show_default="the current folder", help="The site folder (the one with advocacy.yaml).",
    )(command)


def _reports_errors(command):
    """Turn UsageError and ContentError into messages and exit codes, never tracebacks."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except ContentError as exc:
            _print_problems(exc.problems.items)
            count = len(exc.problems.errors)
            click.echo(f"{plural(count, 'error')}; nothing was written.", err=True)
            sys.exit(EXIT_CONTENT)
        except OSError as exc:  # a disk full or a folder we may not write: no traceback
            where = f" ({exc.filename})" if exc.filename else ""
            click.echo(f"Error: {exc.strerror or exc}{where}; the previous output was left as it was.", err=True)
            sys.exit(EXIT_CONTENT)
    return wrapper


def _print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.is_warning)):
        click.echo(str(problem), err=True)


def _checked_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from urllib.parse import urlsplit

    from advocacy.urls import WEB_SCHEMES, is_absolute

    if value is not None and (not is_absolute(value, WEB_SCHEMES) or urlsplit(value)[3:] != ("", "")):
        raise click.BadParameter(f"'{value}' is not an absolute http(s) URL without ?query or #fragment, "
                                 "such as https://customers.example.com/")
    return value


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 story', '2 stories': a count with its noun."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="advocacy")
def main() -> None:
    """Turn customer stories, testimonials and videos written in Markdown
    into a fast, static customer reference site.

    Run the commands in a site folder (one with advocacy.yaml), or point at
    one with --site DIR.
    """


@main.command()
@_site_option
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the site.  [default: output/ in the site folder]")
@click.option("--drafts", is_flag=True, help="Include items with status: draft.")
@click.option("--base-url", metavar="URL", default=None, callback=_checked_base_url,
              help="Publish under this URL instead of base_url from advocacy.yaml.")
@_reports_errors
def build(site_dir: Path, output: Path | None, drafts: bool, base_url: str | None) -> None:
    """Build the site into the output folder.

    The previous output is replaced only when the whole build succeeded.
    """
    from advocacy.build import build as run_build, find_site_root

    root = find_site_root(site_dir)
    result = run_build(root, output if output is not None else root / "output", drafts=drafts, base_url=base_url)
    _print_problems(result.problems.warnings)
    counts = result.page_counts
    summary = ", ".join(plural(counts[name], noun, nouns) for name, noun, nouns in (
        ("story", "story", "stories"), ("video", "video", None), ("customer", "customer", None),
        ("collection", "collection", None), ("term", "topic page", None), ("redirect", "redirect", None),
    ) if counts[name])
    withheld = len(result.site.withheld)
    click.echo(f"Built {plural(len(result.pages), 'page')} ({summary}) in {result.seconds:.2f}s"
               + (f"; {withheld} withheld (consent expired)" if withheld else "")
               + (f"; {plural(len(result.site.drafts), 'draft')} left out" if result.site.drafts else "")
               + f" -> {result.output}")


@main.command()
@_site_option
@click.option("--drafts", is_flag=True, help="Check as if drafts were published too.")
@_reports_errors
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
    _print_problems(problems.warnings)
    items = len(site.stories) + len(site.testimonials) + len(site.videos)
    click.echo(f"No errors: {plural(items, 'published item')}, {plural(len(site.customers), 'customer')}"
               + (f", {plural(len(site.collections), 'collection')}" if site.collections else "")
               + (f", {plural(len(problems.warnings), 'warning')}" if problems.warnings else "") + ".")
