"""Theme assets as they are published: stylesheets and scripts minified.

A theme keeps its CSS and JavaScript readable; the site sends them without
comments and spaces, which keeps a story page with its CSS and JavaScript
under the 50 KB budget. rcssmin and rjsmin only strip what a browser ignores
(they rename nothing), so the published file behaves like its source. Files
of the site's static/ folder are never touched: they are copied as they are.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin

_MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


def published_assets(files: dict[str, Path]) -> dict[str, bytes | Path]:
    """Theme files by output path: CSS and JavaScript minified, the rest (images,
    fonts) left as files to copy."""
    published: dict[str, bytes | Path] = {}
    for path, file in files.items():
        minify = _MINIFIERS.get(file.suffix.lower())
        published[path] = minify(file.read_bytes()) if minify else file
    return published
