"""What a page tells search engines and link previews: titles, descriptions,
canonical URLs, Open Graph and Twitter tags, and JSON-LD that content cannot break."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from tests.conftest import BASE_CONFIG, SiteFolder

PNG_1x1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000258000001f40806000000")  # 600x500 header
HOSTILE = '</script><script>alert(1)</script><!-- \u2028 & "q"'

CUSTOMERS = {
    "acme": "---\nname: Acme Logistics\nindustry: Logistics\ncompany_size: \"51-200\"\nregion: Europe\n"
            "logo: /logos/acme.png\nwebsite: https://acme.example/\nreference: true\n---\nAcme moves things.\n",
    "globex": "---\nname: Globex Health\nindustry: Healthcare\ncompany_size: \"5000+\"\nregion: North America\n"
              "logo: /logos/globex.svg\n---\nGlobex heals people.\n",
}
STORIES = {
    "acme-onboarding": "---\ntitle: How Acme cut onboarding\nsummary: Onboarding went from weeks to days.\n"
                       "customer: acme\ndate: 2025-03-14\nimage: /images/team.png\nimage_alt: The Acme team\n"
                       "products: [Dispatch]\nvalues: [speed]\n---\n## The challenge\nIt was slow.\n",
    "acme-logo": "---\ntitle: Acme again\nsummary: A second story, without an image.\ncustomer: acme\n"
                 "date: 2025-02-01\n---\nBody.\n",
    "globex-hostile": f"---\ntitle: 'Globex {HOSTILE}'\nsummary: 'Summary {HOSTILE}'\ncustomer: globex\n"
                      "date: 2025-01-01\n---\nBody.\n",
}


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> SiteFolder:
    folder = SiteFolder(tmp_path_factory.mktemp("meta") / "site")
    folder.write("advocacy.yaml", BASE_CONFIG.replace("base_url: https://example.com/",
                                                      "base_url: https://example.com/peers/\nlanguage: pt-BR"))
    for slug, text in CUSTOMERS.items():
        folder.write(f"content/customers/{slug}.md", text)
    for slug, text in STORIES.items():
        folder.write(f"content/stories/{slug}.md", text)
    folder.write_bytes("static/logos/acme.png", PNG_1x1)
    folder.write_bytes("static/images/team.png", PNG_1x1)
    folder.write("static/logos/globex.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"></svg>')
    folder.write("content/testimonials/acme-ana.md", "---\ncustomer: acme\nauthor: Ana\nrole: COO\nrating: 4\n"
                 "date: 2025-01-05\n---\nIt just works.\n")
    folder.write("content/testimonials/globex-bo.md", "---\ncustomer: globex\nauthor: Bo\n---\nNo rating here.\n")
    folder.write("content/videos/acme-day.md", "---\ntitle: A day at Acme\nurl: https://vimeo.com/76979871\n"
                 "customer: acme\ndate: 2025-03-01\nduration: \"04:30\"\n---\nTranscript words.\n")
    folder.write("content/collections/pack.md", "---\ntitle: Starter pack\nitems: [stories/acme-onboarding]\n---\n"
                 "The best place to start.\n")
    result = folder.run("build")
    assert result.exit_code == 0, result.output
    return folder


def _html_pages(folder: SiteFolder) -> dict[str, BeautifulSoup]:
    pages = {}
    for file in sorted(folder.output.rglob("*.html")):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        path = file.relative_to(folder.output).as_posix()
        # redirect pages aside, and the embeds: made for other sites' iframes, never indexed (test_embed.py)
        if soup.find("meta", attrs={"http-equiv": "refresh"}) is None and not path.startswith("embed/"):
            pages[path] = soup
    return pages


def _json_ld(soup: BeautifulSoup) -> list[dict]:
    return [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]


def _meta(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def test_every_page_has_a_title_and_description_of_its_own(rich):
    pages = {path: soup for path, soup in _html_pages(rich).items()
             if path != "404.html" and not path.startswith("pagefind/")}
    assert len(pages) > 20
    titles = Counter(soup.title.get_text() for soup in pages.values())
    descriptions = Counter(_meta(soup, "description") for soup in pages.values())
    assert [t for t, n in titles.items() if n > 1] == []
    assert [d for d, n in descriptions.items() if n > 1] == []
    assert all(d and d.strip() for d in descriptions)


def test_canonical_and_open_graph_url_are_the_page_itself(rich):
    for path, soup in _html_pages(rich).items():
        if path == "404.html":
            continue
        expected = "https://example.com/peers/" + path.removesuffix("index.html")
        assert soup.find("link", rel="canonical")["href"] == expected, path
        assert _meta(soup, "og:url") == expected, path
        assert _meta(soup, "og:title") == soup.title.get_text(), path
        assert soup.html["lang"] == "pt-BR"
        assert _meta(soup, "og:locale") == "pt_BR"


def test_share_image_is_the_story_image_else_the_logo_else_the_site_default(rich):
    story = rich.page("stories/acme-onboarding/")
    assert _meta(story, "og:image") == "https://example.com/peers/images/team.png"
    assert (_meta(story, "og:image:width"), _meta(story, "og:image:height")) == ("600", "500")
    assert _meta(story, "og:image:alt") == "The Acme team"
    assert _meta(story, "twitter:card") == "summary_large_image"
    assert _meta(story, "og:type") == "article"

    logo_only = rich.page("stories/acme-logo/")
    assert _meta(logo_only, "og:image") == "https://example.com/peers/logos/acme.png"
    assert _meta(logo_only, "twitter:card") == "summary"  # a logo makes a small card

    # Globex's logo is an SVG, which no link preview shows: the site's default picture
    svg_logo = rich.page("stories/globex-hostile/")
    default = _meta(svg_logo, "og:image")
    assert default.startswith("https://example.com/peers/assets/share.")
    assert (rich.output / default.removeprefix("https://example.com/peers/")).is_file()
    assert _meta(svg_logo, "og:image:width") == "1200"


def test_a_configured_share_image_is_the_default(tmp_path):
    folder = SiteFolder(tmp_path / "site")
    folder.write("advocacy.yaml", BASE_CONFIG + "share:\n  image: /images/card.png\n")
    folder.write("content/customers/acme.md", "---\nname: Acme\n---\n")
    folder.write_bytes("static/images/card.png", PNG_1x1)
    assert folder.run("build").exit_code == 0
    assert _meta(folder.page(""), "og:image") == "https://example.com/images/card.png"
    folder.write("advocacy.yaml", BASE_CONFIG + "share:\n  image: /images/missing.png\n")
    result = folder.run("build")
    assert result.exit_code == 0
    assert "advocacy.yaml" in result.stderr and "share.image" in result.stderr
    assert _meta(folder.page(""), "og:image").startswith("https://example.com/assets/share.")


def test_json_ld_of_each_kind_of_page(rich):
    home = _json_ld(rich.page(""))
    assert {d["@type"] for d in home} >= {"Organization", "WebSite", "BreadcrumbList"}
    organization = next(d for d in home if d["@type"] == "Organization")
    assert organization["name"] == "Example Co" and organization["url"] == "https://example.com/peers/"

    article = next(d for d in _json_ld(rich.page("stories/acme-onboarding/")) if d["@type"] == "Article")
    assert article["headline"] == "How Acme cut onboarding"
    assert article["datePublished"] == "2025-03-14"
    assert article["image"] == ["https://example.com/peers/images/team.png"]
    assert article["about"]["name"] == "Acme Logistics"

    reviews = [d for d in _json_ld(rich.page("testimonials/")) if d["@type"] == "Review"]
    assert [r["author"]["name"] for r in reviews] == ["Ana"]  # only the rated testimonial
    assert reviews[0]["reviewRating"] == {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1}
    assert reviews[0]["reviewBody"] == "It just works."

    video = next(d for d in _json_ld(rich.page("videos/acme-day/")) if d["@type"] == "VideoObject")
    assert video["duration"] == "PT4M30S"
    assert video["uploadDate"] == "2025-03-01"
    assert video["embedUrl"].startswith("https://player.vimeo.com/video/76979871")
    assert video["thumbnailUrl"] == ["https://example.com/peers/logos/acme.png"]


def test_every_page_has_a_breadcrumb_list_matching_its_trail(rich):
    for path, soup in _html_pages(rich).items():
        if path == "404.html":
            continue
        lists = [d for d in _json_ld(soup) if d["@type"] == "BreadcrumbList"]
        assert len(lists) == 1, path
        items = lists[0]["itemListElement"]
        assert items[0]["item"] == "https://example.com/peers/"
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        nav = soup.find("nav", class_="breadcrumbs")
        if nav is not None:
            assert [i["name"] for i in items] == [li.get_text(strip=True) for li in nav.find_all("li")], path


def test_json_ld_cannot_be_closed_by_content(rich):
    soup = rich.page("stories/globex-hostile/")
    scripts = soup.find_all("script", type="application/ld+json")
    assert scripts
    for script in scripts:
        raw = script.string
        assert "<" not in raw and ">" not in raw and "&" not in raw and "\u2028" not in raw
    article = next(d for d in _json_ld(soup) if d["@type"] == "Article")
    assert article["headline"] == soup.h1.get_text()  # escaped, not altered
    assert "</script><script>alert(1)</script><!--" in article["headline"]
    sources = [s.get("src", "") for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
    assert sources and all(source.startswith("/peers/assets/") for source in sources), sources


def test_json_ld_escapes_what_would_end_a_script_or_a_line():
    from advocacy.seo import json_ld

    text = "a\u2028b\u2029</script><!--&"
    markup = str(json_ld({"x": text}))
    inner = markup.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not set(inner) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(inner) == {"x": text}


def test_body_headings_never_take_an_id_the_theme_uses(site):
    site.write("content/stories/acme-onboarding.md", "---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-03-14\n"
               "---\n## Related\n\n## Site search\n\n## Talk to us\n\n## Filters title\n\n## Results\n")
    assert site.run("build").exit_code == 0
    soup = site.page("stories/acme-onboarding/")
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert [h["id"] for h in soup.find(class_="prose").find_all("h2")] == [
        "related-1", "site-search-1", "talk-to-us-1", "filters-title-1", "results"]


def test_an_unlisted_collection_is_reachable_by_its_link_only(site):
    site.write("content/collections/pack.md", "---\ntitle: Fleet pack\nunlisted: true\n"
               "items: [stories/acme-onboarding]\n---\nFor Jo.\n")
    site.write("content/collections/open.md", "---\ntitle: Open pack\nitems: [stories/acme-onboarding]\n---\n")
    assert site.run("build").exit_code == 0
    pack = site.page("collections/pack/")
    assert pack.h1.get_text(strip=True) == "Fleet pack"
    assert pack.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert site.page("collections/open/").find("meta", attrs={"name": "robots"}) is None
    listed = {a["href"] for a in site.page("collections/").find("main").find_all("a")}
    assert "/collections/open/" in listed and "/collections/pack/" not in listed
    assert "/collections/pack/" not in (site.output / "sitemap.xml").read_text()
