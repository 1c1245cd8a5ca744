"""`advocacy import testimonials FILE.csv`: one testimonial file per row.

Each row becomes the text of a content file, which is validated by the same
loader as every other file (load_file); its errors are told back as the
row's line and column. Nothing is written unless every row is valid, and no
existing file is ever replaced.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from advocacy.content.load import load_content, load_file
from advocacy.content.schema import KINDS
from advocacy.errors import Problems, UsageError, did_you_mean
from advocacy.scaffold import make_slug, match_customer, yaml_value

# Column (as written in the header, case and '_'/'-' aside) -> front-matter key.
COLUMNS = {"author": "author", "role": "role", "customer": "customer", "rating": "rating", "date": "date",
           "source name": "source.name", "source url": "source.url", "quote": "quote"}
REQUIRED = ("author", "customer", "quote")
KIND = KINDS["testimonials"]


@dataclass(frozen=True)
class NewTestimonial:
    line: int  # where its row starts in the CSV file
    path: Path
    text: str


@dataclass
class ImportPlan:
    files: list[NewTestimonial] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row line, file that already has it)
    problems: Problems = field(default_factory=Problems)


def _column(header: str) -> str:
    return " ".join(header.replace("_", " ").replace("-", " ").split()).casefold()


def _read(csv_file: Path, shown: str, problems: Problems) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line, cells)]) of a CSV file saved by a spreadsheet, comma or semicolon separated."""
    try:
        text = csv_file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.error(shown, 1, "the file is not UTF-8 text; in your spreadsheet choose "
                       "'CSV UTF-8' when you save it")
        return [], []
    first = text.split("\n", 1)[0]
    # Spreadsheets in many languages save with ';'; the header line tells which one this file uses.
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        start = 1
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.error(shown, reader.line_num, f"this line cannot be read as CSV ({exc}); "
                       "a quote mark inside a cell must be doubled")
        return [], []
    if not rows:
        problems.error(shown, 1, f"the file is empty; its first line must name the columns: {', '.join(COLUMNS)}")
        return [], []
    return rows[0][1], [(line, cells) for line, cells in rows[1:] if any(c.strip() for c in cells)]


def _check_header(header: list[str], shown: str, problems: Problems) -> list[str] | None:
    columns = [_column(h) for h in header]
    ok = True
    for name, raw in zip(columns, header):
        if name not in COLUMNS:
            problems.error(shown, 1, f"unknown column '{raw}'{did_you_mean(name, COLUMNS)}; "
                           f"the columns are: {', '.join(COLUMNS)}")
            ok = False
        elif columns.count(name) > 1:
            problems.error(shown, 1, f"the column '{raw}' is there twice; keep one")
            ok = False
    for name in REQUIRED:
        if name not in columns:
            problems.error(shown, 1, f"the column '{name}' is missing; every testimonial needs one")
            ok = False
    return columns if ok else None


def _front_matter(values: dict[str, str], status: str) -> tuple[str, dict[int, str]]:
    """A testimonial file's text, and which column each of its lines came from."""
    lines, origin = ["---"], {}
    for column, key in COLUMNS.items():
        value = values.get(column, "")
        if not value or column == "quote" or "." in key:
            continue
        shown = value if key == "rating" and value.isdigit() else yaml_value(value)
        lines.append(f"{key}: {shown}")
        origin[len(lines)] = column
    if values.get("source name") or values.get("source url"):
        lines.append("source:")
        origin[len(lines)] = "source name"
        for column in ("source name", "source url"):
            if values.get(column):
                lines.append(f"  {COLUMNS[column].split('.')[1]}: {yaml_value(values[column])}")
                origin[len(lines)] = column
    lines += [f"status: {status}", "---", values["quote"], ""]
    return "\n".join(lines), origin


def plan_import(root: Path, csv_file: Path, *, shown: str | None = None, status: str = "draft") -> ImportPlan:
    """Read and check every row; `plan.problems` has errors if any row is wrong."""
    shown = shown or str(csv_file)
    plan = ImportPlan()
    header, rows = _read(csv_file, shown, plan.problems)
    columns = _check_header(header, shown, plan.problems) if header else None
    if columns is None:
        return plan
    content = load_content(root, Problems())  # the site's own problems are `check`'s to report
    customers = {c.slug: c for c in content.by_kind["customers"]}
    slugs = set(customers) | {Path(i.path).stem for i in content.invalid if i.kind == "customers"}
    existing = {_key(t.customer, t.author, t.body): t.path for t in content.by_kind["testimonials"]}
    taken = {p.stem for p in (root / "content" / KIND.folder).glob("*.md")}
    for line, cells in rows:
        if len(cells) > len(columns):
            plan.problems.error(shown, line, f"this row has {len(cells)} cells but the header names "
                                f"{len(columns)} columns; put a cell that holds a comma in double quotes")
            continue
        values = {column: " ".join(cell.split()) if column != "quote" else cell.strip()
                  for column, cell in zip(columns, cells)}
        missing = [c for c in REQUIRED if not values.get(c)]
        if missing:
            plan.problems.error(shown, line, f"the row has no {' and no '.join(missing)}; fill it in or remove the row")
            continue
        slug = match_customer(values["customer"], customers, slugs)
        if slug is None:
            plan.problems.error(shown, line, f"column 'customer': no customer '{values['customer']}'"
                                f"{did_you_mean(values['customer'], slugs)}; add it first with  "
                                f"advocacy new customer \"{values['customer']}\"")
            continue
        values["customer"] = slug
        key = _key(slug, values["author"], values["quote"])
        if key in existing:
            plan.skipped.append((line, existing[key]))
            continue
        text, origin = _front_matter(values, status)
        name = _free_name(f"{slug}-{make_slug(values['author'])}".strip("-"), taken)
        row_problems = Problems()
        load_file(text.encode("utf-8"), f"{name}.md", KIND, row_problems)
        for problem in row_problems.errors:
            named = [c for c, key in COLUMNS.items() if f"'{key}'" in problem.message]
            column = named[0] if named else origin.get(problem.line)
            plan.problems.error(shown, line, (f"column '{column}': " if column else "") + problem.message)
        if not row_problems.errors:
            taken.add(name)
            existing[key] = f"row {line}"
            plan.files.append(NewTestimonial(line, root / "content" / KIND.folder / f"{name}.md", text))
    return plan


def write_import(plan: ImportPlan) -> None:
    """Write the planned files; none of them may exist (they are checked again here)."""
    there = [new.path.name for new in plan.files if new.path.exists()]
    if there:  # made since the plan: write nothing rather than half
        raise UsageError(f"{', '.join(there)} appeared in content/testimonials/ meanwhile; run the import again")
    for new in plan.files:
        new.path.parent.mkdir(parents=True, exist_ok=True)
        with new.path.open("x", encoding="utf-8") as file:  # "x": never replace a file made meanwhile
            file.write(new.text)


def _key(customer: str, author: str, quote: str) -> tuple[str, str, str]:
    """What makes two testimonials the same, whatever their spacing."""
    return customer, " ".join(author.split()).casefold(), " ".join(quote.split())


def _free_name(base: str, taken: set[str]) -> str:
    name, number = base[:60].rstrip("-") or "testimonial", 2
    candidate = name
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    return candidate
