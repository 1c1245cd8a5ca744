"""What a theme's templates read beyond their page's context, which page fingerprints
(fingerprint.py) must cover.

The built-in templates' reads are known: what they read of `site` is covered by
the global fingerprint or TEMPLATE_READS, and tests keep that true
(tests/test_incremental.py lists them). A site's own template is covered as far as it reads
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
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

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
_PRIVATE = re.compile(r"_\w")  # an attribute of Python's or of advocacy's own code
# Filters that look attributes up by a name given as an argument
_BY_NAME_FILTERS = frozenset({"attr", "map", "selectattr", "rejectattr", "groupby", "sum", "sort", "unique",
                              "min", "max", "dictsort"})
_PARSER = jinja2.Environment()  # parses only: the AST is the same whatever the render options


def reads_beyond_builtin(own_dirs: Iterable[Path], builtin_dir: Path) -> list[str]:
    """A site's own templates (name) that may read records beyond their page's context where the
    built-in template of the same name does not: an expression, loop, assignment, macro default or
    included template that reaches them (the site, a share box, a topic's members) and that the
    built-in one lacks, or has with one of its names bound otherwise (`term.items | length` of the
    page's own topics is not that of every industry). A template that does not parse counts as
    reading anything."""
    own_dirs = list(own_dirs)
    reaching_templates: dict[str, bool] = {}  # each included or imported template followed once

    def reaches(name: str | None) -> bool:
        """Whether the template Jinja would load by that name reaches records (one named by a variable may)."""
        if name is None:
            return True
        if name not in reaching_templates:
            reaching_templates[name] = False  # while it is followed: a template that includes itself
            file = next((f for f in (*(d / name for d in own_dirs), builtin_dir / name) if f.is_file()), None)
            reads = _reads(file, reaches) if file is not None else _Reads({}, {})  # missing: the render says so
            reaching_templates[name] = reads is None or any(reaching for reaching, _ in reads.reads.values())
        return reaching_templates[name]

    found = []
    for folder in own_dirs:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                name = file.relative_to(folder).as_posix()
                own = _reads(file, reaches)
                builtin = builtin_dir / name
                covered = _reads(builtin, reaches) if builtin.is_file() else None
                if own is None or any(reaching and not _covered(read, names, own, covered)
                                      for read, (reaching, names) in own.reads.items()):
                    found.append(name)
    return found


@dataclass
class _Reads:
    reads: dict[str, tuple[bool, frozenset[str]]]  # read -> (whether it may reach further, the names it uses)
    bindings: dict[str, set[str]]  # a name the template binds -> the loops, assignments... that bind it


@dataclass(frozen=True)
class _Include:
    read: str
    template: str | None  # None: named by a variable
    names: frozenset[str]  # the names the template is named with
    binds: tuple[str, ...]  # the names an import binds


def _covered(read: str, names: frozenset[str], own: _Reads, builtin: _Reads | None) -> bool:
    """Whether the built-in template reads this, with each of its names bound as the own one binds it."""
    return builtin is not None and read in builtin.reads and all(
        own.bindings.get(name, set()) <= builtin.bindings.get(name, set()) for name in names)


def _reads(file: Path, reaches: Callable[[str | None], bool]) -> _Reads | None:
    """What the template reads, and what binds its names; None if it does not parse. A template it
    includes or imports reaches as far as `reaches` says."""
    local = _local_reads(file.read_text(encoding="utf-8", errors="replace"))
    if local is None:
        return None
    reads, bindings, includes = local
    found = _Reads(dict(reads), {name: set(binders) for name, binders in bindings.items()})
    for include in includes:
        found.reads[include.read] = (reaches(include.template), include.names)
        for name in include.binds:
            found.bindings.setdefault(name, set()).add(include.read)
    return found


@functools.lru_cache(maxsize=512)
def _local_reads(text: str) -> tuple[dict[str, tuple[bool, frozenset[str]]], dict[str, frozenset[str]],
                                     tuple[_Include, ...]] | None:
    """A template's reads, each as its expression's text (Jinja's own, free of lines and spacing)
    -> (whether it may reach further, the names it uses); what binds each name it binds; and the
    templates it includes or imports. None if it does not parse. Kept by the template's text."""
    try:
        tree = _PARSER.parse(text)
    except jinja2.TemplateSyntaxError:
        return None
    every = list(tree.find_all(nodes.Node))  # one walk; each kind below is picked from it
    harmless = _harmless(every)
    reads: dict[str, tuple[bool, frozenset[str]]] = {}
    bindings: dict[str, set[str]] = {}

    def note(read: str, node: nodes.Node | None, reaching: bool | None = None, binds: nodes.Node | None = None) -> None:
        names = frozenset(name.name for name in node.find_all(nodes.Name)) if node is not None else frozenset()
        if isinstance(node, nodes.Name):
            names |= {node.name}
        reads[read] = (_reaching(node, harmless) if reaching is None else reaching, names)
        if binds is not None:
            for name in [binds] if isinstance(binds, nodes.Name) else binds.find_all(nodes.Name):
                bindings.setdefault(name.name, set()).add(read)

    includes = []
    for node in every:
        if isinstance(node, _READING):
            note(repr(node), node)
        elif isinstance(node, nodes.Output):  # what is printed: `{{ site }}`, `{{ [site] }}`
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    note(f"output {child!r}", child)
        elif isinstance(node, nodes.For):
            note(f"for {node.target!r} in {node.iter!r}", node.iter, binds=node.target)
        elif isinstance(node, nodes.Assign):
            note(f"set {node.target!r} = {node.node!r}", node.node, binds=node.target)
        elif isinstance(node, nodes.AssignBlock):  # its output is noted
            note(f"set {node.target!r} = {node.body!r}", None, reaching=False, binds=node.target)
        elif isinstance(node, nodes.With):
            for target in node.targets:
                note(f"with {node.targets!r} = {node.values!r}", nodes.List(list(node.values)), binds=target)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            for argument in node.args:
                note(f"macro {getattr(node, 'name', 'call')}({node.args!r}={node.defaults!r})",
                     nodes.List(list(node.defaults)), binds=argument)
        elif isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            named = node.template.value if isinstance(node.template, nodes.Const) and isinstance(
                node.template.value, str) else None
            binds = (node.target,) if isinstance(node, nodes.Import) else tuple(
                name if isinstance(name, str) else name[-1] for name in getattr(node, "names", ()))
            names = frozenset(name.name for name in [node.template, *node.template.find_all(nodes.Name)]
                              if isinstance(name, nodes.Name))
            includes.append(_Include(f"include {node.template!r}", named, names, binds))
    return reads, {name: frozenset(binders) for name, binders in bindings.items()}, tuple(includes)


def _harmless(every: list[nodes.Node]) -> set[int]:
    """Reads that look as if they reach further and do not: a `site.events` that only tests
    whether there are events (every fingerprint has that), and a dict's `.items` called (a
    topic's items are not called)."""
    tests = [node.test for node in every if isinstance(node, (nodes.CondExpr, nodes.If))]
    tests += [node.node for node in every if isinstance(node, nodes.Not)]
    harmless = {id(test) for test in tests if isinstance(test, nodes.Getattr) and test.attr == "events"
                and isinstance(test.node, nodes.Name) and test.node.name == "site"}
    return harmless | {id(call.node) for call in every if isinstance(call, nodes.Call) and isinstance(call.node, nodes.Getattr)
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
    if isinstance(node, nodes.Getattr) and (node.attr in _REACHING_ATTRIBUTES or _PRIVATE.match(node.attr)):
        return True  # (Python's own attributes lead anywhere: a bound function's __self__)
    if isinstance(node, nodes.Getitem) and (_names_reaching(node.arg)
                                           or not isinstance(node.arg, (nodes.Const, nodes.Slice))):
        return True  # `term['items']`, or `term[key]`: a computed name may be any
    if isinstance(node, (nodes.Call, nodes.Filter, nodes.Test)) and any(
            _names_reaching(argument) for argument in [*node.args, *(keyword.value for keyword in node.kwargs)]):
        return True
    if isinstance(node, nodes.Filter) and node.name in _BY_NAME_FILTERS and not all(
            isinstance(argument, nodes.Const) for argument in [*node.args, *(keyword.value for keyword in node.kwargs)]):
        return True  # an attribute named by a variable
    return any(_reaching(child, harmless) for child in node.iter_child_nodes())


def _names_reaching(node: nodes.Node) -> bool:
    """A name that looks up what may reach further: `term['items']`, `map(attribute='items.0.title')`."""
    return isinstance(node, nodes.Const) and isinstance(node.value, str) and any(
        part in _REACHING_ATTRIBUTES or _PRIVATE.match(part) for part in node.value.split("."))
