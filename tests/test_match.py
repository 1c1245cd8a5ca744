"""advocacy match: the one scoring, its order pinned on a small site, and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from advocacy.pipeline import load_site
from advocacy.errors import UsageError
from advocacy.match import Profile, picker_data, profile_from_options, rank
from tests.conftest import SiteFolder

TODAY = dt.date(2026, 6, 1)


def _customer(name: str, industry: str, size: str, region: str, reference: bool) -> str:
    return (f"---\nname: {name}\nindustry: {industry}\ncompany_size: \"{size}\"\nregion: {region}\n"
            f"reference: {str(reference).lower()}\n---\n{name}.\n")


def _item(kind: str, customer: str, date: str, extra: str = "") -> str:
    head = ("title: A story\nsummary: It went well.\n" if kind == "stories"
            else "title: A video\nurl: https://vimeo.com/76979871\n")
    return f"---\n{head}customer: {customer}\ndate: {date}\n{extra}---\nBody.\n"


@pytest.fixture
def peers(tmp_path) -> SiteFolder:
    """Five customers (one without items); items built so that every weight of the scoring shows in the order."""
    site = SiteFolder(tmp_path / "peers")
    site.write("advocacy.yaml", "title: Peers\nbase_url: https://example.com/sub/\nvalues:\n"
               "  reliability: {title: Reliability}\n  speed: {title: Speed}\n")
    site.write("content/customers/north.md", _customer("North Freight", "Logistics", "201-1000", "Europe", True))
    site.write("content/customers/south.md", _customer("South Haulage", "Logistics", "51-200", "Latin America", False))
    site.write("content/customers/east.md", _customer("East Clinics", "Healthcare", "201-1000", "Europe", True))
    site.write("content/customers/west.md", _customer("West Retail", "Retail", "5000+", "North America", False))
    site.write("content/customers/quiet.md", _customer("Quiet Power", "Energy", "1-50", "Africa", True))  # no items
    site.write("content/stories/north-story.md", _item("stories", "north", "2026-01-10", "products: [Dispatch]\nvalues: [reliability]\n"))
    site.write("content/videos/north-video.md", _item("videos", "north", "2026-02-01", "values: [reliability]\n"))
    site.write("content/stories/south-story.md", _item("stories", "south", "2024-05-01", "products: [Dispatch]\nvalues: [speed]\n"))
    site.write("content/stories/east-story.md", _item("stories", "east", "2025-05-01", "values: [reliability]\n"))
    site.write("content/stories/west-story.md", _item("stories", "west", "2025-05-01", "products: [Ledger]\n"))
    site.write("content/stories/north-draft.md", _item("stories", "north", "2026-03-01", "status: draft\nvalues: [reliability]\n"))
    return site


def _load(folder: SiteFolder):
    site, problems = load_site(folder.root, build_date=TODAY)
    assert site is not None, problems.items
    return site


def _ranked(site, **options) -> list[tuple[str, int]]:
    return [(m.item.slug, m.score) for m in rank(site, profile_from_options(site, **options))]


def test_the_order_for_a_logistics_prospect_in_europe_is_pinned(peers):
    site = _load(peers)
    assert _ranked(site, industry="Logistics", size="201-1000", region="Europe", values=["reliability"]) == [
        ("north-story", 15),  # industry 6, size 3, region 2, value 2, reference 1, recent 1
        ("north-video", 12),  # as much, less 3: North is already listed above
        ("east-story", 8),    # size 3, region 2, value 2, reference 1
        ("south-story", 7),   # industry 6, neighbouring size band 1
    ]  # west-story shares nothing with the prospect; the draft is never listed


def test_each_item_says_why_it_scored(peers):
    site = _load(peers)
    reasons = {m.item.slug: [str(r) for r in m.reasons] for m in rank(
        site, profile_from_options(site, industry="logistics", size="300", region="europe", values=["Reliability"]))}
    assert reasons["north-story"] == ["same industry: Logistics", "same size band: 201-1000", "same region: Europe",
                                      "shows value: Reliability", "has a reference customer", "recent: 2026-01-10"]
    assert reasons["north-video"][-1] == "more from a customer listed above"
    assert reasons["south-story"] == ["same industry: Logistics", "neighbouring size band: 51-200"]


def test_a_product_counts_more_than_a_use_case_or_a_value_and_points_add_up(peers):
    site = _load(peers)
    assert _ranked(site, products=["dispatch"]) == [("north-story", 5), ("south-story", 3)]
    # south: product 3 + value 2; north: product 3 + reference 1 + recent 1. Equal points: the newer first
    assert _ranked(site, products=["Dispatch"], values=["speed"]) == [("north-story", 5), ("south-story", 5)]


def test_on_equal_points_a_story_comes_before_a_video(peers):
    peers.write("content/stories/north-story.md", _item("stories", "north", "2025-01-01", "values: [speed]\n"))
    peers.write("content/stories/east-story.md", _item("stories", "east", "2026-02-01", "values: [speed]\n"))
    site = _load(peers)
    # north-video (2026-02-01, recent, reference) against east-story (same date, same bonuses): the story first
    assert [slug for slug, _ in _ranked(site, region="Europe")][:2] == ["east-story", "north-video"]


def test_without_a_profile_every_item_is_listed_by_its_bonuses(peers):
    site = _load(peers)
    ranked = rank(site, Profile())
    # reference and recent 2, reference 1, then none (the newer first); North's video loses 3
    assert [(m.item.slug, m.score) for m in ranked] == [
        ("north-story", 2), ("east-story", 1), ("west-story", 0), ("south-story", 0), ("north-video", -1)]
    assert rank(site, Profile(), limit=2) == ranked[:2]


@pytest.mark.parametrize("given, band", [("300", "201-1000"), ("1,500", "1001-5000"), ("12000", "5000+"),
                                        ("50", "1-50"), ("51", "51-200"), ("5000+", "5000+"), (" 1-50 ", "1-50")])
def test_a_size_is_a_band_or_a_number_of_employees(peers, given, band):
    assert profile_from_options(_load(peers), size=given).size == band


@pytest.mark.parametrize("options, message", [
    ({"industry": "Logstics"}, ("--industry 'Logstics' is not on this site (did you mean 'Logistics'?); "
                                "known: Energy, Healthcare, Logistics, Retail")),
    ({"region": "Mars"}, "known: Africa, Europe, Latin America, North America"),
    ({"products": ["Dispach"]}, "(did you mean 'Dispatch'?)"),
    ({"values": ["relability"]}, "(did you mean 'reliability'?); known: reliability, speed"),
    ({"size": "0"}, "use one of 1-50, 51-200, 201-1000, 1001-5000, 5000+ or a number of employees"),
    ({"use_cases": ["Anything"]}, "--use-case 'Anything' is not on this site; known: none yet"),
])
def test_unknown_names_are_refused_with_the_known_ones(peers, options, message):
    with pytest.raises(UsageError) as error:
        profile_from_options(_load(peers), **options)
    assert message in str(error.value)


def test_the_picker_holds_the_same_top_three_for_every_profile(peers):
    site = _load(peers)
    data = json.loads(json.dumps(picker_data(site)))  # JSON-able, as a template would embed it
    assert [f["slug"] for f in data["facets"]["industry"]] == ["energy", "healthcare", "logistics", "retail"]
    assert [f["name"] for f in data["facets"]["size"]] == ["1-50", "51-200", "201-1000", "1001-5000", "5000+"]
    top = data["top"]["logistics|201-1000|europe"]
    assert [entry["item"] for entry in top] == ["stories/north-story", "videos/north-video", "stories/south-story"]
    assert top[0]["reasons"][0] == "same industry: Logistics"
    assert data["items"]["videos/north-video"] == {"kind": "video", "slug": "north-video", "title": "A video",
                                                   "customer": "North Freight", "path": "videos/north-video/"}
    for key, entries in data["top"].items():
        industry, size, region = key.split("|")
        profile = profile_from_options(site, industry=industry or None, size=size.replace("-plus", "+") or None,
                                       region=region or None)
        assert [e["item"] for e in entries] == [f"{m.item.kind}/{m.item.slug}" for m in rank(site, profile, 3)]
        assert rank(site, profile, 3) == rank(site, profile)[:3]  # a limit stops early, never changes the order
    assert "||" not in data["top"]  # no profile, no pick
    assert "energy||africa" not in data["top"]  # nothing fits: left out


def test_the_command_prints_the_ranking_and_the_reasons(peers):
    result = peers.run("match", "--industry", "Logistics", "--size", "300", "--region", "Europe",
                       "--value", "reliability", "--limit", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "1. A story  [15 points]"
    assert "https://example.com/sub/stories/north-story/" in lines[1]
    assert lines[2] == ("   why: same industry: Logistics (+6); same size band: 201-1000 (+3); same region: Europe (+2); "
                        "shows value: Reliability (+2); has a reference customer (+1); recent: 2026-01-10 (+1)")
    assert "2. A video  [12 points]" in result.stdout
    assert "3." not in result.stdout


def test_the_command_writes_json_for_scripts(peers):
    result = peers.run("match", "--industry", "Logistics", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["profile"]["industry"] == "Logistics"
    assert data["matches"][0]["slug"] == "north-story"
    assert data["matches"][0]["url"] == "https://example.com/sub/stories/north-story/"
    assert {"reason": "same industry", "detail": "Logistics", "points": 6, "text": "same industry: Logistics"} \
        in data["matches"][0]["reasons"]


def test_the_command_refuses_an_unknown_name_with_exit_2(peers):
    result = peers.run("match", "--industry", "Helthcare")
    assert result.exit_code == 2
    assert "did you mean 'Healthcare'?" in result.stderr and "Traceback" not in result.output
    assert peers.run("match", "--limit", "0").exit_code == 2


def test_one_point_is_one_point(peers):
    result = peers.run("match", "--size", "1-50")  # South Haulage (51-200) is one band away: 1 point
    assert "1. A story  [1 point]" in result.stdout
