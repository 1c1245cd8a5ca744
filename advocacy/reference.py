"""The content reference (docs/content.md), written from the field tables.

The validator and the docs read the same tables, so they cannot drift; a
test checks that the committed file matches this output.
"""

from __future__ import annotations

from advocacy.config import CONFIG_FIELDS
from advocacy.content.fields import Field, ListOf, Object
from advocacy.content.schema import KINDS

INTRO = """\
# Content reference

<!-- Generated from advocacy's field tables by `python -m advocacy.reference > docs/content.md`. -->

Every content file starts with front matter: YAML between two `---` lines.
Unknown keys are errors (with a "did you mean"), dates are `YYYY-MM-DD`,
and the slug of an item is its file name without `.md` (lower-case letters,
digits and dashes), unless `slug:` sets another.
"""


def _rows(fields: dict[str, Field], prefix: str = "") -> list[str]:
    rows = []
    for field in fields.values():
        meaning = field.help or ""
        required = "yes" if field.required else ""
        rows.append(f"| `{prefix}{field.name}` | {required} | {field.type.expects} | {meaning} |")
        nested = field.type.item if isinstance(field.type, ListOf) else field.type
        if isinstance(nested, Object):
            rows += _rows(nested.fields, prefix=f"{prefix}{field.name}{'[]' if nested is not field.type else ''}.")
    return rows


def _table(fields: dict[str, Field]) -> str:
    return "\n".join(["| key | required | value | meaning |", "| --- | --- | --- | --- |", *_rows(fields)])


def content_reference() -> str:
    """The whole reference, as Markdown."""
    parts = [INTRO, "## advocacy.yaml\n", _table(CONFIG_FIELDS) + "\n"]
    for kind in KINDS.values():
        parts += [f"## {kind.folder.capitalize()} (`content/{kind.folder}/*.md`)\n",
                  f"The body is {kind.body}.\n", _table(kind.fields) + "\n"]
    return "\n".join(parts)


if __name__ == "__main__":
    print(content_reference(), end="")
