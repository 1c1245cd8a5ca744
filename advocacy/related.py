"""Related stories: the others that share the most with a story.

A story scores 3 points for the same industry, 2 for each shared product and
1 for each shared value or use case; the newest (first listed) win ties.

Scoring every pair of stories is N x N, and on a generated site with a few
industries and products nearly every pair shares something: 4,000 stories
took 14 s. Here each feature keeps the set of its stories as the bits of one
integer, and a story's scores are summed in bit planes (plane i holds bit i
of every story's score), so that one Python operation handles every story at
once. The best stories are then read from the highest score down.

With a build cache, every story's related stories are ranked once and kept
for as long as what the ranking reads (each story's file and features, in
order) stays the same: a build after an edit of a body or a title does not
rank 4,000 stories again.
"""

from __future__ import annotations

from collections.abc import Sequence

from advocacy.cache import BuildCache, content_hash
from advocacy.content.records import Story

LIMIT = 3  # related stories a story page shows
NAMESPACE = "related"
FEATURE_POINTS = {"industry": 3, "products": 2, "values": 1, "use_cases": 1}


def features(story: Story) -> set[tuple[str, str]]:
    found = {("industry", story.industry)} if story.industry else set()
    for name in ("products", "values", "use_cases"):
        found.update((name, value) for value in getattr(story, name))
    return found


def _featured(story: Story) -> tuple:
    """The fields a story's features come from, as they are written."""
    return tuple(getattr(story, name) for name in FEATURE_POINTS)


class RelatedIndex:
    """The related stories of any story, among `stories` (newest first); with a cache,
    those of every story in `stories` are ranked at once and kept."""

    def __init__(self, stories: Sequence[Story], cache: BuildCache | None = None):
        self.stories = stories
        # by file, not by object: a story's edited copy (the preview's first page) is the same story
        self._position = {story.path: position for position, story in enumerate(stories)}
        self._masks: dict[tuple[str, str], int] | None = None  # made when a story is ranked
        self._ranked: list[tuple[int, ...]] | None = None  # every story's LIMIT related, by position
        if cache is not None:
            inputs = repr([(story.path, *_featured(story)) for story in stories])
            self._ranked = cache.get_or_make(NAMESPACE, content_hash(inputs), self._rank_all)

    def _rank_all(self) -> list[tuple[int, ...]]:
        return [tuple(self._rank(story, LIMIT)) for story in self.stories]

    def related(self, story: Story, limit: int = LIMIT) -> list[Story]:
        """Up to `limit` other stories, best first; stories sharing nothing fill the row, newest first."""
        own = self._position.get(story.path)
        # an edited copy with the same features (the preview's first page) has the same related stories
        if self._ranked is not None and limit == LIMIT and own is not None and (
                self.stories[own] is story or _featured(self.stories[own]) == _featured(story)):
            return [self.stories[position] for position in self._ranked[own]]
        return [self.stories[position] for position in self._rank(story, limit)]

    def _member_masks(self) -> dict[tuple[str, str], int]:
        """Each feature's stories, as the bits of one integer (bit = position)."""
        if self._masks is None:
            members: dict[tuple[str, str], bytearray] = {}
            for position, story in enumerate(self.stories):
                for feature in features(story):
                    bits = members.setdefault(feature, bytearray(len(self.stories) // 8 + 1))
                    bits[position >> 3] |= 1 << (position & 7)
            self._masks = {feature: int.from_bytes(bits, "little") for feature, bits in members.items()}
        return self._masks

    def _rank(self, story: Story, limit: int) -> list[int]:
        """The positions of `story`'s related stories."""
        masks = self._member_masks()
        planes: list[int] = []
        sharing = 0  # the stories with a score above 0
        highest = 0
        for feature in features(story):
            mask = masks.get(feature, 0)
            points = FEATURE_POINTS[feature[0]]
            _add(planes, mask, points)
            sharing |= mask
            highest += points
        own = self._position.get(story.path)
        if own is not None:
            sharing &= ~(1 << own)
        chosen: list[int] = []
        for score in range(highest, 0, -1):
            if len(chosen) == limit or not sharing:
                break
            if score.bit_length() > len(planes):
                continue  # no story's score is this high
            equal = sharing
            for bit, plane in enumerate(planes):
                equal &= plane if score >> bit & 1 else ~plane
            sharing &= ~equal
            while equal and len(chosen) < limit:
                lowest = equal & -equal
                chosen.append(lowest.bit_length() - 1)
                equal ^= lowest
        if len(chosen) < limit:  # every story that shares something is chosen: the rest score 0
            taken = set(chosen) | {own}
            chosen += [p for p in range(min(len(self.stories), 2 * limit + 1)) if p not in taken][:limit - len(chosen)]
        return chosen


def _add(planes: list[int], mask: int, points: int) -> None:
    """Add `points` to the score of every story in `mask`, with carries between planes."""
    for bit in range(points.bit_length()):
        if not points >> bit & 1:
            continue
        carry, plane = mask, bit
        while carry:
            if plane >= len(planes):
                planes.extend([0] * (plane + 1 - len(planes)))
            planes[plane], carry = planes[plane] ^ carry, planes[plane] & carry
            plane += 1
