"""Feedback on a terminal: a progress bar for long builds, and whether to use colour.

Nothing is drawn unless the stream is a terminal, so logs and CI output stay
clean; colour also obeys NO_COLOR (https://no-color.org/).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO


DELAY = 0.5  # seconds of work before a bar is worth showing


def is_terminal(stream: TextIO) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never where NO_COLOR is set to anything."""
    return is_terminal(stream) and not os.environ.get("NO_COLOR")


class ProgressBar:
    """A (done, total) callback that draws one line, once the work has taken
    longer than `delay` seconds: short builds print nothing but their summary."""

    def __init__(self, label: str, stream: TextIO | None = None, *, delay: float | None = None, width: int = 28,
                 clock: Callable[[], float] = time.monotonic):
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = is_terminal(self.stream)
        self.delay = DELAY if delay is None else delay
        self.width = width
        self.clock = clock
        self.started = clock()
        self.last_drawn = -1.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = self.clock()
        # redraw at most ten times a second: drawing must not slow the build down
        if now - self.started < self.delay or (now - self.last_drawn < 0.1 and done < total):
            return
        filled = self.width * done // total
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
        self.stream.flush()
        self.last_drawn = now
        self.drawn = True

    def finish(self) -> None:
        """Clear the line, so that the summary starts at the left margin."""
        if self.drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.drawn = False
