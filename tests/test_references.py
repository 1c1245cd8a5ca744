"""advocacy references: reference customers, their published stories and videos, consent running out."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from advocacy.pipeline import load_site
from advocacy.references import reference_customers
from tests.conftest import SiteFolder

TODAY = dt.date(2026, 6, 1)


def _story(customer: str, title: str, date: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\nsummary: It went well.\ncustomer: {customer}\ndate: {date}\n{extra}---\nBody.\n"


@pytest.fixture
def refs(tmp_path, monkeypatch) -> SiteFolder:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC).timestamp())))
    site = SiteFolder(tmp_path / "refs")
    site.write("advocacy.yaml", "title: Refs\nbase_url: https://example.com/\n")
    for slug, name, reference in [("alpha", "Alpha Freight", True), ("beta", "Beta Care", True),
                                  ("gamma", "Gamma Bank", True), ("delta", "Delta Shops", False)]:
        site.write(f"content/customers/{slug}.md", f"---\nname: {name}\nindustry: Logistics\n"
                   f"reference: {str(reference).lower()}\n---\n{name}.\n")
    site.write("content/stories/alpha-old.md", _story("alpha", "Alpha's first year", "2024-01-01"))
    site.write("content/stories/alpha-new.md", _story("alpha", "Alpha goes faster", "2025-01-01",
                                                      "consent_expires: 2026-07-11\n"))  # in 40 days
    site.write("content/stories/alpha-gone.md", _story("alpha", "Alpha's pilot", "2023-01-01",
                                                       "consent_expires: 2026-05-01\n"))  # expired: withheld
    site.write("content/stories/alpha-draft.md", _story("alpha", "Alpha next", "2026-01-01", "status: draft\n"))
    site.write("content/videos/beta-video.md", "---\ntitle: Beta on video\nurl: https://vimeo.com/76979871\n"
               "customer: beta\ndate: 2025-01-01\nconsent_expires: 2026-06-11\n---\nTranscript.\n")  # in 10 days
    site.write("content/testimonials/gamma-quote.md", "---\nauthor: Gia\ncustomer: gamma\n"
               "consent_expires: 2026-06-02\n---\nGood.\n")  # testimonials are not listed
    site.write("content/stories/delta-story.md", _story("delta", "Delta's story", "2025-01-01",
                                                        "consent_expires: 2026-06-02\n"))
    return site


def test_reference_customers_only_those_ending_soon_first(refs):
    site, _ = load_site(refs.root, build_date=TODAY)
    listed = reference_customers(site)
    assert [r.customer.slug for r in listed] == ["beta", "alpha", "gamma"]  # beta ends in 10 days; then by name
    assert [r.customer.slug for r in reference_customers(site, within=45)] == ["beta", "alpha", "gamma"]
    assert [r.customer.slug for r in reference_customers(site, within=5)] == ["alpha", "beta", "gamma"]
    alpha = listed[1]
    assert [item.slug for item in alpha.items] == ["alpha-new", "alpha-old"]  # published stories, newest first
    assert alpha.consent_expires == dt.date(2026, 7, 11)
    assert [(item.slug, why) for item, why in alpha.withheld] == [("alpha-gone", "consent expired on 2026-05-01")]


def test_the_json_flags_each_consent_date_within_the_window(refs):
    result = refs.run("references", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["as_of"], data["within_days"]) == ("2026-06-01", 30)
    beta, alpha, gamma = data["references"]
    assert (beta["consent_expires"], beta["days_left"], beta["expiring"]) == ("2026-06-11", 10, True)
    assert beta["items"] == [{"kind": "video", "slug": "beta-video", "title": "Beta on video",
                              "url": "https://example.com/videos/beta-video/", "consent_expires": "2026-06-11",
                              "days_left": 10, "expiring": True}]
    assert (alpha["days_left"], alpha["expiring"]) == (40, False)
    assert [(i["slug"], i["expiring"]) for i in alpha["items"]] == [("alpha-new", False), ("alpha-old", False)]
    assert alpha["withheld"] == [{"kind": "story", "slug": "alpha-gone", "title": "Alpha's pilot",
                                  "why": "consent expired on 2026-05-01"}]
    assert (gamma["items"], gamma["consent_expires"], gamma["expiring"]) == ([], None, False)
    wider = json.loads(refs.run("references", "--within", "40", "--format", "json").stdout)
    assert [r["expiring"] for r in wider["references"]] == [True, True, False]


def test_the_text_lists_and_flags(refs):
    result = refs.run("references")
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("Beta Care") < out.index("Alpha Freight") < out.index("Gamma Bank")
    assert "Delta Shops" not in out and "Alpha next" not in out and "Gia" not in out
    assert "  ! consent ends 2026-06-11 (in 10 days): renew it and update 'consent_expires'" in out
    assert "  story: Alpha goes faster  [consent until 2026-07-11 (in 40 days)]\n    https://example.com/stories/alpha-new/" in out
    assert "  withheld story: Alpha's pilot (consent expired on 2026-05-01)" in out
    assert "Gamma Bank (Logistics)  https://example.com/customers/gamma/\n  nothing published yet" in out
    assert out.rstrip().endswith("3 reference customers; consent ends within 30 days for Beta Care.")


def test_a_site_without_references_says_how_to_add_one(site):
    site.write("content/customers/acme.md", "---\nname: Acme\n---\nAcme.\n")
    result = site.run("references")
    assert result.exit_code == 0
    assert "No reference customers yet: set 'reference: true'" in result.stdout


def test_a_negative_window_is_a_usage_error(refs):
    assert refs.run("references", "--within", "-1").exit_code == 2
