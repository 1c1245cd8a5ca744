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

MARKDOWN = """\
## Markdown in bodies

Bodies are [CommonMark](https://commonmark.org/) with tables (`| a | b |`,
`:--` / `:-:` / `--:` to align a column), fenced code and smart
punctuation: straight quotes become curly ones, `--` an en dash, `---` an
em dash and `...` an ellipsis. Headings get ids from their text, so
`## The results` can be linked as `#the-results`; a name used twice gets
`_1`. Links to `/...` stay inside the site, links to other sites open
without telling them where the reader came from, an image from another
site becomes a link to it, and a link to anything but a web page or an
email address (`javascript:`, `data:`...) keeps its text and loses its
target. Raw HTML is shown as text unless `markdown.unsafe_html` is on.
No shown word may be longer than 200 characters, in a body or in any text
field: browsers take seconds to wrap such a word, so the build stops at its
line (link addresses, and Chinese, Japanese, Korean or Thai text, are not
counted as words).

Since advocacy follows CommonMark (its renderer is markdown-it-py, about 6x
faster than Python-Markdown was), some text reads differently than it used
to:

- a list right after a line of text, without a blank line between, is a
  list (it used to stay part of the paragraph);
- a sub-list needs only to line up with the text of its item (two spaces
  after `- `, three after `1. `), not four spaces;
- `1)` starts a numbered list like `1.`, and changing the bullet (`-` to
  `*`) starts a new list;
- a blank line between any two items spaces out every item of the list;
- a paragraph indented under a numbered item belongs to that item, and
  the numbering carries on after it;
- a backslash at the end of a line breaks the line (like two spaces);
- `#Hashtag` with no space after the `#` is text, not a heading;
- in a table, write `\\|` for a `|` inside `code`;
- a quote mark before digits such as `'24` stays straight (`'90s` still
  becomes `’90s`): type `’` where you want the curly one;
- with `markdown.unsafe_html`, an HTML block ends at the first blank line:
  what follows is Markdown again, even before the closing tag (it used to
  stay as typed up to the closing tag).
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
    parts = [INTRO, MARKDOWN, "## advocacy.yaml\n", _table(CONFIG_FIELDS) + "\n"]
    for kind in KINDS.values():
        parts += [f"## {kind.folder.capitalize()} (`content/{kind.folder}/*.md`)\n",
                  f"The body is {kind.body}.\n", _table(kind.fields) + "\n"]
    return "\n".join(parts)


if __name__ == "__main__":
    print(content_reference(), end="")
