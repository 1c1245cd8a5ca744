"""The committed content reference is the one the field tables produce."""

from advocacy.content.schema import KINDS
from advocacy.reference import content_reference
from tests.conftest import REPO


def test_committed_reference_matches_the_field_tables():
    committed = (REPO / "docs" / "content.md").read_text(encoding="utf-8")
    assert committed == content_reference(), "run: python -m advocacy.reference > docs/content.md"


def test_reference_lists_every_field_of_every_kind():
    text = content_reference()
    for kind in KINDS.values():
        section = text.split(f"(`content/{kind.folder}/*.md`)")[1].split("\n## ")[0]
        for name in kind.fields:
            assert f"| `{name}` |" in section, (kind.folder, name)
