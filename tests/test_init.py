"""`advocacy init`: a new site that builds at once, and never a lost file."""

from __future__ import annotations

from bs4 import BeautifulSoup
from click.testing import CliRunner

from advocacy.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_init_makes_a_site_that_builds_and_checks_clean(tmp_path):
    target = tmp_path / "my site"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "advocacy.yaml").is_file()
    for folder in ("customers", "stories", "testimonials", "videos"):
        assert len(list((target / "content" / folder).glob("*.md"))) == 1, folder
    assert "advocacy serve" in result.stdout  # tells a new user what to do next

    check = run("check", "--site", str(target))
    assert check.exit_code == 0, check.output
    assert "warning" not in check.stderr  # the sample has no missing logo or expiring consent

    built = run("build", "--site", str(target))
    assert built.exit_code == 0, built.output
    home = BeautifulSoup((target / "output" / "index.html").read_text(encoding="utf-8"), "html.parser")
    story_links = {a["href"] for a in home.find_all("a", href=True) if a["href"].startswith("/stories/")}
    assert "/stories/acme-driver-onboarding/" in story_links
    customer = BeautifulSoup((target / "output/customers/acme/index.html").read_text(encoding="utf-8"),
                             "html.parser")
    assert customer.find("img", src="/logos/acme.svg") is not None


def test_the_new_site_ignores_its_built_folders_in_git(tmp_path):
    run("init", str(tmp_path / "s"))
    lines = (tmp_path / "s" / ".gitignore").read_text().splitlines()
    assert "/output/" in lines and "/.advocacy-*" in lines


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = run("init", str(target))
    assert result.exit_code == 2
    assert "not empty" in result.stderr and "--force" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_init_with_force_keeps_every_file_already_there(tmp_path):
    target = tmp_path / "site"
    (target / "content" / "stories").mkdir(parents=True)
    own_config = "title: Mine\nbase_url: https://mine.example/\n"
    (target / "advocacy.yaml").write_text(own_config)
    (target / "notes.txt").write_text("mine")
    result = run("init", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert (target / "advocacy.yaml").read_text() == own_config
    assert (target / "notes.txt").read_text() == "mine"
    assert "kept advocacy.yaml" in result.stdout
    assert (target / "content/stories/acme-driver-onboarding.md").is_file()


def test_init_accepts_a_fresh_git_clone(tmp_path):
    target = tmp_path / "site"
    (target / ".git").mkdir(parents=True)
    assert run("init", str(target)).exit_code == 0
    assert (target / "advocacy.yaml").is_file()


def test_init_refuses_a_file(tmp_path):
    (tmp_path / "site").write_text("x")
    result = run("init", str(tmp_path / "site"))
    assert result.exit_code == 2 and "is a file" in result.stderr
    assert "Traceback" not in result.output


def test_init_with_a_relative_folder_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("init", "here")
    assert result.exit_code == 0, result.output
    assert "cd here" in result.stdout
    monkeypatch.chdir(tmp_path / "here")
    assert run("build").exit_code == 0
    assert (tmp_path / "here/output/index.html").is_file()
