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

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import jinja2
from jinja2 import nodes

# `site.<name>` that the built-in templates read: events and taxonomies are covered by the
# chrome, build_date by the global fingerprint, and the two counts by TEMPLATE_READS.
SITE_READS = frozenset({"events", "taxonomies", "build_date", "collection_items", "items_of"})
_SITE_READ = re.compile(r"\bsite\b(\s*\.\s*(\w+))?")
# What a template reads: the value of an expression of these kinds, and what its loops,
# assignments and macro defaults bind (`{% for s in site.items_of(customer, 'stories') %}
# {{ s.title }}` reads titles that `{{ site.items_of(customer, 'stories') | length }}` does not).
_READING = (nodes.Getattr, nodes.Getitem, nodes.Call, nodes.Filter, nodes.Test)
# What can reach records beyond a page's context: the site (but what every page's fingerprint
# has of it: its build date, its topics' names, whether it has events), a share box (its email
# quotes the customer's newest story), a topic's members, by attribute or by name
# (`term['items']`, `map(attribute='items')`), and another page's context (a sitemap entry's).
# The rest is the context's own records, their fields and bodies (noted when read), the config,
# and functions of their arguments, which page fingerprints cover.
_REACHING_NAMES = frozenset({"site", "share_box"})
_REACHING_ATTRIBUTES = frozenset({"items", "customers", "of_kind", "context"})
_SITE_IN_EVERY_FINGERPRINT = frozenset({"build_date", "taxonomies"})
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
    built-in template of the same name does not: an expression, loop, assignment, macro default or
    included template that reaches them (the site, a share box, a topic's members) and that the
    built-in one lacks. A template that does not parse counts as reading anything."""
    own_dirs = list(own_dirs)

    def source(name: str) -> Path | None:  # the template Jinja would load by that name
        return next((file for file in (*(d / name for d in own_dirs), builtin_dir / name) if file.is_file()), None)

    found = []
    for folder in own_dirs:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                name = file.relative_to(folder).as_posix()
                own = _reads(file, source)
                builtin = builtin_dir / name
                covered = (_reads(builtin, source) or {}) if builtin.is_file() else {}
                if own is None or any(reaching and read not in covered for read, reaching in own.items()):
                    found.append(name)
    return found


def _reads(file: Path, source: Callable[[str], Path | None], seen: frozenset[Path] = frozenset()) -> dict[str, bool] | None:
    """What the template reads, each as its expression's text (Jinja's own, free of lines and
    spacing) -> whether it may reach records beyond the page's context; None if it does not parse.
    A template it includes or imports reaches as far as what that one reads."""
    tree = _parse(file)
    if tree is None:
        return None
    harmless = _harmless(tree)

    def reaching(node: nodes.Node) -> bool:
        return _reaching(node, harmless)

    reads = {repr(node): reaching(node) for node in tree.find_all(_READING)}
    for node in tree.find_all(nodes.For):
        reads[f"for {node.target!r} in {node.iter!r}"] = reaching(node.iter)
    for node in tree.find_all(nodes.Assign):
        reads[f"set {node.target!r} = {node.node!r}"] = reaching(node.node)
    for node in tree.find_all(nodes.With):
        reads[f"with {node.targets!r} = {node.values!r}"] = any(reaching(value) for value in node.values)
    for node in tree.find_all((nodes.Macro, nodes.CallBlock)):
        reads[f"macro {getattr(node, 'name', 'call')}({node.args!r}={node.defaults!r})"] = any(
            reaching(default) for default in node.defaults)
    for node in tree.find_all(nodes.Output):  # `{{ site }}`
        for child in node.nodes:
            if isinstance(child, nodes.Name) and child.name in _REACHING_NAMES:
                reads[f"output {child!r}"] = True
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport)):
        reads[f"include {node.template!r}"] = _includes_reaching(node.template, source, seen | {file})
    return reads


def _includes_reaching(template: nodes.Expr, source: Callable[[str], Path | None], seen: frozenset[Path]) -> bool:
    """Whether the template an include or import names reaches records (one named by a variable may)."""
    if not (isinstance(template, nodes.Const) and isinstance(template.value, str)):
        return True
    file = source(template.value)
    if file is None or file in seen:
        return False  # missing: the render reports it; already followed: counted there
    reads = _reads(file, source, seen)
    return reads is None or any(reads.values())


@functools.lru_cache(maxsize=512)
def _parsed(text: str) -> nodes.Template | None:
    try:
        return _PARSER.parse(text)
    except jinja2.TemplateSyntaxError:
        return None


def _parse(file: Path) -> nodes.Template | None:
    return _parsed(file.read_text(encoding="utf-8", errors="replace"))


def _harmless(tree: nodes.Template) -> set[int]:
    """Reads that look as if they reach further and do not: a `site.events` that only tests
    whether there are events (every fingerprint has that), and a dict's `.items` called (a
    topic's items are not called)."""
    tests = [node.test for node in tree.find_all((nodes.CondExpr, nodes.If))]
    tests += [node.node for node in tree.find_all(nodes.Not)]
    harmless = {id(test) for test in tests if isinstance(test, nodes.Getattr) and test.attr == "events"
                and isinstance(test.node, nodes.Name) and test.node.name == "site"}
    return harmless | {id(call.node) for call in tree.find_all(nodes.Call) if isinstance(call.node, nodes.Getattr)
                       and call.node.attr == "items" and not call.args and not call.kwargs}


def _reaching(node: nodes.Node, harmless: set[int]) -> bool:
    """Whether the expression may reach records beyond its page's context."""
    if id(node) in harmless:  # what it is read from may still reach further
        return isinstance(node, nodes.Getattr) and node.attr == "items" and _reaching(node.node, harmless)
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
    return any(_reaching(child, harmless) for child in node.iter_child_nodes())


def _names_reaching(node: nodes.Node) -> bool:
    """A lookup by name of what reaches further: `term['items']`, `map(attribute='items')`."""
    return isinstance(node, nodes.Const) and isinstance(node.value, str) and node.value in _REACHING_ATTRIBUTES
