"""Search at scale: a generated site of 5,000 items, built and searched.

Measures what docs/search.md reports: the build time the search index adds
(cold, no change, one story edited: with the shards kept by an earlier
build), the size of the index, and the bytes a browser fetches for a first
query (the page itself aside). Run from the repository root:

    .venv/bin/python benchmarks/search_5000.py [--items 5000] [--keep DIR]

It needs the test extra (Playwright) and Debian's chromium for the query
part; without them it reports the build figures only.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import random
import resource
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import advocacy.search
from advocacy.build import build
from advocacy.pipeline import load_site
from advocacy.cache import BuildCache
from advocacy.render import Renderer, Theme
from advocacy.search import Document, build_index, search_documents
from advocacy.write import Linked
from advocacy.search_shards import SHARD_LIST

INDUSTRIES = ["Logistics", "Healthcare", "Retail", "Energy", "Financial Services", "Manufacturing",
              "Food & Beverage", "Education", "Public Sector", "Telecom", "Insurance", "Construction"]
REGIONS = ["Europe", "North America", "Latin America", "Asia Pacific", "Middle East", "Africa"]
SIZES = ["1-50", "51-200", "201-1000", "1001-5000", "5000+"]
PRODUCTS = ["Dispatch", "Beacon", "Ledger", "Relay", "Atlas", "Harbor"]
USE_CASES = ["Route planning", "Cold chain monitoring", "Month-end close", "Audit trail", "Crew dispatch",
             "Demand planning", "Compliance reporting", "Asset monitoring", "Proof of delivery", "Onboarding"]
VALUES = ["reliability", "speed", "security", "support", "sustainability"]
SYLLABLES = ["ka", "lo", "mi", "ren", "sto", "vel", "dor", "qui", "zan", "pe", "tru", "bas", "cor", "fi", "gan",
             "hol", "ja", "mur", "nev", "ox", "pri", "sul", "tam", "ur", "wes", "yor"]


def _vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def _prose(rng: random.Random, words: list[str], count: int) -> str:
    sentences = []
    while count > 0:
        length = rng.randint(8, 20)
        sentences.append(" ".join(rng.choice(words) for _ in range(length)).capitalize() + ".")
        count -= length
    return " ".join(sentences)


def write_site(root: Path, items: int, seed: int = 5000) -> dict[str, int]:
    """A site of `items` stories, testimonials and videos (60/30/10) over items/20 customers."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    values = "\n".join(f"  {v}: {{title: {v.capitalize()}}}" for v in VALUES)
    (root / "content").mkdir(parents=True)
    (root / "advocacy.yaml").write_text(f"title: Benchmark\nbase_url: https://example.com/peers/\nvalues:\n{values}\n")
    customers = max(1, items // 20)
    folders = {kind: root / "content" / kind for kind in ("customers", "stories", "testimonials", "videos")}
    for folder in folders.values():
        folder.mkdir()
    for n in range(customers):
        (folders["customers"] / f"c{n}.md").write_text(
            f"---\nname: Customer {n} {rng.choice(words).capitalize()}\nindustry: {rng.choice(INDUSTRIES)}\n"
            f"company_size: \"{rng.choice(SIZES)}\"\nregion: {rng.choice(REGIONS)}\n---\n{_prose(rng, words, 60)}\n")
    counts = {"stories": int(items * .6), "testimonials": int(items * .3)}
    counts["videos"] = items - counts["stories"] - counts["testimonials"]
    for kind, count in counts.items():
        for n in range(count):
            common = (f"customer: c{rng.randrange(customers)}\nproducts: [{', '.join(rng.sample(PRODUCTS, 2))}]\n"
                      f"use_cases: [{rng.choice(USE_CASES)}]\nvalues: [{', '.join(rng.sample(VALUES, 2))}]\n")
            date = f"20{rng.randint(20, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if kind == "stories":
                head = f"title: {_prose(rng, words, 8)[:-1]}\nsummary: {_prose(rng, words, 20)}\ndate: {date}\n"
                body = "## The challenge\n\n" + _prose(rng, words, 150) + "\n\n## Results\n\n" + _prose(rng, words, 150)
            elif kind == "testimonials":
                head = f"author: Person {n}\nrating: {rng.randint(3, 5)}\n"
                body = _prose(rng, words, 40)
            else:
                head = (f"title: {_prose(rng, words, 6)[:-1]}\nurl: https://vimeo.com/{100000 + n}\ndate: {date}\n"
                        f"duration: \"0{rng.randint(1, 9)}:{rng.randint(10, 59)}\"\n")
                body = _prose(rng, words, 300)
            (folders[kind] / f"{kind[0]}{n}.md").write_text(f"---\n{head}{common}---\n{body}\n")
    return {**counts, "customers": customers}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def first_query(output: Path, query: str) -> dict[str, int] | None:
    """Bytes fetched by /search/?q=QUERY until its first result shows, by kind of file."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return None
    www = output.parent / "www"
    www.mkdir(exist_ok=True)
    (www / "peers").symlink_to(output, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetched: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
            page = browser.new_page()
            page.on("response", lambda r: fetched.__setitem__(r.url, len(r.body())) if r.ok else None)
            started = time.perf_counter()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/peers/search/?q={query}", wait_until="load")
            page.locator("[data-search-results] li").first.wait_for(timeout=30000)
            fetched["_ms"] = round((time.perf_counter() - started) * 1000)
            browser.close()
    finally:
        server.shutdown()
    by_kind: dict[str, int] = {}
    for url, size in fetched.items():
        if url == "_ms":
            continue
        path = url.split("?")[0]
        kind = ("search page, its CSS and JS" if "/pagefind/" not in path
                else "Pagefind's JS and WebAssembly" if path.endswith((".js", ".pagefind"))
                else "filter indexes" if "/filter/" in path
                else "word index" if "/index/" in path
                else "results (fragments)" if "/fragment/" in path
                else "entry and meta files")
        by_kind[kind] = by_kind.get(kind, 0) + size
    by_kind["all from pagefind/"] = sum(v for k, v in by_kind.items() if not k.startswith("search page"))
    by_kind["requests to pagefind/"] = sum(1 for url in fetched if "/pagefind/" in url)
    by_kind["time to first result (ms, local)"] = fetched["_ms"]
    return by_kind


def _timed(work: Callable[[], dict[str, bytes]]) -> tuple[dict[str, bytes], str]:
    """What `work` returns, and its wall time, Pagefind's CPU time and the number of Pagefind runs."""
    real, runs = advocacy.search.start_pagefind, []
    advocacy.search.start_pagefind = lambda documents, *rest: runs.append(len(documents)) or real(documents, *rest)
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    try:
        result = work()
    finally:
        advocacy.search.start_pagefind = real
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return result, (f"{wall:.2f} s ({cpu:.2f} s of CPU in Pagefind), {len(runs)} Pagefind runs "
                    f"of {sum(runs)} documents")


def _kept_builds(root: Path, documents: dict[str, Document]) -> tuple[dict[str, bytes], dict[str, str]]:
    """The index built as `advocacy build` does, with a build cache: cold, unchanged, one story edited."""
    figures = {}
    cache = BuildCache(root)
    first, figures["cold"] = _timed(lambda: build_index(documents, cache))
    cache.save()
    cache = BuildCache(root)
    same, figures["no change"] = _timed(lambda: build_index(documents, cache))
    cache.save()
    story = next(name for name in sorted(documents) if "/stories/" in name)
    edited = {**documents, story: Document.of_text(
        documents[story].make().replace("</body>", "<p>One more sentence.</p></body>"))}
    cache = BuildCache(root)
    _, figures["one story edited"] = _timed(lambda: build_index(edited, cache))
    figures["no change gives the same bundle"] = str(_contents(same) == _contents(first))
    return _contents(first), figures


def _contents(files: dict[str, bytes | Linked]) -> dict[str, bytes]:
    """An index's files as bytes (a kept file, which a build links into the output, read)."""
    return {path: data.path.read_bytes() if isinstance(data, Linked) else data for path, data in files.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="build here and keep the site")
    args = parser.parse_args()
    temp = Path(tempfile.mkdtemp(prefix="advocacy-bench-"))
    root = args.keep or temp / "site"
    try:
        counts = write_site(root, args.items)
        print(f"site: {counts}")
        started = time.perf_counter()
        result = build(root, root / "output")
        print(f"pages: {len(result.pages)}, whole build: {time.perf_counter() - started:.1f} s")
        site, _ = load_site(root)
        renderer = Renderer(site, Theme(root, site.config.theme))
        search_documents(site, renderer.url, renderer.body)  # the bodies, which a build renders for its pages
        started = time.perf_counter()
        documents = search_documents(site, renderer.url, renderer.body)
        print(f"search documents: {len(documents)}, written in {time.perf_counter() - started:.2f} s")
        first, figures = _kept_builds(temp, documents)
        for name, figure in figures.items():
            print(f"index, {name}: {figure}")
        built = {path.relative_to(root / "output").as_posix(): path.read_bytes()
                 for path in (root / "output" / "pagefind").rglob("*") if path.is_file()}
        print(f"shards: {len(json.loads(first[f'pagefind/{SHARD_LIST}'])) + 1}; "
              f"the build's bundle and this one, byte-identical: {built == first}")
        files, size = len(first), sum(len(data) for data in first.values())
        fragments = sum(1 for path in first if "/fragment/" in path)
        print(f"index: {files} files, {size / 1e6:.1f} MB ({fragments} fragments, one per result)")
        words = [w for w in documents[next(iter(documents))].make().split() if w.isalpha() and len(w) > 5]
        query = first_query(root / "output", words[0] if words else "the")
        print(f"first query: {query}" if query else "first query: not measured (no Playwright or chromium)")
    finally:
        if not args.keep:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
