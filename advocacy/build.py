"""One build of an output folder: one at a time (the lock), nothing done when
nothing changed (last_build.py), else the pipeline (pipeline.py: load ->
validate -> plan pages -> render -> write), imported only then.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from advocacy.errors import ContentError, Problems, UsageError
from advocacy.last_build import BuildSummary, LastBuildRecord, scan_inputs
from advocacy.lock import output_lock
from advocacy.site_files import CONFIG_FILE
from advocacy.write import check_output_dir

if TYPE_CHECKING:
    from advocacy.pages import Page
    from advocacy.resident import Resident
    from advocacy.site import Site

Progress = Callable[[int, int], None]  # (pages rendered so far, pages in all)


@dataclass
class FirstPages:
    """Pages to render before the others, and what to do with them as soon as they are:
    the preview shows the pages open in a browser while the rest of the build runs."""

    paths: set[str]  # site paths, as pages have them ('' is the home page)
    show: Callable[[dict[str, bytes]], None]  # output file -> bytes, of those the build rendered again


class BuildResult:
    """What a build did. `site` and `pages` are those of the build; after a
    build that found nothing changed they are loaded when first asked for."""

    def __init__(self, summary: BuildSummary, problems: Problems, output: Path | None, seconds: float,
                 *, site: Site | None = None, pages: list[Page] | None = None,
                 load: Callable[[], tuple[Site, list[Page]]] | None = None,
                 rendered: int = 0, changed: list[str] | None = None):
        self.summary = summary
        self.problems = problems
        self.output = output
        self.seconds = seconds
        self.rendered = rendered  # pages rendered by this build; the others were kept from an earlier one
        self.changed = changed or []  # paths of the pages whose bytes may differ from the last build's
        self._site, self._pages, self._load = site, pages, load

    @property
    def page_counts(self) -> Counter:
        return self.summary.page_counts

    def _loaded(self) -> tuple[Site, list[Page]]:
        if self._site is None or self._pages is None:
            assert self._load is not None
            self._site, self._pages = self._load()
        return self._site, self._pages

    @property
    def site(self) -> Site:
        return self._loaded()[0]

    @property
    def pages(self) -> list[Page]:
        return self._loaded()[1]


def find_site_root(path: Path) -> Path:
    """The site folder: `path` itself, which must hold advocacy.yaml."""
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder")
    if not (path / CONFIG_FILE).is_file():
        raise UsageError(f"no {CONFIG_FILE} in {path.resolve()}: run this in a site folder, "
                         "or point at one with --site DIR")
    return path.resolve()


def build_date_from_env() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH should be a number of seconds, not '{epoch}'") from None
    return dt.date.today()


def build(root: Path, output: Path, *, drafts: bool = False, base_url: str | None = None,
          build_date: dt.date | None = None, progress: Progress | None = None,
          accept_removed: bool = False, record: bool = True,
          on_wait: Callable[[], None] | None = None, resident: Resident | None = None,
          first: FirstPages | None = None) -> BuildResult:
    """Build the site at `root` into `output`; ContentError if anything is wrong.
    With `record` (never for a build with drafts) the URLs it published are
    added to published-urls.txt; the preview passes record=False. One build at
    a time writes an output folder: `on_wait` is called if this one must wait.
    A `resident` (the preview's) keeps what builds in this process can share, and
    `first` names pages to render, and show, before the others."""
    check_output_dir(root, output)
    with output_lock(output, on_wait):
        return _build_locked(root, output, drafts=drafts, base_url=base_url, build_date=build_date,
                             progress=progress, accept_removed=accept_removed, record=record, resident=resident,
                             first=first)


def _build_locked(root: Path, output: Path, *, drafts: bool, base_url: str | None, build_date: dt.date | None,
                  progress: Progress | None, accept_removed: bool, record: bool,
                  resident: Resident | None, first: FirstPages | None) -> BuildResult:
    started = time.perf_counter()
    build_date = build_date or build_date_from_env()
    last = LastBuildRecord(root, output, drafts, base_url, build_date, accept_removed, record)
    inputs = scan_inputs(root)
    unchanged = last.unchanged(inputs) if resident is None or resident.holds_last_build else None
    if unchanged is not None:  # the same inputs, the output as it was left: nothing to do

        def load() -> tuple[Site, list[Page]]:
            from advocacy.pipeline import load_site, plan

            site, problems = load_site(root, drafts=drafts, base_url=base_url, build_date=build_date)
            if site is None:
                raise ContentError(problems)
            return site, plan(root, site, problems)

        return BuildResult(unchanged.summary, unchanged.problems, output, time.perf_counter() - started, load=load)
    # imported here, not above: a build with nothing to do starts in a tenth of the time without it
    from advocacy.pipeline import build_changed

    return build_changed(root, output, last, inputs, started, drafts=drafts, base_url=base_url,
                         build_date=build_date, progress=progress, accept_removed=accept_removed, record=record,
                         resident=resident, first=first)
