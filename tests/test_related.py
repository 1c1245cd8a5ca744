"""Related stories: the indexed ranking agrees with scoring every pair of stories."""

import datetime as dt

from advocacy.build import load_site
from benchmarks.sitegen import generate  # the benchmark's site generator, here with a small N


def _score(story, other) -> int:
    return (3 * (other.industry == story.industry) + 2 * len(set(other.products) & set(story.products))
            + len(set(other.values) & set(story.values)) + len(set(other.use_cases) & set(story.use_cases)))


def _brute_force(stories, story, limit=3):
    others = [s for s in stories if s is not story]
    return sorted(others, key=lambda other: -_score(story, other))[:limit]


def test_related_stories_match_pairwise_scoring(tmp_path):
    generate(tmp_path, stories=80, seed=7)
    site, problems = load_site(tmp_path, build_date=dt.date(2026, 1, 1))
    assert site is not None, [str(p) for p in problems.errors]
    for story in site.stories:
        assert [s.slug for s in site.related(story)] == [s.slug for s in _brute_force(site.stories, story)]


def test_a_lone_story_has_no_related_stories_and_two_see_each_other(site):
    site.write("content/stories/second.md", "---\ntitle: Second\nsummary: S\ncustomer: acme\ndate: 2024-01-01\n---\n")
    loaded, _ = load_site(site.root, build_date=dt.date(2026, 1, 1))
    first, second = loaded.stories
    assert loaded.related(first) == [second] and loaded.related(second) == [first]
