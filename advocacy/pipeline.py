"""The pipeline: load -> validate -> plan pages -> render -> write.

build.py runs it for a build that has something to do; `advocacy check`,
the rep commands and the tests load sites with it.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markdown_it

from advocacy.build import BuildResult, FirstPages, Progress, build_date_from_env
from advocacy.cache import BuildCache, collector_paused, content_hash
from advocacy.cards import NAMESPACE as CARD_NAMESPACE, TEMPLATE as CARD_TEMPLATE, CardCache
from advocacy.config import CONFIG_FILE, load_config
from advocacy.content.load import load_content
from advocacy.content.records import Record
from advocacy.errors import ContentError, Problems
from advocacy.facets import NAMESPACE as FACETS_NAMESPACE
from advocacy.fingerprint import Fingerprints, TemplateDigests, file_digest, static_state
from advocacy.folders_ahead import FoldersAhead
from advocacy.kept_results import PageKeys, RecordResults
from advocacy.last_build import (InputScan, LastBuild, LastBuildRecord, copied_inputs, known_keys, settled_keys,
                                 summarize, unchanged_copies)
from advocacy.minify import published_assets
from advocacy.page_store import PageStore
from advocacy.pages import Page, plan_pages
from advocacy.parallel import render_pages
from advocacy.paths import NOT_PUBLISHED, OUTSIDE_ROOT, Stat, files_under, relative, unpublished
from advocacy.render import Renderer, Theme, builtin_theme_dir, markdown_settings
from advocacy.resident import Resident
from advocacy.search import Indexing, SearchUnavailable, search_documents
from advocacy.site import Site, build_site
from advocacy.template_reads import reads_beyond_builtin
from advocacy.url_record import UrlRecord, check_published, gone_pages, read_record, record_published
from advocacy.write import Linked, OutputWriter


def load_site(root: Path, *, drafts: bool = False, base_url: str | None = None,
              build_date: dt.date | None = None, cache: BuildCache | None = None) -> tuple[Site | None, Problems]:
    """Read and check everything; the Site is None when there were errors."""
    site, problems, _, _ = load_with_keys(root, drafts, base_url, build_date, cache)
    return site, problems


def load_with_keys(root: Path, drafts: bool, base_url: str | None, build_date: dt.date | None,
                   cache: BuildCache | None, known: dict[str, str] | None = None
                   ) -> tuple[Site | None, Problems, dict[str, str], dict[str, str]]:
    """load_site, and the hash of every content file's bytes, and of all of it but its body (for
    page fingerprints, with a cache); the files `known` (to have these keys) are not read again."""
    problems = Problems()
    config = load_config(root, problems, base_url)
    content = load_content(root, problems, cache, known)
    if config is None:
        return None, problems, content.keys, content.fronts
    site = build_site(root, config, content, problems, build_date or build_date_from_env(), drafts)
    return (None if problems.errors else site), problems, content.keys, content.fronts


@dataclass
class Rendered:
    """The output files of a build, and what it knows of its pages."""

    pages: list[Page] = field(default_factory=list)
    files: dict[str, bytes | Path | Linked] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)  # page output -> fingerprint
    rendered: int = 0  # pages rendered, not kept from an earlier build
    urls: UrlRecord = field(default_factory=UrlRecord)  # published-urls.txt as the build read it
    renderer: Renderer | None = None
    fingerprinting: Fingerprints | None = None  # what made `fingerprints`, kept for the preview's first page
    search: Indexing | None = None  # the search index to finish (its files are not in `files`); close it after


def render_site(root: Path, site: Site, problems: Problems, progress: Progress | None = None,
                *, cache: BuildCache | None = None,
                accept_removed: bool = False) -> tuple[list[Page], dict[str, bytes | Path]]:
    """Every output file of the site but its search index: rendered pages, theme assets and
    static files. A URL of published-urls.txt that no page has any more is an error, unless
    `accept_removed`."""
    result = render_output(root, site, problems, progress, cache=cache, accept_removed=accept_removed)
    return result.pages, result.files  # no page store: every page is bytes


def render_output(root: Path, site: Site, problems: Problems, progress: Progress | None = None,
                  *, search: bool = False, cache: BuildCache | None = None, accept_removed: bool = False,
                  keys: dict[str, str] | None = None, fronts: dict[str, str] | None = None,
                  first: FirstPages | None = None) -> Rendered:
    """render_site's files; with the content files' hashes (`keys`, and `fronts` of all
    but their bodies) and a cache, a page an earlier build rendered is linked, not rendered.
    The pages `first` names are rendered before the others, and shown."""
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
    urls = read_record(root)
    result = Rendered(plan(root, site, problems, cache, urls), urls=urls)
    problems.add(*check_published(urls, [page.path for page in result.pages], site, accept=accept_removed))
    result.files.update(published_assets(theme.static_files()))
    static = _static_files(root, problems)
    result.files.update(static)
    store = PageStore(cache) if cache is not None and keys is not None else None
    fingerprints = result.fingerprinting = (_fingerprints(site, theme, static, cache, keys, fronts or keys)
                                            if store is not None else None)
    page_keys = PageKeys(cache, keys) if store is not None else None
    structures: dict[str, str] = {}  # page output -> its fingerprint (of_page), if it has one
    lasting = fingerprints is not None and not fingerprints.whole_site  # what is made from one record lasts
    cards = CardCache(RecordResults(cache, fingerprints, CARD_NAMESPACE, fingerprints.templates.of(CARD_TEMPLATE))
                      if lasting else None)
    facets = RecordResults(cache, fingerprints, FACETS_NAMESPACE) if lasting else None
    renderer = result.renderer = Renderer(site, theme, cache, cards, facets)

    def to_render(pages: list[Page], fingerprint_of: Callable[[Page], str | None] | None) -> list[Page]:
        """The pages an earlier build did not render (the others are linked from the store)."""
        todo = []
        for page in pages:
            if page.output in result.files:
                taken = result.files[page.output]
                problems.error(relative(taken, root) if isinstance(taken, Path) else "static",
                               1, f"this file would replace the page /{page.path}; rename or remove it")
                continue
            fingerprint = fingerprint_of(page) if fingerprint_of is not None else None
            if fingerprint is not None:
                structures[page.output] = fingerprint
                key = page_keys.known(fingerprint)
                kept = store.get(key) if key is not None else None
                if kept is not None:
                    result.fingerprints[page.output] = key
                    result.files[page.output] = kept
                    continue
            todo.append(page)
        return todo

    wanted = first.paths if first is not None else set()
    ahead = to_render([page for page in result.pages if page.path in wanted],
                      fingerprints.of if fingerprints is not None else None)
    _render_into(result, renderer, ahead, store, page_keys, structures, problems)
    if ahead and first is not None and not problems.errors:
        first.show({page.output: _read(result.files[page.output]) for page in ahead if page.output in result.files})
    # Pagefind indexes the shards that changed, when they are few, while the other pages are
    # fingerprinted and rendered (its runs are processes: pages may still render on every core)
    indexing = _search_indexing(site, renderer, problems, fingerprints) if search and not problems.errors else None
    try:
        if indexing is not None:
            indexing.start()
        # (the pages shown first were fingerprinted alone: these are walked only when the site changed)
        known = (dict(zip(map(id, result.pages), fingerprints.of_pages(result.pages, cache)))
                 if fingerprints is not None else None)
        todo = to_render([page for page in result.pages if page.path not in wanted],
                         (lambda page: known[id(page)]) if known is not None else None)
        _render_into(result, renderer, todo, store, page_keys, structures, problems, progress)
        result.rendered = len(ahead) + len(todo)
        _check_share_image(root, site, problems)
    except BaseException:
        if indexing is not None:
            indexing.close()
        raise
    if indexing is not None and problems.errors:
        indexing.close()  # a mistake: the index is not wanted
    else:
        result.search = indexing
    return result


def _render_into(result: Rendered, renderer: Renderer, pages: list[Page], store: PageStore | None,
                 page_keys: PageKeys | None, structures: dict[str, str], problems: Problems,
                 progress: Progress | None = None) -> None:
    """Render `pages` into the result, each with its key (which its render's body reads complete)."""
    fingerprints = [structures.get(page.output) for page in pages]
    done = render_pages(renderer, pages, fingerprints, store, page_keys, problems, progress)
    for page, fingerprint, data in zip(pages, fingerprints, done):
        if data is None:
            continue
        result.files[page.output] = data
        key = page_keys.known(fingerprint) if page_keys is not None and fingerprint is not None else None
        if key is not None:
            result.fingerprints[page.output] = key


def _read(file: bytes | Path | Linked) -> bytes:
    return file if isinstance(file, bytes) else (file.path if isinstance(file, Linked) else file).read_bytes()


def plan(root: Path, site: Site, problems: Problems, cache: BuildCache | None = None,
         urls: UrlRecord | None = None) -> list[Page]:
    """Every page, with those of withheld items that were published before (by the
    site's record of URLs, read here unless given)."""
    pages = plan_pages(site, problems, cache)
    return pages + gone_pages(urls or read_record(root), site, [page.path for page in pages])


def _fingerprints(site: Site, theme: Theme, static: dict[str, Path], cache: BuildCache,
                  keys: dict[str, str], fronts: dict[str, str]) -> Fingerprints:
    """The page fingerprints of this build: see fingerprint.py for what goes in. Of the theme, every
    file but the templates is global; a page adds the templates its own reaches. Every template's ids
    are global too: a body's heading ids avoid them (markdown_settings)."""
    template_dirs = [folder / "templates" for folder in theme.dirs]
    builtin = builtin_theme_dir().resolve()
    # named by whose they are, not by place in the list: a site's first own template must not change them
    theme_files = [(f"{'builtin' if folder.resolve() == builtin else 'own'}/{file.relative_to(folder).as_posix()}",
                    file) for folder, templates in zip(theme.dirs, template_dirs) for file in folder.rglob("*")
                   if file.is_file() and templates not in file.parents]
    own_templates = [d / "templates" for d in theme.dirs if d.resolve() != builtin]
    global_parts = [cache.code, jinja2.__version__, markdown_it.__version__, file_digest(theme_files),
                    static_state(theme.root, site, static, cache), markdown_settings(site, theme.element_ids())]
    return Fingerprints(site, fronts, keys, global_parts, TemplateDigests(template_dirs, cache),
                        whole_site=bool(reads_beyond_builtin(own_templates, builtin / "templates")))


def _search_indexing(site: Site, renderer: Renderer, problems: Problems,
                     fingerprints: Fingerprints | None) -> Indexing | None:
    """The Pagefind bundle to make; without it (a warning) the search page says search is unavailable.
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
        return Indexing(documents, renderer.cache)
    except SearchUnavailable as exc:
        _no_search(problems, exc)
        return None


def _write_with_search_index(output: Path, rendered: Rendered, problems: Problems,
                             folders: FoldersAhead | None, unchanged_copies: dict[str, Stat]) -> dict[str, Stat]:
    """Write the output, the search index with it once made: the pages are written while Pagefind
    indexes (in a thread: making 9,000 folders mostly waits on the disk, Pagefind's runs on the cores)."""
    try:
        writer = OutputWriter(output, folders, unchanged_copies)
        if rendered.search is None:
            writer.add(rendered.files)
        else:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="write-pages") as pool:
                pages_written = pool.submit(writer.add, rendered.files)
                index = _search_index(rendered.search, problems)
                pages_written.result()
            writer.add(index)
        return writer.finish()
    finally:
        if rendered.search is not None:
            rendered.search.close()


def _search_index(indexing: Indexing | None, problems: Problems) -> dict[str, bytes | Linked]:
    """The files of the search index, once made (none when search is unavailable)."""
    if indexing is None:
        return {}
    try:
        return indexing.run()
    except SearchUnavailable as exc:
        _no_search(problems, exc)
        return {}


def _no_search(problems: Problems, reason: SearchUnavailable) -> None:
    problems.warning(CONFIG_FILE, 1, f"{reason}; the site is built without its search index")


def _check_share_image(root: Path, site: Site, problems: Problems) -> None:
    image = site.config.share.image
    if not image:
        return
    not_there = ("was not found" if not (root / "static" / image.lstrip("/")).is_file()
                 else NOT_PUBLISHED if unpublished(image) else None)
    if not_there:
        problems.warning(CONFIG_FILE, site.config.lines.get("share", 1),
                         f"'share.image' file static{image} {not_there}; link previews use the theme's picture")


def build_changed(root: Path, output: Path, last: LastBuildRecord, inputs: InputScan, started: float,
                  *, drafts: bool, base_url: str | None, build_date: dt.date, progress: Progress | None,
                  accept_removed: bool, record: bool, resident: Resident | None = None,
                  first: FirstPages | None = None) -> BuildResult:
    """build()'s work when something changed: load, render what changed, write, record.
    A content file whose stat is the one the last build read is not read again.
    With a `resident`, its cache is used (and saved when it closes)."""
    # The cache and the site last the whole build. They are made with the cycle collector off (it would
    # walk again and again their millions of objects, and find no garbage), then it skips them (forked
    # workers share their memory pages too: a collection would write to them).
    with collector_paused():
        cache = resident.cache() if resident is not None else BuildCache(root)
        previous = last.previous()
        known = known_keys(previous.content_keys, inputs) if previous is not None else None
        site, problems, keys, fronts = load_with_keys(root, drafts, base_url, build_date, cache, known)
        gc.freeze()
    folders = None
    try:
        if resident is not None:
            resident.remember(keys)
        if site is None:
            raise ContentError(problems)
        # after a fresh output, the kept folder's folders are made meanwhile, as the last output had them
        folders = FoldersAhead.start(output, previous.outputs) if previous is not None else None
        rendered = render_output(root, site, problems, progress, search=True, cache=cache,
                                 accept_removed=accept_removed, keys=keys, fronts=fronts, first=first)
        if problems.errors:
            raise ContentError(problems)
        copied = copied_inputs(root, rendered.files)
        written = _write_with_search_index(output, rendered, problems, folders,
                                           unchanged_copies(previous, inputs, copied))
        rendered.files.clear()  # written: the pages and search index leave memory before the cache is pickled
        paths = [page.path for page in rendered.pages]
        wrote_record = record and not drafts and record_published(root, rendered.urls, paths)
        if resident is None:
            cache.save()
        elif rendered.renderer is not None:
            resident.remember_build(site, rendered.renderer, rendered.fingerprinting)
        PageStore(cache).prune()
        summary = summarize(site, rendered.pages)
        last.save(LastBuild(summary, problems, rendered.fingerprints, inputs.trusted(), dict(inputs.racy or {}),
                            content_keys=settled_keys(inputs, keys), copied=copied), wrote_record, written)
        changed = [page.path for page in rendered.pages if previous is None
                   or previous.fingerprints.get(page.output, "") != rendered.fingerprints.get(page.output)]
        return BuildResult(summary, problems, output, time.perf_counter() - started,
                           site=site, pages=rendered.pages, rendered=rendered.rendered, changed=changed)
    except BaseException:
        if folders is not None:
            folders.discard()  # a failed build leaves no kept folder it began
        raise
    finally:
        gc.unfreeze()  # in a preview, what the next build no longer holds is freed


def _static_files(root: Path, problems: Problems) -> dict[str, Path]:
    """The site's static/ folder, copied as it is to the root of the output."""
    static = root / "static"
    files, outside = files_under(static, root)
    for link in outside:
        problems.error(relative(link, root), 1, OUTSIDE_ROOT)
    return {file.relative_to(static).as_posix(): file for file in files}
