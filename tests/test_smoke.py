def test_minimal_site_builds_its_story_page(site):
    result = site.run("build")
    assert result.exit_code == 0, result.output
    page = site.page("stories/acme-onboarding/")
    assert page.h1.get_text(strip=True) == "How Acme cut onboarding"
