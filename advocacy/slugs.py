"""Clean ASCII slugs for taxonomy names: 'Food & Beverage' -> 'food-beverage'."""

from __future__ import annotations

import re
import unicodedata

# Letters that do not decompose into an ASCII letter plus an accent.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe",
                          "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "ð": "d", "ı": "i"})


def slugify(name: str) -> str:
    """Lower-case ASCII words joined by dashes; '' if nothing of `name` is ASCII."""
    text = unicodedata.normalize("NFKD", name.translate(_SPECIAL).replace("+", " plus "))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
