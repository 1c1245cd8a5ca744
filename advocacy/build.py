"""The pipeline in one place: load -> validate -> plan pages -> render -> write."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markdown_it

from advocacy.cache import BuildCache, content_hash
from advocacy.content.records import Record
from advocacy.cards import NAMESPACE as CARD_NAMESPACE, CardCache
from advocacy.config import CONFIG_FILE, load_config
from advocacy.content.load import load_content
from advocacy.errors import ContentError, Problems, UsageError
from advocacy.fingerprint import Fingerprints, RecordResults, file_digest, reads_outside_context
from advocacy.last_build import (
    BuildSummary,
    LastBuild,
    LastBuildRecord,
    scan_inputs,
    summarize,
)
from advocacy.lock import output_lock
from advocacy.minify import published_assets
from advocacy.page_store import PageStore
from advocacy.pages import Page, plan_pages
from advocacy.parallel import render_pages
from advocacy.paths import OUTSIDE_ROOT, files_under, relative
from advocacy.render import Renderer, Theme, builtin_theme_dir
from advocacy.search import SearchUnavailable, build_index, search_documents
from advocacy.site import Site, build_site
from advocacy.url_record import check_published, gone_pages, record_published
from advocacy.write import Linked, check_output_dir, write_output


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


def load_site(root: Path, *, drafts: bool = False, base_url: str | None = None,
              build_date: dt.date | None = None, cache: BuildCache | None = None) -> tuple[Site | None, Problems]:
    """Read and check everything; the Site is None when there were errors."""
    site, problems, _ = _load(root, drafts, base_url, build_date, cache)
    return site, problems


def _load(root: Path, drafts: bool, base_url: str | None, build_date: dt.date | None,
          cache: BuildCache | None) -> tuple[Site | None, Problems, dict[str, str]]:
    """load_site, and the hash of every content file's bytes (for page fingerprints)."""
    problems = Problems()
    config = load_config(root, problems, base_url)
    content = load_content(root, problems, cache)
    if config is None:
        return None, problems, content.keys
    site = build_site(root, config, content, problems, build_date or build_date_from_env(), drafts)
    return (None if problems.errors else site), problems, content.keys


Progress = Callable[[int, int], None]  # (pages rendered so far, pages in all)


@dataclass
class Rendered:
    """The output files of a build, and what it knows of its pages."""

    pages: list[Page] = field(default_factory=list)
    files: dict[str, bytes | Path | Linked] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)  # page output -> fingerprint
    rendered: int = 0  # pages rendered, not kept from an earlier build


def render_site(root: Path, site: Site, problems: Problems, progress: Progress | None = None,
                *, search: bool = False, cache: BuildCache | None = None,
                accept_removed: bool = False) -> tuple[list[Page], dict[str, bytes | Path]]:
    """Every output file of the site: rendered pages, theme assets and static files,
    and with `search` the search index. A URL of published-urls.txt that no page
    has any more is an error, unless `accept_removed`."""
    result = render_output(root, site, problems, progress, search=search, cache=cache, accept_removed=accept_removed)
    return result.pages, result.files  # no page store: every page is bytes


def render_output(root: Path, site: Site, problems: Problems, progress: Progress | None = None,
                  *, search: bool = False, cache: BuildCache | None = None, accept_removed: bool = False,
                  keys: dict[str, str] | None = None) -> Rendered:
    """render_site's files; with the content files' hashes (`keys`) and a cache,
    a page whose fingerprint an earlier build rendered is linked, not rendered."""
    theme = Theme(root, site.config.theme)
    if theme.missing:
        problems.error(CONFIG_FILE, site.config.lines.get("theme", 1),
                       f"theme '{site.config.theme}' not found: add a folder themes/{site.config.theme}/ "
                       "or use theme: default")
        return Rendered()
    for link in theme.links_outside():
        problems.error(relative(link, root), 1, OUTSIDE_ROOT)
    if problems.errors:
        return Rendered()
    result = Rendered(_plan(root, site, problems, cache))
    problems.items.extend(check_published(root, [page.path for page in result.pages], site, accept=accept_removed))
    result.files.update(published_assets(theme.static_files()))
    static = _static_files(root, problems)
    result.files.update(static)
    store = PageStore(cache) if cache is not None and keys is not None else None
    fingerprints = _fingerprints(site, theme, static, cache, keys) if store is not None else None
    cards = CardCache(RecordResults(cache, fingerprints, CARD_NAMESPACE)
                      if fingerprints is not None and not fingerprints.whole_site else None)
    renderer = Renderer(site, theme, cache, cards)
    todo: list[Page] = []
    for page in result.pages:
        if page.output in result.files:
            taken = result.files[page.output]
            problems.error(relative(taken, root) if isinstance(taken, Path) else "static",
                           1, f"this file would replace the page /{page.path}; rename or remove it")
            continue
        fingerprint = fingerprints.of(page) if fingerprints is not None else None
        if fingerprint is not None:
            result.fingerprints[page.output] = fingerprint
            kept = store.get(fingerprint)
            if kept is not None:
                result.files[page.output] = kept
                continue
        todo.append(page)
    done = render_pages(renderer, todo, [result.fingerprints.get(page.output) for page in todo], store,
                        problems, progress)
    result.files.update((page.output, data) for page, data in zip(todo, done) if data is not None)
    result.rendered = len(todo)
    _check_share_image(root, site, problems)
    if search and not problems.errors:
        result.files.update(_search_index(site, renderer, problems, fingerprints))
    return result


