"""Filters of the list pages and the search index, as built (the browser tests drive them)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import rjsmin

from advocacy import cbor
from tests.conftest import BASE_CONFIG, REPO, SiteFolder

THEME_STATIC = REPO / "themes" / "default" / "static"


def _fragments(output: Path) -> list[dict]:
    """What the search index holds: one record per findable item."""
    records = []
    for file in sorted((output / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(file.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        records.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return records


@pytest.fixture(scope="module")
def peers(tmp_path_factory) -> SiteFolder:
    """A site under a subpath with a draft, a withheld story and items of every kind."""
    folder = SiteFolder(tmp_path_factory.mktemp("search") / "site")
    folder.write("advocacy.yaml", BASE_CONFIG.replace("https://example.com/", "https://example.com/peers/"))
    folder.write("content/customers/acme.md", "---\nname: Acme Logistics\nindustry: Logistics\n"
                 "company_size: \"51-200\"\nregion: Europe\n---\nAcme moves pallets.\n")
    folder.write("content/customers/globex.md", "---\nname: Globex\nindustry: Healthcare\nregion: Asia\n---\n")
    folder.write("content/stories/acme-fast.md", "---\ntitle: Acme ships faster\nsummary: Pallets fly.\n"
                 "customer: acme\ndate: 2025-03-14\nproducts: [Dispatch]\nvalues: [speed]\n"
                 "quote: {text: Narwhals agree.}\nmetrics:\n  - {value: '-85%', label: yak shaving}\n"
                 "---\nZanzibar routes.\n")
    folder.write("content/stories/globex-care.md", "---\ntitle: Globex cares\nsummary: Patients smile.\n"
                 "customer: globex\ndate: 2025-02-14\nproducts: [Dispatch, Beacon]\n---\nBody.\n")
    folder.write("content/stories/acme-draft.md", "---\ntitle: Secret draft\nsummary: Not yet.\ncustomer: acme\n"
                 "date: 2025-01-01\nstatus: draft\n---\nQuokka plans.\n")
    folder.write("content/stories/acme-old.md", "---\ntitle: Withheld story\nsummary: Consent ended.\n"
                 "customer: acme\ndate: 2024-01-01\nconsent_expires: 2024-06-30\n---\nPlatypus facts.\n")
    folder.write("content/testimonials/acme-ana.md", "---\ncustomer: acme\nauthor: Ana\n---\nWombats love it.\n")
    folder.write("content/videos/globex-day.md", "---\ntitle: A day at Globex\nurl: https://vimeo.com/76979871\n"
                 "customer: globex\ndate: 2025-03-01\n---\nTranscript of the ocelot shift.\n")
    result = folder.run("build", "--drafts")
    assert result.exit_code == 0, result.output
    return folder


def test_stories_list_offers_each_facet_as_links_with_counts(peers):
    soup = peers.page("stories/")
    panel = soup.find(attrs={"data-filters": True})
    groups = {g["data-facet"]: g for g in panel.find_all(attrs={"data-facet": True})}
    assert list(groups) == ["industry", "size", "region", "product", "value"]  # no use case in this site
    products = {a["data-value"]: (a["href"], a.find(attrs={"data-count": True}).get_text())
                for a in groups["product"].find_all("a")}
    assert products == {"beacon": ("/peers/products/beacon/", "1"), "dispatch": ("/peers/products/dispatch/", "2")}
    assert panel.find(attrs={"data-status": True})["role"] == "status"
    cards = soup.find(attrs={"data-results": True}).find_all("article", recursive=False)
    assert {c.h3.get_text(strip=True): c.get("data-product") for c in cards} == {
        "Acme ships faster": "dispatch", "Globex cares": "dispatch beacon", "Secret draft": None}
    assert cards[0]["data-industry"] == "logistics" and cards[0]["data-size"] == "51-200"


@pytest.mark.parametrize("path, facet", [("videos/", "industry"), ("testimonials/", "region")])
def test_videos_and_testimonials_lists_have_filters_too(peers, path, facet):
    soup = peers.page(path)
    panel = soup.find(attrs={"data-filters": True})
    assert panel.find(attrs={"data-facet": facet}).find("a", href=True)
    assert all(card.get(f"data-{facet}") for card in soup.find(attrs={"data-results": True}).find_all("article"))


def test_search_index_holds_every_published_item_and_no_draft_or_withheld_one(peers):
    records = _fragments(peers.output)
    urls = sorted(r["meta"]["url"] for r in records)
    assert urls == ["/peers/customers/acme/", "/peers/customers/globex/", "/peers/stories/acme-fast/",
                    "/peers/stories/globex-care/", "/peers/testimonials/#acme-ana", "/peers/videos/globex-day/"]
    text = " ".join(r["content"] for r in records)
    assert "Zanzibar" in text and "ocelot" in text and "Wombats" in text
    assert "Narwhals agree" in text and "-85% yak shaving" in text  # the quote and the numbers too
    assert "Quokka" not in text and "Platypus" not in text  # the draft (built with --drafts) and the withheld
    story = next(r for r in records if r["meta"]["url"] == "/peers/stories/acme-fast/")
    assert story["meta"]["kind"] == "Story" and story["meta"]["customer"] == "Acme Logistics"
    assert story["filters"]["industry"] == ["Logistics"] and story["filters"]["value"] == ["Speed"]


def test_search_bundle_holds_only_what_the_search_page_loads(peers):
    bundle = peers.output / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert not list(bundle.glob("*ui*")) and not (bundle / "playground").exists()
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    for language in entry["languages"].values():
        assert (bundle / f"pagefind.{language['hash']}.pf_meta").is_file()


def test_search_bundle_filters_are_in_a_stable_order(peers):
    bundle = peers.output / "pagefind"
    meta_file = next(bundle.glob("pagefind.*.pf_meta"))
    meta = cbor.decode(gzip.decompress(meta_file.read_bytes())[len(b"pagefind_dcd"):])
    filters = meta[3]
    assert [name for name, _ in filters] == sorted(name for name, _ in filters)
    for _, file_hash in filters:
        name, values = cbor.decode(gzip.decompress((bundle / "filter" / f"{file_hash}.pf_filter").read_bytes())[12:])
        assert [v[0] for v in values] == sorted(v[0] for v in values), name


def test_search_page_works_under_the_subpath_and_says_what_to_do_without_javascript(peers):
    soup = peers.page("search/")
    search = soup.find(attrs={"data-search": True})
    assert search["data-bundle"] == "/peers/pagefind/"
    assert soup.find("form", role="search")["action"] == "/peers/search/"
    fallback = soup.find("noscript")
    assert "needs JavaScript" in fallback.get_text()
    assert {"/peers/stories/", "/peers/testimonials/", "/peers/videos/", "/peers/customers/"} <= {
        a["href"] for a in fallback.find_all("a")}
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")


def test_every_page_has_a_search_box_in_its_header(peers):
    for path in ("", "stories/acme-fast/", "customers/", "404.html"):
        form = peers.page(path).find("header").find("form", role="search")
        assert form["action"] == "/peers/search/" and form["method"] == "get", path
        field = form.find("input", attrs={"name": "q"})
        assert form.find("label", attrs={"for": field["id"]}).get_text(strip=True)


def test_search_page_is_not_in_the_sitemap(peers):
    assert "/search/" not in (peers.output / "sitemap.xml").read_text()


def test_a_site_builds_without_search_where_pagefind_cannot_run(site, monkeypatch):
    import advocacy.search

    def missing():
        raise advocacy.search.SearchUnavailable("the Pagefind binary is missing")

    monkeypatch.setattr(advocacy.search, "pagefind_binary", missing)
    result = site.run("build")
    assert result.exit_code == 0
    assert "Pagefind binary is missing" in result.stderr and "without its search index" in result.stderr
    assert (site.output / "search" / "index.html").is_file()
    assert not (site.output / "pagefind").exists()


def test_an_empty_site_builds_without_a_search_index_or_a_warning(site):
    (site.root / "content/stories/acme-onboarding.md").unlink()
    (site.root / "content/customers/acme.md").unlink()
    result = site.run("build")
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert (site.output / "search" / "index.html").is_file()
    assert not (site.output / "pagefind").exists()


def test_all_of_the_site_javascript_stays_under_15_kb():
    """Every script of the theme, the embeds' included, minified (the budget's
    measure; the files ship readable and gzip takes the rest)."""
    sizes = {file.name: len(rjsmin.jsmin(file.read_text(encoding="utf-8")).encode())
             for file in THEME_STATIC.glob("*.js")}
    assert set(sizes) >= {"site.js", "filters.js", "search.js", "picker.js", "embed.js"}
    assert sum(sizes.values()) < 15 * 1024, sizes


def test_cbor_round_trip():
    value = ["1.5.2", [["en_1", 109], ["en_2", 70000]], -5, "ünï", b"\x00", {"a": [1.5, True, None]}, []]
    assert cbor.decode(cbor.encode(value)) == value
