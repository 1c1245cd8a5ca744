"""Related stories: the indexed ranking agrees with scoring every pair of stories."""

import datetime as dt

from advocacy.pipeline import load_site
from benchmarks.sitegen import generate  # the benchmark's site generator, here with a small N


def _score(story, other) -> int:
    return (3 * (bool(story.industry) and other.industry == story.industry) + 2 * len(set(other.products) & set(story.products))
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


def test_bit_plane_ranking_matches_pairwise_scoring_on_sparse_and_dense_features():
    import random
    from types import SimpleNamespace

    from advocacy.related import RelatedIndex

    rng = random.Random(3)
    for vocabulary in (2, 5, 40):  # dense: ties everywhere; sparse: many stories share nothing
        def pick(prefix, most):
            return tuple(sorted({f"{prefix}{rng.randrange(vocabulary)}" for _ in range(rng.randrange(most + 1))}))

        stories = [SimpleNamespace(industry=rng.choice([None, *pick("i", 1)]) if rng.random() < 0.9 else None,
                                   products=pick("p", 3), values=pick("v", 4), use_cases=pick("u", 2),
                                   path=f"content/stories/{number}.md")
                   for number in range(150)]
        index = RelatedIndex(stories)
        for story in stories:
            for limit in (1, 3, 6):
                assert index.related(story, limit) == _brute_force(stories, story, limit)
        stranger = SimpleNamespace(industry="i0", products=("p1",), values=(), use_cases=(),
                                   path="content/stories/stranger.md")  # not among them
        assert index.related(stranger, 3) == sorted(stories, key=lambda other: -_score(stranger, other))[:3]


def test_kept_ranking_is_the_ranking_and_is_made_again_when_a_feature_changes(tmp_path, monkeypatch):
    from advocacy.cache import BuildCache
    from advocacy.related import RelatedIndex

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # this test's own signing key
    generate(tmp_path, stories=60, seed=11)
    site, _ = load_site(tmp_path, build_date=dt.date(2026, 1, 1))
    cache = BuildCache(tmp_path)
    RelatedIndex(site.stories, cache)
    cache.save()

    def ranked_again(stories) -> bool:
        """Whether a build with the saved cache ranks the stories anew (its masks are made to rank)."""
        index = RelatedIndex(stories, BuildCache(tmp_path))
        for story in stories:
            assert index.related(story) == _brute_force(stories, story)
        return index._masks is not None

    assert not ranked_again(site.stories)
    edited = list(site.stories)
    edited[5] = type(edited[5])(**{**vars(edited[5]), "values": ("a-value-no-other-story-has",)})
    assert ranked_again(edited)


def test_an_edited_copy_with_the_same_features_takes_the_kept_ranking(tmp_path, monkeypatch):
    """The preview's first page: a story's copy with new text, whose related stories are those kept."""
    from advocacy.cache import BuildCache
    from advocacy.content.records import with_values
    from advocacy.related import RelatedIndex

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    generate(tmp_path, stories=60, seed=12)
    site, _ = load_site(tmp_path, build_date=dt.date(2026, 1, 1))
    first = BuildCache(tmp_path)
    RelatedIndex(site.stories, first)
    first.save()
    index = RelatedIndex(site.stories, BuildCache(tmp_path))  # the next build's: ranked by the last
    story = site.stories[7]
    retitled = with_values(story, title="A new title", body="New text.")
    assert index.related(retitled) == index.related(story) == _brute_force(site.stories, story)
    assert index._masks is None  # nothing ranked again
    moved = with_values(story, values=("a-value-no-other-story-has",))
    others = [moved if s is story else s for s in site.stories]
    assert index.related(moved) == _brute_force(others, moved)
