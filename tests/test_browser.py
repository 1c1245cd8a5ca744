"""The site as a prospect sees it: headless Chromium against a served build."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

VIDEO_STORY = """\
---
title: Acme on video
summary: A story with a video.
customer: acme
date: 2025-03-14
video: https://www.youtube.com/watch?v=aqz-KE-bpKQ
---
Body.
"""


@pytest.fixture
def story_url(site, served):
    """The video story of a small site, built and served on 127.0.0.1."""
    site.write("content/stories/acme-video.md", VIDEO_STORY)
    base = served(site.output)
    # The server needs the folder to exist; build into it, served at its root.
    site.output.mkdir(exist_ok=True)
    result = site.run("build", "--base-url", base)
    assert result.exit_code == 0, result.output
    return base + "stories/acme-video/"


def _record_requests(page) -> list[str]:
    """Every URL the page asks for; requests to other hosts are answered locally, never sent."""
    seen: list[str] = []

    def handle(route):
        seen.append(route.request.url)
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.fulfill(status=204, body="")

    page.route("**/*", handle)
    return seen


def _other_hosts(urls: list[str]) -> set[str]:
    return {urlsplit(u).hostname for u in urls} - {"127.0.0.1"}


def test_video_loads_nothing_from_the_provider_before_the_click(browser, story_url):
    page = browser.new_page()
    requests = _record_requests(page)
    page.goto(story_url)
    page.wait_for_load_state("networkidle")
    assert page.locator("iframe").count() == 0
    assert _other_hosts(requests) == set(), requests

    page.click(".video-facade")
    frame = page.locator(".video iframe")
    frame.wait_for()
    assert urlsplit(frame.get_attribute("src")).hostname == "www.youtube-nocookie.com"
    page.wait_for_timeout(200)
    assert _other_hosts(requests) == {"www.youtube-nocookie.com"}
    page.close()


def test_video_plays_from_the_keyboard(browser, story_url):
    page = browser.new_page()
    _record_requests(page)
    page.goto(story_url)
    page.focus(".video-facade")
    page.keyboard.press("Enter")
    page.locator(".video iframe").wait_for()
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    page.close()


def test_video_without_javascript_is_a_plain_link(browser, story_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _record_requests(page)
    page.goto(story_url)
    link = page.locator(".video-facade")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    context.close()


def test_story_page_has_no_horizontal_scroll_on_a_phone(browser, story_url):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    _record_requests(page)
    page.goto(story_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()
