"""`advocacy init`: a new site folder with a little sample content that builds at once.

The files are plain text here, not copied from the repository, so that a site
can be started anywhere advocacy is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from advocacy.errors import UsageError

CONFIG = """\
# The settings of your customer reference site. Every key is explained in
# advocacy's content reference (docs/content.md).

title: Customer Stories
# Where the site will be published; change it before you publish.
base_url: https://customers.example.com/
company: Example Co
description: Hear it from the teams who run on Example.
language: en

# The company values your stories show; stories name them in `values:`.
values:
  reliability:
    title: Reliability
    description: It works every day, for every customer.
  speed:
    title: Speed
    description: Teams go live in weeks, not quarters.

# Where prospects ask to talk to one of your customers.
references:
  request_url: mailto:references@example.com
"""

CUSTOMER = """\
---
name: Acme Logistics
industry: Logistics
company_size: "51-200"
region: Europe
website: https://www.acme.example/
logo: /logos/acme.svg
reference: true  # Acme agrees to talk to prospects
---
Acme Logistics delivers pallets for retailers from three depots. This is a
sample customer: edit it, or delete it once you have added your own.
"""

STORY = """\
---
title: How Acme cut driver onboarding from three weeks to two days
summary: A 120-person freight company got new drivers on the road in two days.
customer: acme
date: 2025-03-14
products: [Dispatch]
values: [speed]
quote:
  text: We stopped firefighting and started planning the week.
  author: Ana Silva
  role: Head of Operations
metrics:
  - {value: "-85%", label: driver onboarding time}
  - {value: "99%", label: on-time deliveries}
---
## The challenge

New drivers rode along with a colleague for three weeks before they could
take a route alone. In peak season the depots ran out of colleagues.

## The solution

Acme put every stop's opening hours, dock and contact into Dispatch, so that a
new driver's phone tells them what a senior driver used to.

## The results

New drivers now drive alone on their second day. This is a sample story:
edit it, or start your own with `advocacy new story "Your title" --customer acme`.
"""

TESTIMONIAL = """\
---
author: Ana Silva
role: Head of Operations
customer: acme
rating: 5
date: 2025-03-14
values: [reliability]
---
The routes are right before the first truck leaves, every morning.
"""

VIDEO = """\
---
title: A driver's first day at Acme
url: https://www.youtube.com/watch?v=aqz-KE-bpKQ
customer: acme
date: 2025-03-20
duration: "10:34"
summary: A new driver takes her first solo route two days after joining.
---
A sample video: put your own video's YouTube, Vimeo, Wistia or Loom link in
`url:` and its transcript or a summary here.
"""

LOGO = """\
<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160" role="img" aria-label="Acme Logistics">
  <title>Acme Logistics</title>
  <rect width="160" height="160" rx="28" fill="#1d4e89"/>
  <text x="80" y="100" text-anchor="middle" font-family="sans-serif" font-size="56" font-weight="700" fill="#ffffff">A</text>
</svg>
"""

GITIGNORE = """\
# Built by `advocacy build` and `advocacy serve`; never edit or commit these.
/output/
/.advocacy-*
"""

FILES = {
    "advocacy.yaml": CONFIG,
    "content/customers/acme.md": CUSTOMER,
    "content/stories/acme-driver-onboarding.md": STORY,
    "content/testimonials/acme-ana-silva.md": TESTIMONIAL,
    "content/videos/acme-first-day.md": VIDEO,
    "static/logos/acme.svg": LOGO,
    ".gitignore": GITIGNORE,
}
FOLDERS = ("content/collections",)

# A folder that holds only these is still "empty": a fresh `git clone` of an empty repository.
IGNORED_ENTRIES = {".git", ".DS_Store"}


@dataclass
class InitResult:
    root: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already there; left as they were


def init_site(target: Path, *, force: bool = False) -> InitResult:
    """Write a sample site into `target`; with `force`, into a non-empty folder,
    keeping every file that is already there."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file; give the name of a new folder, e.g. advocacy init my-site")
    if target.is_dir() and not force:
        present = sorted(e.name for e in target.iterdir() if e.name not in IGNORED_ENTRIES)
        if present:
            shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
            raise UsageError(f"{target} is not empty ({shown}); choose a new folder, or add --force "
                             "to add the sample site there (files already there are kept)")
    result = InitResult(target.resolve())
    for rel, text in FILES.items():
        path = target / rel
        if path.exists() or path.is_symlink():
            result.kept.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
        result.written.append(rel)
    for rel in FOLDERS:
        (target / rel).mkdir(parents=True, exist_ok=True)
    return result
