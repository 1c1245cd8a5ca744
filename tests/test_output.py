"""The built site: every page of DESIGN.md's URL table, its content, its links.

Everything is checked by parsing the output (HTML with BeautifulSoup, the feed
and the sitemap with ElementTree), never by looking for a word in the bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import rcssmin
import rjsmin
from bs4 import BeautifulSoup

from tests.conftest import SiteFolder

ROOT_URL = "https://example.com/"
SUB_URL = "https://example.com/peers/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# Attributes that make a browser fetch or navigate to a URL.
URL_ATTRS = ("href", "src", "action", "formaction", "poster", "data", "cite", "background", "xlink:href")
FETCHING = {  # element -> attribute the browser loads on its own, without a click
    "script": "src", "link": "href", "img": "src", "iframe": "src", "frame": "src", "embed": "src",
    "object": "data", "source": "src", "video": "src", "audio": "src", "track": "src", "input": "src",
}

CONFIG = """\
title: Peer Stories
base_url: {base_url}
company: Example Co
description: Hear it from the teams who run on Example.
values:
  reliability: {{title: Reliability, description: It works every day.}}
  speed: {{title: Speed}}
references:
  request_url: {request_url}
"""

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>'

FILES = {
    "content/customers/acme.md": """\
        ---
        name: Acme Logistics
        industry: Logistics
        company_size: "51-200"
        region: Europe
        reference: true
        logo: /logos/acme.svg
        website: https://acme.example/
        aliases: [/clients/acme/]
        ---
        Acme moves pallets across Europe.
        """,
    "content/customers/globex.md": """\
        ---
        name: Globex Health
        industry: Healthcare
        company_size: "1001-5000"
        region: North America
        ---
        Globex runs clinics.
        """,
    "content/stories/acme-onboarding.md": """\
        ---
        title: How Acme cut onboarding
        summary: Onboarding went from weeks to days.
        customer: acme
        date: 2025-03-14
        products: [Dispatch, Fleet View]
        use_cases: [Route planning]
        values: [reliability]
        featured: true
        consent_expires: 2999-12-31
        quote:
          text: We stopped firefighting and started planning.
          author: Ana Silva
          role: Head of Operations
        metrics:
          - {value: "-85%", label: onboarding time}
          - {value: "3x", label: deliveries per driver}
        video: https://www.youtube.com/watch?v=aqz-KE-bpKQ
        people:
          - {name: Ana Silva, role: Head of Operations}
        image: /images/depot.svg
        aliases: [/case-studies/acme/, /old/acme.html]
        ---
        ## The challenge
        It was slow. See [the results](#the-results), [every story](/stories/),
        [Ana's words](/testimonials/#acme-ana) and [the tour](/videos/acme-tour/).

        ![A chart](https://cdn.example.net/chart.png)

        ![The depot](/images/depot.svg)

        ## The results
        Fast. Read [the blog post](https://blog.example.org/post).
        """,
    "content/stories/globex-scale.md": """\
        ---
        title: Globex doubles patient capacity
        summary: Globex handles twice the patients with the same staff.
        customer: globex
        date: 2025-01-10
        products: [Dispatch]
        values: [speed]
        metrics:
          - {value: "2x", label: patients per day}
        ---
        ## Results
        Twice the patients.
        """,
    "content/testimonials/acme-ana.md": """\
        ---
        customer: acme
        author: Ana Silva
        role: Head of Operations
        rating: 5
        source: {name: G2, url: "https://www.g2.com/reviews/1"}
        date: 2025-02-01
        values: [reliability]
        ---
        It just works, every single day.
        """,
    "content/testimonials/globex-bo.md": """\
        ---
        customer: globex
        author: Bo Chen
        rating: 4
        ---
        Our nurses love it.
        """,
    "content/videos/acme-tour.md": """\
        ---
        title: A tour of the Acme depot
        url: https://vimeo.com/76979871
        date: 2025-02-20
        duration: "04:30"
        summary: Acme shows how a day at the depot runs.
        customer: acme
        values: [speed]
        ---
        Transcript: we start at six.
        """,
    "content/collections/logistics-pack.md": """\
        ---
        title: Logistics pack
        items: [stories/acme-onboarding, testimonials/acme-ana, videos/acme-tour]
        ---
        For logistics prospects.
        """,
}


def write_rich_site(folder: SiteFolder, base_url: str = ROOT_URL,
                    request_url: str = "mailto:refs@example.com") -> SiteFolder:
    """A site with every kind of content, two customers (one a reference), a
    collection, values, aliases and static files."""
    folder.write("advocacy.yaml", CONFIG.format(base_url=base_url, request_url=request_url))
    for rel, text in FILES.items():
        folder.write(rel, text)
    folder.write_bytes("static/logos/acme.svg", SVG)
    folder.write_bytes("static/images/depot.svg", SVG)
    folder.write("static/files/price sheet.txt", "prices\n")
    return folder


def build_ok(folder: SiteFolder, *args: str):
    result = folder.run("build", *args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> SiteFolder:
    """The rich site, built at the root of its host."""
    folder = write_rich_site(SiteFolder(tmp_path_factory.mktemp("rich") / "site"))
    build_ok(folder)
    return folder


# ---------------------------------------------------------------- helpers

def html_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if p.is_file())


def parse(file: Path) -> BeautifulSoup:
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def page_url(output: Path, file: Path, base_url: str) -> str:
    rel = file.relative_to(output).as_posix()
    return base_url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def url_values(soup: BeautifulSoup):
    """(element, attribute, URL) for every URL in a page, meta refresh included."""
    for element in soup.find_all(True):
        for attr in URL_ATTRS:
            value = element.get(attr)
            if isinstance(value, str):
                yield element, attr, value
        srcset = element.get("srcset")
        if isinstance(srcset, str):
            for candidate in srcset.split(","):
                if candidate.strip():
                    yield element, "srcset", candidate.split()[0]
        if element.name == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url\s*=\s*(.+)$", element.get("content", ""), re.I)
            if match:
                yield element, "refresh", match.group(1).strip().strip("'\"")


def is_internal(url: str, page: str, base_url: str) -> bool:
    absolute = urljoin(page, url)
    return urlsplit(absolute).scheme in ("http", "https") and \
        urlsplit(absolute).netloc == urlsplit(base_url).netloc


def target_file(output: Path, base_url: str, absolute: str) -> Path | None:
    """The output file an absolute URL on base_url is served from, or None."""
    path = unquote(urlsplit(absolute).path)
    base_path = urlsplit(base_url).path
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path):]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    file = output / rel
    return file if file.is_file() else None


def broken_links(output: Path, base_url: str) -> list[str]:
    """Every internal link or asset of every page that does not resolve."""
    problems: list[str] = []
    soups: dict[Path, BeautifulSoup] = {}
    base_path = urlsplit(base_url).path

    def soup_of(file: Path) -> BeautifulSoup:
        if file not in soups:
            soups[file] = parse(file)
        return soups[file]

    for file in html_files(output):
        page = page_url(output, file, base_url)
        name = file.relative_to(output).as_posix()
        for element, attr, url in url_values(soup_of(file)):
            if url.startswith("mailto:") or not is_internal(url, page, base_url):
                continue
            if not (url.startswith("#") or url.startswith(base_path) or url.startswith(base_url)):
                problems.append(f"{name}: <{element.name} {attr}={url!r}> does not start with {base_path}")
            absolute = urljoin(page, url)
            if not absolute.startswith(base_url):
                problems.append(f"{name}: <{element.name} {attr}={url!r}> leaves {base_url}")
                continue
            target = target_file(output, base_url, absolute)
            if target is None:
                problems.append(f"{name}: <{element.name} {attr}={url!r}> has no file in the output")
                continue
            fragment = unquote(urlsplit(absolute).fragment)
            if fragment and target.suffix == ".html":
                if soup_of(target).find(id=fragment) is None:
                    problems.append(f"{name}: <{element.name} {attr}={url!r}> names no id in "
                                    f"{target.relative_to(output).as_posix()}")
    return problems


def texts(elements) -> list[str]:
    return [" ".join(e.get_text(" ", strip=True).split()) for e in elements]


def main_links(soup: BeautifulSoup) -> set[str]:
    return {a["href"] for a in soup.main.find_all("a", href=True)}


# ---------------------------------------------------------------- pages

URL_TABLE = [
    "", "stories/", "stories/acme-onboarding/", "stories/globex-scale/", "testimonials/",
    "videos/", "videos/acme-tour/", "customers/", "customers/acme/", "customers/globex/",
    "industries/logistics/", "industries/healthcare/", "values/reliability/", "values/speed/",
    "products/dispatch/", "products/fleet-view/", "regions/europe/", "regions/north-america/",
    "collections/logistics-pack/", "feed.xml", "sitemap.xml", "robots.txt", "404.html",
]


@pytest.mark.parametrize("path", URL_TABLE)
def test_every_page_of_the_url_table_is_built(built, path):
    file = built.output / path / "index.html" if path == "" or path.endswith("/") else built.output / path
    assert file.is_file(), f"/{path} was not built"
    assert file.stat().st_size > 0
    if file.suffix == ".html":
        soup = parse(file)
        assert soup.find("h1") is not None and soup.h1.get_text(strip=True), f"/{path} has no h1"
        assert soup.html.get("lang") == "en"
        assert soup.title.get_text(strip=True)


def test_search_page_is_built(built):
    assert (built.output / "search" / "index.html").is_file()


def test_build_summary_counts_the_pages(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    result = build_ok(folder)
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("Built ")
    counts = {noun: int(n) for n, noun in re.findall(r"(\d+) (stor|video|customer|collection|redirect)", summary)}
    assert counts == {"stor": 2, "video": 1, "customer": 2, "collection": 1, "redirect": 3}, summary


def test_story_page_shows_title_customer_metrics_quote_and_terms(built):
    soup = built.page("stories/acme-onboarding/")
    assert soup.h1.get_text(strip=True) == "How Acme cut onboarding"
    assert soup.find("p", class_="lead").get_text(strip=True) == "Onboarding went from weeks to days."
    assert soup.find("time")["datetime"] == "2025-03-14"
    assert soup.title.get_text() == "How Acme cut onboarding · Acme Logistics · Peer Stories"
    assert soup.find("link", rel="canonical")["href"] == "https://example.com/stories/acme-onboarding/"
    assert soup.find("meta", attrs={"name": "description"})["content"] == "Onboarding went from weeks to days."

    customer_links = [a for a in soup.main.find_all("a", href="/customers/acme/")]
    assert "Acme Logistics" in texts(customer_links)

    metrics = soup.find("dl", class_="metrics")
    pairs = [(m.dt.get_text(strip=True), m.dd.get_text(strip=True)) for m in metrics.find_all(class_="metric")]
    assert pairs == [("onboarding time", "-85%"), ("deliveries per driver", "3x")]

    quote = soup.find("figure", class_="pull-quote")
    assert quote.blockquote.get_text(strip=True) == "We stopped firefighting and started planning."
    assert texts([quote.figcaption]) == ["Ana Silva , Head of Operations, Acme Logistics"]

    facts = {}
    for fact in soup.find("dl", class_="facts").find_all(class_="fact"):
        facts[fact.dt.get_text(strip=True)] = {a.get_text(strip=True): a["href"] for a in fact.find_all("a")}
    assert facts["Industry"] == {"Logistics": "/industries/logistics/"}
    assert facts["Company size"] == {"51-200": "/sizes/51-200/"}
    assert facts["Region"] == {"Europe": "/regions/europe/"}
    assert facts["Products"] == {"Dispatch": "/products/dispatch/", "Fleet View": "/products/fleet-view/"}
    assert facts["Use cases"] == {"Route planning": "/use-cases/route-planning/"}
    assert facts["Values"] == {"Reliability": "/values/reliability/"}

    people = soup.find("section", class_="people")
    assert texts(people.find_all("li")) == ["Ana Silva Head of Operations"]
    prose = soup.find("div", class_="prose")
    assert [h.get("id") for h in prose.find_all("h2")] == ["the-challenge", "the-results"]
    related = soup.find("section", attrs={"aria-labelledby": "related"})
    assert "/stories/globex-scale/" in {a["href"] for a in related.find_all("a")}


def test_story_video_is_a_click_to_load_facade(built):
    soup = built.page("stories/acme-onboarding/")
    figure = soup.find("figure", class_="video")
    assert urlsplit(figure["data-embed"]).netloc == "www.youtube-nocookie.com"
    facade = figure.find("a", class_="video-facade")
    assert facade["href"] == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    assert "noopener" in facade["rel"]
    # no frame in the page before a click (the embed panel's preview is an inert <template>)
    assert [frame for frame in soup.find_all("iframe") if not frame.find_parent("template")] == []


def test_video_page(built):
    soup = built.page("videos/acme-tour/")
    assert soup.h1.get_text(strip=True) == "A tour of the Acme depot"
    assert soup.find("p", class_="lead").get_text(strip=True) == "Acme shows how a day at the depot runs."
    assert "04:30" in soup.find("p", class_="byline").get_text()
    figure = soup.find("figure", class_="video")
    assert urlsplit(figure["data-embed"]).netloc == "player.vimeo.com"
    assert figure.find("a", class_="video-facade")["href"] == "https://vimeo.com/76979871"
    assert "/customers/acme/" in main_links(soup)
    assert soup.find(id="transcript").find_next("div", class_="prose").get_text(strip=True) == \
        "Transcript: we start at six."
    listing = built.page("videos/")
    assert "/videos/acme-tour/" in main_links(listing)


def test_testimonials_wall_anchors_each_testimonial(built):
    soup = built.page("testimonials/")
    assert soup.h1.get_text(strip=True) == "Testimonials"
    ana = soup.find(id="acme-ana")
    assert ana is not None and "testimonial" in ana["class"]
    assert ana.blockquote.get_text(strip=True) == "It just works, every single day."
    assert ana.find("a", class_="customer-link")["href"] == "/customers/acme/"
    assert ana.find(class_="visually-hidden").get_text(strip=True) == "Rated 5 out of 5"
    source = ana.find("a", href="https://www.g2.com/reviews/1")
    assert source.get_text(strip=True) == "Published on G2" and "noopener" in source["rel"]
    bo = soup.find(id="globex-bo")
    assert bo.blockquote.get_text(strip=True) == "Our nurses love it."
    assert bo.find("a", class_="customer-link")["href"] == "/customers/globex/"


def test_customer_page_lists_everything_of_that_customer(built):
    soup = built.page("customers/acme/")
    assert soup.h1.find(string=True, recursive=False).strip() == "Acme Logistics"
    assert soup.h1.find(class_="badge").get_text(strip=True) == "Reference customer"
    assert soup.find("div", class_="prose").get_text(strip=True) == "Acme moves pallets across Europe."
    links = main_links(soup)
    assert {"/stories/acme-onboarding/", "/videos/acme-tour/"} <= links
    assert "/stories/globex-scale/" not in links
    assert soup.find(id="customer-testimonials") is not None
    assert soup.find("img", class_="logo")["src"] == "/logos/acme.svg"
    website = soup.main.find("a", href="https://acme.example/")
    assert "noopener" in website["rel"]

    globex = built.page("customers/globex/")
    assert globex.h1.find(class_="badge") is None
    assert "/stories/globex-scale/" in main_links(globex)
    assert "/stories/acme-onboarding/" not in main_links(globex)

    listing = built.page("customers/")
    names = texts(listing.find_all("h2", class_="card-title"))
    assert names == ["Acme Logistics", "Globex Health"]


def test_collection_page_lists_its_items(built):
    soup = built.page("collections/logistics-pack/")
    assert soup.h1.get_text(strip=True) == "Logistics pack"
    assert soup.find("div", class_="prose").get_text(strip=True) == "For logistics prospects."
    links = main_links(soup)
    assert {"/stories/acme-onboarding/", "/videos/acme-tour/"} <= links
    assert "/stories/globex-scale/" not in links
    quotes = texts(soup.find_all("blockquote", class_="testimonial-quote"))
    assert quotes == ["It just works, every single day."]
    listing = built.page("collections/")
    assert "/collections/logistics-pack/" in main_links(listing)


def test_taxonomy_pages_list_their_members(built):
    reliability = built.page("values/reliability/")
    assert reliability.h1.get_text(strip=True) == "Reliability"
    assert reliability.find("p", class_="lead").get_text(strip=True) == "It works every day."
    links = main_links(reliability)
    assert "/stories/acme-onboarding/" in links and "/stories/globex-scale/" not in links
    assert texts(reliability.find_all("blockquote")) == ["It just works, every single day."]

    speed = built.page("values/speed/")
    assert {"/stories/globex-scale/", "/videos/acme-tour/"} <= main_links(speed)

    dispatch = built.page("products/dispatch/")
    assert {"/stories/acme-onboarding/", "/stories/globex-scale/"} <= main_links(dispatch)
    fleet = built.page("products/fleet-view/")
    assert "/stories/globex-scale/" not in main_links(fleet)

    industry = built.page("industries/logistics/")
    assert industry.h1.get_text(strip=True) == "Logistics"
    assert {"/stories/acme-onboarding/", "/customers/acme/"} <= main_links(industry)
    assert "/stories/globex-scale/" not in main_links(industry)

    index = built.page("values/")
    assert {"/values/reliability/", "/values/speed/"} <= main_links(index)
    industries = built.page("industries/")
    assert {"/industries/logistics/", "/industries/healthcare/"} <= main_links(industries)


def test_stories_list_and_its_filters(built):
    soup = built.page("stories/")
    cards = soup.find_all("article", class_="story-card")
    assert [c.find("h3").get_text(strip=True) for c in cards] == [
        "How Acme cut onboarding", "Globex doubles patient capacity"]
    assert [c.find(class_="card-metric").get_text(" ", strip=True) for c in cards] == [
        "-85% onboarding time", "2x patients per day"]
    browse = soup.find("nav", class_="browse")
    filters = {a["href"] for a in browse.find_all("a")}
    assert {"/industries/logistics/", "/industries/healthcare/", "/regions/europe/",
            "/products/dispatch/", "/values/reliability/", "/values/speed/", "/sizes/51-200/"} <= filters


def test_home_page(built):
    soup = built.page("")
    assert soup.h1.get_text(strip=True) == "Peer Stories"
    featured = soup.find("section", attrs={"aria-labelledby": "featured"})
    first = featured.find("article", class_="story-card")
    assert first.find("h3").get_text(strip=True) == "How Acme cut onboarding"
    metrics = soup.find("ul", class_="headline-metrics").find_all("li")
    assert [m.strong.get_text(strip=True) for m in metrics] == ["-85%", "2x"]
    values = {a["href"] for a in soup.find("ul", class_="values").find_all("a")}
    assert values == {"/values/reliability/", "/values/speed/"}


# ---------------------------------------------------------------- links

@pytest.mark.parametrize("how", ["root", "subpath in advocacy.yaml", "subpath with --base-url",
                                 "subpath without its last slash"])
def test_every_internal_link_resolves(tmp_path, how):
    base_url = ROOT_URL if how == "root" else SUB_URL
    configured = {"subpath in advocacy.yaml": SUB_URL, "subpath without its last slash": SUB_URL.rstrip("/")}
    folder = write_rich_site(SiteFolder(tmp_path / "site"), base_url=configured.get(how, ROOT_URL))
    build_ok(folder, *(["--base-url", SUB_URL] if how == "subpath with --base-url" else []))
    files = html_files(folder.output)
    assert len(files) > 30
    assert broken_links(folder.output, base_url) == []


def duplicate_ids(output: Path) -> list[str]:
    found = []
    for file in html_files(output):
        ids = [element["id"] for element in parse(file).find_all(id=True)]
        found += [f"{file.relative_to(output).as_posix()}: #{i}" for i in sorted(set(ids)) if ids.count(i) > 1]
    return found


def test_ids_are_unique_in_every_page(built):
    """A fragment link (a rep's #anchor, aria-labelledby) must name one element."""
    assert duplicate_ids(built.output) == []


def test_body_headings_never_take_the_theme_s_ids(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write("content/stories/globex-scale.md", FILES["content/stories/globex-scale.md"].replace(
        "## Results", "## People\n        Nurses.\n\n        ## Related\n        See also."))
    folder.write("content/videos/acme-tour.md", FILES["content/videos/acme-tour.md"].replace(
        "Transcript: we start", "## Transcript\n        We start"))
    folder.write("content/customers/globex.md", FILES["content/customers/globex.md"].replace(
        "Globex runs clinics.", "## Customer stories\n        Globex runs clinics."))
    build_ok(folder)
    assert duplicate_ids(folder.output) == []


def test_crawler_finds_a_broken_link(built, tmp_path):
    """The crawler itself: a page with a dead link and a dead fragment is reported."""
    copy = tmp_path / "out"
    shutil.copytree(built.output, copy)
    page = copy / "stories" / "index.html"
    soup = parse(page)
    soup.main.append(BeautifulSoup('<a href="/stories/nope/">x</a><a href="/testimonials/#nope">y</a>'
                                   '<a href="stories/">z</a>', "html.parser"))
    page.write_text(str(soup), encoding="utf-8")
    problems = broken_links(copy, ROOT_URL)
    assert len(problems) == 4, problems  # the relative one twice: no subpath, no file


def test_every_internal_link_starts_with_the_subpath(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"), base_url=SUB_URL)
    build_ok(folder)
    checked = 0
    for file in html_files(folder.output):
        page = page_url(folder.output, file, SUB_URL)
        for element, attr, url in url_values(parse(file)):
            if url.startswith("#") or url.startswith("mailto:") or not is_internal(url, page, SUB_URL):
                continue
            checked += 1
            assert url.startswith("/peers/") or url.startswith(SUB_URL), \
                f"{file.relative_to(folder.output)}: <{element.name} {attr}={url!r}>"
    assert checked > 100
    story = folder.page("stories/acme-onboarding/")
    assert story.find("a", string="every story")["href"] == "/peers/stories/"
    assert story.find("img", class_="logo")["src"] == "/peers/logos/acme.svg"
    assert story.find("script")["src"].startswith("/peers/assets/site.js")


# ---------------------------------------------------------------- machine files

@pytest.mark.parametrize("base_url", [ROOT_URL, SUB_URL])
def test_feed_is_atom_with_absolute_urls(tmp_path, base_url):
    folder = write_rich_site(SiteFolder(tmp_path / "site"), base_url=base_url)
    build_ok(folder)
    feed = ET.parse(folder.output / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Peer Stories"
    assert feed.findtext(f"{ATOM}updated") == "2025-03-14T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "How Acme cut onboarding", "A tour of the Acme depot", "Globex doubles patient capacity"]
    urls = [link.get("href") for link in feed.iter(f"{ATOM}link")] + [e.text for e in feed.iter(f"{ATOM}id")]
    assert len(urls) == (2 + 3) + (1 + 3)  # feed links and ids, entry links and ids
    for url in urls:
        assert url.startswith(base_url), url
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert target_file(folder.output, base_url, href) is not None, href
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}updated"))
    home = folder.page("")
    alternate = home.find("link", rel="alternate", type="application/atom+xml")
    assert urljoin(base_url, alternate["href"]) == base_url + "feed.xml"


@pytest.mark.parametrize("base_url", [ROOT_URL, SUB_URL])
def test_sitemap_lists_absolute_urls_of_real_pages(tmp_path, base_url):
    folder = write_rich_site(SiteFolder(tmp_path / "site"), base_url=base_url)
    build_ok(folder)
    urlset = ET.parse(folder.output / "sitemap.xml").getroot()
    assert urlset.tag == f"{SITEMAP}urlset"
    locs = [url.findtext(f"{SITEMAP}loc") for url in urlset.findall(f"{SITEMAP}url")]
    assert len(locs) == len(set(locs))
    for loc in locs:
        assert loc.startswith(base_url), loc
        assert target_file(folder.output, base_url, loc) is not None, loc
    assert {base_url, base_url + "stories/acme-onboarding/", base_url + "videos/acme-tour/",
            base_url + "customers/globex/", base_url + "collections/logistics-pack/",
            base_url + "values/reliability/"} <= set(locs)
    for left_out in ("case-studies/acme/", "old/acme.html", "404.html", "feed.xml", "clients/acme/"):
        assert base_url + left_out not in locs
    lastmod = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in urlset}
    assert lastmod[base_url + "stories/acme-onboarding/"] == "2025-03-14"


@pytest.mark.parametrize("base_url", [ROOT_URL, SUB_URL])
def test_robots_txt_names_the_sitemap(tmp_path, base_url):
    folder = write_rich_site(SiteFolder(tmp_path / "site"), base_url=base_url)
    build_ok(folder)
    lines = (folder.output / "robots.txt").read_text(encoding="utf-8").splitlines()
    sitemaps = [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("sitemap:")]
    assert sitemaps == [base_url + "sitemap.xml"]
    assert any(line.lower().startswith("user-agent:") for line in lines)


@pytest.mark.parametrize("base_url", [ROOT_URL, SUB_URL])
def test_404_page_works_from_any_depth(tmp_path, base_url):
    folder = write_rich_site(SiteFolder(tmp_path / "site"), base_url=base_url)
    build_ok(folder)
    soup = folder.page("404.html")
    assert soup.h1.get_text(strip=True) == "We could not find that page"
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    base_path = urlsplit(base_url).path
    links = [url for _, _, url in url_values(soup) if not url.startswith("#")]
    assert base_path + "stories/" in links and base_path in links
    for url in links:  # served for any missing URL: no link may be relative to where it is
        assert url.startswith(base_path) or url.startswith("https://"), url


@pytest.mark.parametrize("base_url", [ROOT_URL, SUB_URL])
@pytest.mark.parametrize("alias, target", [
    ("case-studies/acme/index.html", "stories/acme-onboarding/"),
    ("old/acme.html", "stories/acme-onboarding/"),
    ("clients/acme/index.html", "customers/acme/"),
])
def test_alias_is_a_redirect_page(tmp_path, base_url, alias, target):
    folder = write_rich_site(SiteFolder(tmp_path / "site"), base_url=base_url)
    build_ok(folder)
    soup = parse(folder.output / alias)
    base_path = urlsplit(base_url).path
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
    delay, _, where = refresh["content"].partition(";")
    assert delay.strip() == "0"
    assert re.sub(r"^\s*url\s*=\s*", "", where, flags=re.I) == base_path + target
    assert soup.find("link", rel="canonical")["href"] == base_url + target
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup.body.find("a")["href"] == base_path + target
    path, _, fragment = target.partition("#")
    assert (folder.output / path / "index.html").is_file()
    if fragment:
        assert folder.page(path).find(id=fragment) is not None


def test_testimonial_alias_redirects_to_its_anchor(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write("content/testimonials/acme-ana.md",
                 FILES["content/testimonials/acme-ana.md"].replace("values: [reliability]",
                                                                  "values: [reliability]\n        aliases: [/reviews/ana/]"))
    build_ok(folder)
    soup = folder.page("reviews/ana/")
    assert soup.find("link", rel="canonical")["href"] == "https://example.com/testimonials/#acme-ana"
    assert soup.body.find("a")["href"] == "/testimonials/#acme-ana"
    assert broken_links(folder.output, ROOT_URL) == []


# ---------------------------------------------------------------- talk to a peer

def _request_links(soup: BeautifulSoup, start: str) -> list[str]:
    """Links to ask for a peer: the share box's mailto (to anyone) is not one."""
    return [a["href"] for a in soup.find_all("a", href=True)
            if a["href"].startswith(start) and not a.find_parent(attrs={"data-share": True})]


def test_reference_customer_story_has_a_mailto_request(built):
    links = _request_links(built.page("stories/acme-onboarding/"), "mailto:")
    assert len(links) == 1
    parts = urlsplit(links[0])
    assert parts.path == "refs@example.com"
    query = parse_qs(parts.query)
    assert "Acme Logistics" in query["subject"][0]
    assert "How Acme cut onboarding" in query["subject"][0]
    assert "https://example.com/stories/acme-onboarding/" in query["body"][0]
    cta = built.page("stories/acme-onboarding/").find(class_="cta")
    assert cta.h2.get_text(strip=True) == "Talk to Acme Logistics"

    for path in ("customers/acme/", "videos/acme-tour/"):
        links = _request_links(built.page(path), "mailto:")
        assert len(links) == 1, path
        assert "Acme Logistics" in parse_qs(urlsplit(links[0]).query)["subject"][0]

    home = built.page("")
    talk = home.find(id="talk")
    assert texts(talk.find_all("a")) == ["Talk to Acme Logistics"]


def test_no_request_link_for_a_customer_who_is_no_reference(built):
    for path in ("stories/globex-scale/", "customers/globex/"):
        soup = built.page(path)
        assert _request_links(soup, "mailto:") == [], path
        assert soup.find(class_="cta") is None, path
    home = built.page("")
    assert "Globex Health" not in " ".join(texts(home.find(id="talk").find_all("a")))


def test_request_through_an_https_form_carries_the_customer_and_story(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"),
                             request_url="https://forms.example.com/peer?src=site")
    build_ok(folder)
    links = _request_links(folder.page("stories/acme-onboarding/"), "https://forms.example.com/")
    assert len(links) == 1
    query = parse_qs(urlsplit(links[0]).query)
    assert query == {"src": ["site"], "customer": ["acme"], "story": ["acme-onboarding"]}
    video = _request_links(folder.page("videos/acme-tour/"), "https://forms.example.com/")
    assert parse_qs(urlsplit(video[0]).query)["video"] == ["acme-tour"]
    assert _request_links(folder.page("stories/globex-scale/"), "https://forms.example.com/") == []


def test_no_talk_to_a_peer_without_a_request_url(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write("advocacy.yaml", "title: Peer Stories\nbase_url: https://example.com/\n"
                 "values:\n  reliability: {title: Reliability}\n  speed: {title: Speed}\n")
    build_ok(folder)
    story = folder.page("stories/acme-onboarding/")
    assert story.find(class_="cta") is None
    assert folder.page("").find(id="talk") is None


# ---------------------------------------------------------------- privacy

def test_no_page_asks_another_host_for_anything(built):
    checked = 0
    for file in html_files(built.output):
        soup = parse(file)
        page = page_url(built.output, file, ROOT_URL)
        name = file.relative_to(built.output).as_posix()
        for tag in ("iframe", "frame", "embed", "object", "video", "audio"):
            # the embed panel's preview waits, inert, in a <template> until opened, and is of this site
            live = [element for element in soup.find_all(tag) if not element.find_parent("template")]
            assert live == [], f"{name} has an <{tag}>"
        for frame in soup.select("template iframe"):
            assert is_internal(frame["src"], page, ROOT_URL), f"{name}: {frame}"
        for tag, attr in FETCHING.items():
            for element in soup.find_all(tag):
                url = element.get(attr)
                if tag == "link" and (element.get("rel") == ["canonical"] or element.get("rel") == ["alternate"]):
                    continue  # not fetched by a browser
                if url is None:
                    continue
                checked += 1
                assert is_internal(url, page, ROOT_URL), f"{name}: <{tag} {attr}={url!r}>"
        for script in soup.find_all("script"):
            assert script.get("src", "").startswith("/assets/") or script.get("type") == "application/ld+json", \
                f"{name}: {script}"
        for element in soup.find_all(style=True):
            assert "url(" not in element["style"], f"{name}: {element}"
    assert checked > 100
    # an image from another host became a plain link
    story = built.page("stories/acme-onboarding/")
    chart = story.find("a", href="https://cdn.example.net/chart.png")
    assert chart is not None and chart.get_text(strip=True) == "A chart"
    assert story.find("img", src="https://cdn.example.net/chart.png") is None
    assert story.find("div", class_="prose").find("img")["src"] == "/images/depot.svg"


def test_theme_stylesheet_loads_nothing_from_another_host(built):
    css = (built.output / "assets" / "site.css").read_text(encoding="utf-8")
    for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css) + re.findall(r"@import\s+['\"]([^'\"]+)", css):
        assert not re.match(r"^(https?:)?//", url.strip()), url


# ---------------------------------------------------------------- determinism

def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    first = write_rich_site(SiteFolder(tmp_path / "one" / "site"))
    second = write_rich_site(SiteFolder(tmp_path / "two" / "elsewhere"))
    build_ok(first)
    build_ok(second)
    snapshot = first.snapshot()
    assert len(snapshot) > 35
    assert snapshot == second.snapshot()
    build_ok(first)  # and a rebuild in place
    assert first.snapshot() == snapshot


def test_builds_in_two_processes_are_byte_identical(tmp_path):
    """Separate processes with different hash seeds: no set or dict order leaks into the output."""
    snapshots = []
    for seed in ("1", "2"):
        folder = write_rich_site(SiteFolder(tmp_path / seed / "site"))
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "advocacy", "build", "--site", str(folder.root)],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        snapshots.append(folder.snapshot())
    assert snapshots[0] == snapshots[1]


def test_check_reports_a_body_link_to_no_page(site):
    site.write("content/stories/acme-onboarding.md", """\
        ---
        title: T
        summary: S
        customer: acme
        date: 2025-03-14
        ---
        See [the other story](/stories/no-such-story/) and ![a chart](/images/missing.png).
        """)
    result = site.run("check")
    problems = [line for line in result.stderr.splitlines()
                if line.startswith("content/stories/acme-onboarding.md:")]
    assert any("no-such-story" in line for line in problems), result.output
    assert any("missing.png" in line for line in problems), result.output


# ---------------------------------------------------------------- theme and static files

def test_site_theme_overrides_one_template_only(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write("themes/default/templates/404.html", """\
        {% extends "base.html" %}
        {% block content %}<h1 id="lost">Lost, {{ config.company }}?</h1>{% endblock %}
        """)
    build_ok(folder)
    soup = folder.page("404.html")
    assert soup.h1.get_text(strip=True) == "Lost, Example Co?"
    assert soup.find("header", class_="site-header") is not None  # base.html still built in
    story = folder.page("stories/acme-onboarding/")
    assert story.h1.get_text(strip=True) == "How Acme cut onboarding"
    assert story.find("dl", class_="metrics") is not None
    assert (folder.output / "assets" / "site.css").read_bytes() == \
        rcssmin.cssmin((Path(__file__).resolve().parent.parent / "themes/default/static/site.css").read_bytes())


def test_named_theme_overrides_one_static_file_and_one_template(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write("advocacy.yaml", (folder.root / "advocacy.yaml").read_text() + "theme: brand\n")
    folder.write("themes/brand/static/site.css", "body { color: rebeccapurple; }\n")
    folder.write("themes/brand/templates/robots.txt", "User-agent: *\nDisallow: /\n")
    build_ok(folder)
    assert (folder.output / "assets" / "site.css").read_text() == "body{color:rebeccapurple}"  # published minified
    assert (folder.output / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    builtin = Path(__file__).resolve().parent.parent / "themes/default/static"
    assert (folder.output / "assets" / "site.js").read_bytes() == rjsmin.jsmin((builtin / "site.js").read_bytes())
    assert folder.page("").h1.get_text(strip=True) == "Peer Stories"
    assert broken_links(folder.output, ROOT_URL) == []


def test_missing_named_theme_is_an_error(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write("advocacy.yaml", (folder.root / "advocacy.yaml").read_text() + "theme: brand\n")
    result = folder.run("build")
    assert result.exit_code == 1
    assert "advocacy.yaml:" in result.stderr and "brand" in result.stderr
    assert not folder.output.exists()


def test_site_static_files_are_copied_as_they_are(built):
    assert (built.output / "logos" / "acme.svg").read_bytes() == SVG
    assert (built.output / "images" / "depot.svg").read_bytes() == SVG
    assert (built.output / "files" / "price sheet.txt").read_text() == "prices\n"


@pytest.mark.parametrize("static", ["stories/index.html", "feed.xml", "stories/acme-onboarding/index.html",
                                    "case-studies/acme/index.html"])
def test_static_file_colliding_with_a_page_is_an_error(tmp_path, static):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write(f"static/{static}", "mine\n")
    result = folder.run("build")
    assert result.exit_code == 1, result.output
    assert f"static/{static}:" in result.stderr
    assert not folder.output.exists()
