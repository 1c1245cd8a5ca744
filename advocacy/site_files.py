"""The names of a site folder's own files, and where the built-in theme is.

Kept apart from the modules that read those files, so that the check of a
build with nothing to do (last_build.py) imports next to nothing.
"""

from __future__ import annotations

from pathlib import Path

CONFIG_FILE = "advocacy.yaml"
RECORD_FILE = "published-urls.txt"  # every URL the site has published: url_record.py
INPUT_FOLDERS = ("content", "static", "themes")


def builtin_theme_dir() -> Path:
    """The built-in theme: inside the installed package, or at the checkout's root."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "themes" / "default", package.parent / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    raise FileNotFoundError("the built-in theme is missing from this installation of advocacy")
