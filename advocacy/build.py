"""The pipeline in one place: load -> validate -> plan pages -> render -> write."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from advocacy.cache import BuildCache
from advocacy.config import CONFIG_FILE, load_config
from advocacy.content.load import load_content
from advocacy.errors import ContentError, Problems, UsageError
from advocacy.lock import output_lock
from advocacy.pages import Page, plan_pages
from advocacy.paths import OUTSIDE_ROOT, files_under, relative
from advocacy.render import Renderer, Theme
from advocacy.search import SearchUnavailable, build_index, search_documents
from advocacy.site import Site, build_site
from advocacy.url_record import check_published, gone_pages, record_published
from advocacy.write import check_output_dir, write_output


@dataclass
class BuildResult:
    site: Site
    pages: list[Page]
    problems: Problems
    output: Path | None = None
    seconds: float = 0.0
    page_counts: Counter = field(default_factory=Counter)


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


def load_site(root: Path, *, drafts: bool = False, base_url: str | None = None,
              build_date: dt.date | None = None, cache: BuildCache | None = None) -> tuple[Site | None, Problems]:
    """Read and check everything; the Site is None when there were errors."""
    problems = Problems()
    config = load_config(root, problems, base_url)
    content = load_content(root, problems, cache)
    if config is None:
        return None, problems
    site = build_site(root, config, content, problems, build_date or build_date_from_env(), drafts)
    return (None if problems.errors else site), problems


Progress = Callable[[int, int], None]  # (pages rendered so far, pages in all)


def render_site(root: Path, site: Site, problems: Problems, progress: Progress | None = None,
                *, search: bool = False, cache: BuildCache | None = None,
                accept_removed: bool = False) -> tuple[list[Page], dict[str, bytes | Path]]:
    """Every output file of the site: rendered pages, theme assets and static files,
    and with `search` the search index. A URL of published-urls.txt that no page
    has any more is an error, unless `accept_removed`."""
    theme = Theme(root, site.config.theme)
    if theme.missing:
        problems.error(CONFIG_FILE, site.config.lines.get("theme", 1),
                       f"theme '{site.config.theme}' not found: add a folder themes/{site.config.theme}/ "
                       "or use theme: default")
        return [], {}
    for link in theme.links_outside():
        problems.error(relative(link, root), 1, OUTSIDE_ROOT)
    if problems.errors:
        return [], {}
    pages = plan_pages(site, problems)
    pages += gone_pages(root, site, [page.path for page in pages])
    problems.items.extend(check_published(root, [page.path for page in pages], site, accept=accept_removed))
    files: dict[str, bytes | Path] = dict(theme.static_files())
    files.update(_static_files(root, problems))
    renderer = Renderer(site, theme, cache)
    for done, page in enumerate(pages, 1):
        if progress is not None:
            progress(done, len(pages))
        if page.output in files:
            problems.error(relative(files[page.output], root) if isinstance(files[page.output], Path) else "static",
                           1, f"this file would replace the page /{page.path}; rename or remove it")
            continue
        data = renderer.render(page, problems)
        if data is not None:
            files[page.output] = data
    _check_share_image(root, site, problems)
    if search and not problems.errors:
        files.update(_search_index(site, renderer, problems))
    return pages, files


def _search_index(site: Site, renderer: Renderer, problems: Problems) -> dict[str, bytes]:
    """The Pagefind bundle; without it (a warning) the search page says search is unavailable."""
    documents = search_documents(site, renderer.url, renderer.body)
    try:
        return build_index(documents, renderer.cache)
    except SearchUnavailable as exc:
        problems.warning(CONFIG_FILE, 1, f"{exc}; the site is built without its search index")
        return {}


def _check_share_image(root: Path, site: Site, problems: Problems) -> None:
    image = site.config.share.image
    if image and not (root / "static" / image.lstrip("/")).is_file():
        problems.warning(CONFIG_FILE, site.config.lines.get("share", 1),
                         f"'share.image' file static{image} was not found; link previews use the theme's picture")


def build(root: Path, output: Path, *, drafts: bool = False, base_url: str | None = None,
          build_date: dt.date | None = None, progress: Progress | None = None,
          accept_removed: bool = False, record: bool = True,
          on_wait: Callable[[], None] | None = None) -> BuildResult:
    """Build the site at `root` into `output`; ContentError if anything is wrong.
    With `record` (never for a build with drafts) the URLs it published are
    added to published-urls.txt; the preview passes record=False. One build at
    a time writes an output folder: `on_wait` is called if this one must wait."""
    check_output_dir(root, output)
    with output_lock(output, on_wait):
        return _build_locked(root, output, drafts=drafts, base_url=base_url, build_date=build_date,
                             progress=progress, accept_removed=accept_removed, record=record)


def _build_locked(root: Path, output: Path, *, drafts: bool, base_url: str | None, build_date: dt.date | None,
                  progress: Progress | None, accept_removed: bool, record: bool) -> BuildResult:
    started = time.perf_counter()
    cache = BuildCache(root)
    site, problems = load_site(root, drafts=drafts, base_url=base_url, build_date=build_date, cache=cache)
    if site is None:
        raise ContentError(problems)
    pages, files = render_site(root, site, problems, progress, search=True, cache=cache,
                               accept_removed=accept_removed)
    if problems.errors:
        raise ContentError(problems)
    write_output(output, files)
    if record and not drafts:
        record_published(root, [page.path for page in pages])
    cache.save()
    counts = Counter(page.template.removesuffix(".html") for page in pages)
    return BuildResult(site, pages, problems, output, time.perf_counter() - started, counts)


def _static_files(root: Path, problems: Problems) -> dict[str, Path]:
    """The site's static/ folder, copied as it is to the root of the output."""
    static = root / "static"
    files, outside = files_under(static, root)
    for link in outside:
        problems.error(relative(link, root), 1, OUTSIDE_ROOT)
    return {file.relative_to(static).as_posix(): file for file in files}
