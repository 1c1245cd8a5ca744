"""Problems found in a site's files, each tied to a file and a line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning at `path:line` (path relative to the site root)."""

    path: str
    line: int
    message: str
    is_warning: bool = False
    pages: tuple[str, ...] = ()  # the pages being made when it arose (a template's mistake)

    def __str__(self) -> str:
        kind = "warning: " if self.is_warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}{self.where}"

    @property
    def where(self) -> str:
        """' (while making /a/ and 3 other pages)', or '' for a problem of no page."""
        if not self.pages:
            return ""
        others = len(set(self.pages)) - 1
        more = f" and {others} other page{'s' * (others != 1)}" if others else ""
        return f" (while making {min(self.pages)}{more})"


@dataclass
class Problems:
    """Collects every problem of a run, so that one run reports them all. The same mistake
    met again (a template's, on each page it makes) is one problem naming its pages."""

    items: list[Problem] = field(default_factory=list)
    _places: dict[tuple, int] = field(default_factory=dict, init=False, repr=False, compare=False)  # -> index in items

    def error(self, path: str, line: int, message: str, page: str | None = None) -> None:
        self.add(Problem(path, max(line, 1), message, pages=(page,) if page else ()))

    def warning(self, path: str, line: int, message: str) -> None:
        self.add(Problem(path, max(line, 1), message, is_warning=True))

    def add(self, *problems: Problem) -> None:
        for problem in problems:
            place = (problem.path, problem.line, problem.message, problem.is_warning)
            index = self._places.get(place)
            if index is None:
                self._places[place] = len(self.items)
                self.items.append(problem)
            else:  # (pages in the order met: sorting each time would make 9,000 pages slow)
                self.items[index] = replace(self.items[index], pages=self.items[index].pages + problem.pages)

    def extend(self, other: Problems) -> None:
        self.add(*other.items)

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self.items if not p.is_warning)

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.is_warning)


class ContentError(Exception):
    """Raised when a site's content has errors; carries every problem found."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems.errors))


class UsageError(Exception):
    """A mistake in how the tool was called (exit 2), not in the content."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix when a choice is close to `word`, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
