"""What a theme's templates read beyond their page's context, which page fingerprints
(fingerprint.py) must cover.

The built-in templates' reads are known: what they read of `site` is listed in
SITE_READS (and covered by the global fingerprint or TEMPLATE_READS), and a
test keeps the list true. A site's own template is covered as far as it reads
the context's records (fields and bodies), the config, and what the built-in
template of its name reads; one that reaches further (a "more from this
customer" list, a share box on a list, a topic's members) may show records its
page's context does not hold, so every page then depends on every record:
correct, only slower.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import jinja2
from jinja2 import nodes

# `site.<name>` that the built-in templates read: events and taxonomies are covered by the
# chrome, build_date by the global fingerprint, and the two counts by TEMPLATE_READS.
SITE_READS = frozenset({"events", "taxonomies", "build_date", "collection_items", "items_of"})
_SITE_READ = re.compile(r"\bsite\b(\s*\.\s*(\w+))?")
# What a template reads: the value of an expression of these kinds, and what its loops and
# assignments bind (`{% for s in site.items_of(customer, 'stories') %}{{ s.title }}` reads
# titles that `{{ site.items_of(customer, 'stories') | length }}` does not).
_READING = (nodes.Getattr, nodes.Getitem, nodes.Call, nodes.Filter, nodes.Test)
# What can reach records beyond a page's context: the site (but its build date, which every
# page's fingerprint has), a share box (its email quotes the customer's newest story), and a
# topic's members, by attribute or by name (`term['items']`, `map(attribute='items')`). The
# rest is the context's own records, their fields and bodies (noted when read), the config,
# and functions of their arguments, which page fingerprints cover.
_REACHING_NAMES = frozenset({"site", "share_box"})
_REACHING_ATTRIBUTES = frozenset({"items", "customers", "of_kind"})
_SITE_IN_EVERY_FINGERPRINT = frozenset({"build_date"})
_PARSER = jinja2.Environment()  # parses only: the AST is the same whatever the render options


def reads_outside_context(template_dirs: Iterable[Path]) -> list[str]:
    """Templates (name) in these folders that use `site` beyond SITE_READS."""
    found = []
    for folder in template_dirs:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                text = file.read_text(encoding="utf-8", errors="replace")
                text = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)  # comments speak of "the site"
                code = " ".join(re.findall(r"\{[{%](.*?)[%}]\}", text, flags=re.DOTALL))
                code = re.sub(r"'[^']*'|\"[^\"]*\"", "''", code)  # asset('site.css') reads no site
                if any(match.group(2) not in SITE_READS for match in _SITE_READ.finditer(code)):
                    found.append(file.relative_to(folder).as_posix())
    return found


def reads_beyond_builtin(own_dirs: Iterable[Path], builtin_dir: Path) -> list[str]:
    """A site's own templates (name) that may read records beyond their page's context where the
    built-in template of the same name does not: an expression, loop or assignment that reaches
    them (the site, a share box, a topic's members) and that the built-in one lacks. A template
    that does not parse counts as reading anything."""
    found = []
    for folder in own_dirs:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                name = file.relative_to(folder).as_posix()
                own = _reads(file)
                builtin = builtin_dir / name
                covered = (_reads(builtin) or {}) if builtin.is_file() else {}
                if own is None or any(reaching and read not in covered for read, reaching in own.items()):
                    found.append(name)
    return found


def _reads(file: Path) -> dict[str, bool] | None:
    """What the template reads, each as its expression's text (Jinja's own, free of lines and
    spacing) -> whether it may reach records beyond the page's context; None if it does not parse."""
    try:
        tree = _PARSER.parse(file.read_text(encoding="utf-8", errors="replace"))
    except jinja2.TemplateSyntaxError:
        return None
    reads = {repr(node): _reaching(node) for node in tree.find_all(_READING)}
    for node in tree.find_all(nodes.For):
        reads[f"for {node.target!r} in {node.iter!r}"] = _reaching(node.iter)
    for node in tree.find_all(nodes.Assign):
        reads[f"set {node.target!r} = {node.node!r}"] = _reaching(node.node)
    for node in tree.find_all(nodes.With):
        reads[f"with {node.targets!r} = {node.values!r}"] = any(_reaching(value) for value in node.values)
    return reads


def _reaching(node: nodes.Node) -> bool:
    """Whether the expression may reach records beyond its page's context."""
    if (isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "site"
            and node.attr in _SITE_IN_EVERY_FINGERPRINT):
        return False
    if isinstance(node, nodes.Name) and node.name in _REACHING_NAMES:
        return True
    if isinstance(node, nodes.Getattr) and node.attr in _REACHING_ATTRIBUTES:
        return True
    if isinstance(node, nodes.Getitem) and _names_reaching(node.arg):
        return True
    if isinstance(node, (nodes.Call, nodes.Filter, nodes.Test)) and any(
            _names_reaching(argument) for argument in [*node.args, *(keyword.value for keyword in node.kwargs)]):
        return True
    return any(_reaching(child) for child in node.iter_child_nodes())


def _names_reaching(node: nodes.Node) -> bool:
    """A lookup by name of what reaches further: `term['items']`, `map(attribute='items')`."""
    return isinstance(node, nodes.Const) and isinstance(node.value, str) and node.value in _REACHING_ATTRIBUTES
