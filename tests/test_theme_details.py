"""Details of the built-in theme that a prospect notices: images that do not jump, landmarks."""

LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"></svg>'


def test_logos_and_story_images_carry_their_size(site):
    site.write("static/logos/acme.svg", LOGO_SVG)
    site.write("static/images/team.svg", LOGO_SVG.replace('width="120" height="40"', 'width="800" height="450"'))
    site.write("content/customers/acme.md", "---\nname: Acme\nlogo: /logos/acme.svg\n---\n")
    site.write("content/stories/acme-onboarding.md",
               "---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-01-02\nimage: /images/team.svg\n---\nBody\n")
    assert site.run("build").exit_code == 0
    page = site.page("stories/acme-onboarding/")
    logos = page.select("img.logo")
    assert logos and all((img["width"], img["height"]) == ("120", "40") for img in logos)
    story_image = page.select_one("img.story-image")
    assert (story_image["width"], story_image["height"]) == ("800", "450")


def test_talk_to_a_peer_is_not_an_aside_inside_an_aside(site):
    assert site.run("build").exit_code == 0
    page = site.page("stories/acme-onboarding/")
    assert page.select_one(".cta a.button")["href"].startswith("mailto:refs@example.com")
    assert page.select("aside aside") == []


def test_a_collection_naming_an_item_with_a_broken_reference_gets_no_second_error(site):
    site.write("content/stories/orphan.md", "---\ntitle: T\nsummary: S\ncustomer: nobody\ndate: 2025-01-02\n---\n")
    site.write("content/collections/pack.md", "---\ntitle: Pack\nitems: [stories/orphan]\n---\n")
    result = site.run("check")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert errors == ["content/stories/orphan.md:4: unknown customer 'nobody': add content/customers/nobody.md "
                      "or fix the slug"]