def _plan(root: Path, site: Site, problems: Problems, cache: BuildCache | None = None) -> list[Page]:
    """Every page, with those of withheld items that were published before."""
    pages = plan_pages(site, problems, cache)
    return pages + gone_pages(root, site, [page.path for page in pages])


def _fingerprints(site: Site, theme: Theme, static: dict[str, Path], cache: BuildCache,
                  keys: dict[str, str]) -> Fingerprints:
    """The page fingerprints of this build: see fingerprint.py for what goes in."""
    theme_files = [(f"{index}/{file.relative_to(folder).as_posix()}", file)
                   for index, folder in enumerate(theme.dirs) for file in folder.rglob("*") if file.is_file()]
    static_state = repr(sorted((rel, file.stat().st_size, file.stat().st_mtime_ns) for rel, file in static.items()))
    own_templates = [d / "templates" for d in theme.dirs if d.resolve() != builtin_theme_dir().resolve()]
    return Fingerprints(site, keys, [cache.code, jinja2.__version__, markdown_it.__version__, file_digest(theme_files),
                                     static_state], whole_site=bool(reads_outside_context(own_templates)))


def _search_index(site: Site, renderer: Renderer, problems: Problems,
                  fingerprints: Fingerprints | None) -> dict[str, bytes]:
    """The Pagefind bundle; without it (a warning) the search page says search is unavailable.
    A search document is made from its record, the config and the Markdown settings alone
    (not the theme): with page fingerprints, a shard whose records did not change is kept."""
    record_key = None
    if fingerprints is not None:
        made_with = content_hash(repr(site.config), renderer.markdown_settings, repr(site.include_drafts))

        def record_key(record: Record) -> str | None:
            fingerprint = fingerprints.of_record(record)
            return content_hash(made_with, fingerprint) if fingerprint is not None else None

    documents = search_documents(site, renderer.url, renderer.body, record_key)
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
    build_date = build_date or build_date_from_env()
    last = LastBuildRecord(root, output, drafts, base_url, build_date, accept_removed, record)
    inputs = scan_inputs(root)
    unchanged = last.unchanged(inputs)
    if unchanged is not None:  # the same inputs, the output as it was left: nothing to do

        def load() -> tuple[Site, list[Page]]:
            site, problems = load_site(root, drafts=drafts, base_url=base_url, build_date=build_date)
            if site is None:
                raise ContentError(problems)
            return site, _plan(root, site, problems)

        return BuildResult(unchanged.summary, unchanged.problems, output, time.perf_counter() - started, load=load)
    cache = BuildCache(root)
    site, problems, keys = _load(root, drafts, base_url, build_date, cache)
    if site is None:
        raise ContentError(problems)
    rendered = render_output(root, site, problems, progress, search=True, cache=cache,
                             accept_removed=accept_removed, keys=keys)
    if problems.errors:
        raise ContentError(problems)
    write_output(output, rendered.files)
    wrote_record = record and not drafts and record_published(root, [page.path for page in rendered.pages])
    cache.save()
    PageStore(cache).prune()
    previous = last.previous()
    summary = summarize(site, rendered.pages)
    last.save(LastBuild(summary, problems, rendered.fingerprints, inputs), wrote_record)
    changed = [page.path for page in rendered.pages if previous is None
               or previous.fingerprints.get(page.output, "") != rendered.fingerprints.get(page.output)]
    return BuildResult(summary, problems, output, time.perf_counter() - started,
                       site=site, pages=rendered.pages, rendered=rendered.rendered, changed=changed)


def _static_files(root: Path, problems: Problems) -> dict[str, Path]:
    """The site's static/ folder, copied as it is to the root of the output."""
    static = root / "static"
    files, outside = files_under(static, root)
    for link in outside:
        problems.error(relative(link, root), 1, OUTSIDE_ROOT)
    return {file.relative_to(static).as_posix(): file for file in files}
