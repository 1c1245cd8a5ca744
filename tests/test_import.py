"""`advocacy import testimonials FILE.csv`: every row checked like a file, nothing half-written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from advocacy.cli import main
from advocacy.content.frontmatter import split

HEADER = "author,role,customer,rating,date,source name,source url,quote\n"
GOOD = (HEADER
        + 'Ana Silva,Head of Operations,acme,5,2025-03-01,G2,https://www.g2.example/r/1,"Fast, and it just works."\n'
        + 'Bob Jones,CFO,Acme Logistics,4,2025-02-01,,,"It saves us ""hours"" every week.\nTruly."\n')


def run_import(site, csv_text: str | bytes, *args: str, name: str = "reviews.csv"):
    path = site.root.parent / name
    path.write_bytes(csv_text.encode("utf-8") if isinstance(csv_text, str) else csv_text)
    result = CliRunner().invoke(main, ["import", "testimonials", str(path), *args, "--site", str(site.root)],
                                catch_exceptions=False)
    return result, str(path)


def imported(site) -> dict[str, dict]:
    folder = site.root / "content/testimonials"
    return {p.name: {**split(p.read_bytes()).data, "body": split(p.read_bytes()).body.strip()}
            for p in sorted(folder.glob("*.md"))} if folder.is_dir() else {}


def test_every_row_becomes_a_draft_testimonial(site):
    result, _ = run_import(site, GOOD)
    assert result.exit_code == 0, result.output
    made = imported(site)
    assert sorted(made) == ["acme-ana-silva.md", "acme-bob-jones.md"]
    ana = made["acme-ana-silva.md"]
    assert ana["author"] == "Ana Silva" and ana["role"] == "Head of Operations" and ana["rating"] == 5
    assert dict(ana["source"]) == {"name": "G2", "url": "https://www.g2.example/r/1"}
    assert ana["status"] == "draft" and ana["body"] == "Fast, and it just works."
    bob = made["acme-bob-jones.md"]
    assert bob["customer"] == "acme"  # named by the customer's name in the file
    assert bob["body"] == 'It saves us "hours" every week.\nTruly.'
    assert "content/testimonials/acme-ana-silva.md  (row 2)" in result.stdout
    assert site.run("check").exit_code == 0
    assert site.run("build").exit_code == 0
    assert site.page("testimonials/").find(id="acme-ana-silva") is None  # drafts stay out


def test_publish_imports_them_published(site):
    result, _ = run_import(site, GOOD, "--publish")
    assert result.exit_code == 0, result.output
    assert site.run("build").exit_code == 0
    wall = site.page("testimonials/")
    quote = wall.find(id="acme-ana-silva")
    assert quote is not None and "Fast, and it just works." in quote.get_text()


def test_one_bad_row_writes_nothing_and_every_error_names_its_row(site):
    bad = (GOOD + "Eve,,acme,five,14/03/2025,,javascript:alert(1),Bad row\n"
           + "Zed,,globex,3,,,,Unknown customer\n"
           + ",,,,,,,\n"  # an empty row is skipped, not an error
           + "Mo,,acme,,,,,\n")
    result, path = run_import(site, bad)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith(path)]
    assert f"{path}:5: column 'rating': 'rating' should be a whole number from 1 to 5 (got 'five')" in errors
    assert any(e.startswith(f"{path}:5: column 'date': 'date' should be a date written YYYY-MM-DD") for e in errors)
    assert any(e.startswith(f"{path}:5: column 'source url':") and "javascript" in e for e in errors)
    assert any(e.startswith(f"{path}:5: column 'source name': 'source.name' is required") for e in errors)
    assert any(e.startswith(f"{path}:6: column 'customer': no customer 'globex'") for e in errors)
    assert f"{path}:8: the row has no quote; fill it in or remove the row" in errors
    assert len(errors) == 6
    assert "nothing was written" in result.stderr
    assert imported(site) == {}


def test_unknown_and_missing_columns_are_errors_of_line_1(site):
    result, path = run_import(site, "author,customer,qoute,stars\nAna,acme,Hi,5\n")
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert f"{path}:1: unknown column 'qoute' (did you mean 'quote'?); the columns are: " \
           "author, role, customer, rating, date, source name, source url, quote" in errors
    assert any(e.startswith(f"{path}:1: unknown column 'stars'") for e in errors)
    assert f"{path}:1: the column 'quote' is missing; every testimonial needs one" in errors
    assert imported(site) == {}


def test_dry_run_shows_and_writes_nothing(site):
    result, _ = run_import(site, GOOD, "--dry-run")
    assert result.exit_code == 0
    assert "would write" in result.stdout and "acme-bob-jones.md  (row 3)" in result.stdout
    assert "Dry run: 2 testimonials to import" in result.stdout
    assert imported(site) == {}


def test_never_overwrites_and_skips_what_was_imported(site):
    site.write("content/testimonials/acme-ana-silva.md", "---\nauthor: Ana Silva\ncustomer: acme\n---\nOlder quote.\n")
    before = (site.root / "content/testimonials/acme-ana-silva.md").read_bytes()
    result, path = run_import(site, GOOD)
    assert result.exit_code == 0, result.output
    assert (site.root / "content/testimonials/acme-ana-silva.md").read_bytes() == before
    assert imported(site)["acme-ana-silva-2.md"]["body"] == "Fast, and it just works."
    again, _ = run_import(site, GOOD)
    assert again.exit_code == 0
    assert f"{path}:2: skipped, already in content/testimonials/acme-ana-silva-2.md" in again.stderr
    assert len(imported(site)) == 3


def test_spreadsheet_exports_semicolons_bom_and_other_spellings(site):
    text = "\ufeffAuthor;Source_Name;Source-URL;CUSTOMER;Quote\r\nAna;Capterra;https://c.example/1;acme;Good\r\n"
    result, _ = run_import(site, text)
    assert result.exit_code == 0, result.output
    made = imported(site)["acme-ana.md"]
    assert made["source"]["name"] == "Capterra" and made["body"] == "Good"


def test_a_file_that_is_not_utf8_or_empty_or_ragged(site):
    latin, path = run_import(site, HEADER.encode() + "José,,acme,,,,,Olá\n".encode("latin-1"))
    assert latin.exit_code == 1 and f"{path}:1: the file is not UTF-8 text" in latin.stderr
    empty, path = run_import(site, "", name="empty.csv")
    assert empty.exit_code == 1 and f"{path}:1: the file is empty" in empty.stderr
    ragged, path = run_import(site, "author,customer,quote\nAna,acme,Good, really good\n", name="r.csv")
    assert ragged.exit_code == 1 and f"{path}:2: this row has 4 cells" in ragged.stderr
    assert imported(site) == {}


def test_a_missing_file_or_site_is_a_usage_error(site, tmp_path):
    result = CliRunner().invoke(main, ["import", "testimonials", str(tmp_path / "no.csv"), "--site", str(site.root)])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    (tmp_path / "x.csv").write_text(GOOD)
    nosite = CliRunner().invoke(main, ["import", "testimonials", str(tmp_path / "x.csv"), "--site", str(tmp_path)])
    assert nosite.exit_code == 2 and "advocacy.yaml" in nosite.stderr
    assert not Path(tmp_path / "content").exists()
