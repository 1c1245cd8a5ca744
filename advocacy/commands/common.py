"""What every command shares: --site, exit codes, problems printed as path:line: message.

Exit codes: 0 success, 1 content errors, 2 misuse (bad options, no site).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from advocacy.errors import ContentError, Problem, UsageError

EXIT_CONTENT = 1
EXIT_USAGE = 2


def site_option(command):
    """--site DIR on every command: the folder that holds advocacy.yaml."""
    return click.option(
        "--site", "-s", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
        show_default="the current folder", help="The site folder (the one with advocacy.yaml).",
    )(command)


def reports_errors(command):
    """Turn UsageError and ContentError into messages and exit codes, never tracebacks."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except ContentError as exc:
            print_problems(exc.problems.items)
            count = len(exc.problems.errors)
            click.echo(f"{plural(count, 'error')}; nothing was written.", err=True)
            sys.exit(EXIT_CONTENT)
        except OSError as exc:  # a disk full or a folder we may not write: no traceback
            where = f" ({exc.filename})" if exc.filename else ""
            # only a build replaces an output folder; other commands just stop
            after = "; the previous output was left as it was" if click.get_current_context().info_name == "build" else ""
            click.echo(f"Error: {exc.strerror or exc}{where}{after}.", err=True)
            sys.exit(EXIT_CONTENT)
    return wrapper


def print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.is_warning)):
        click.echo(str(problem), err=True)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 story', '2 stories': a count with its noun."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"
