"""The package's layout keeps its promises (read from the source with ``ast``, nothing imported).

- No module imports another module's private name (``from .x import _y``, or ``x._y``
  after ``from . import x``). Importing a package-private *module* (``_html``,
  ``_files``, ``widgets._private``) is fine: its public names are for the package.
- No import cycle, counting imports inside functions too, and counting that importing
  ``a.b.c`` runs ``a/b/__init__.py`` first (``TYPE_CHECKING`` imports never run and
  are left out).
- Every module has ``__all__``, a docstring, and says what it does not protect
  against (or does not cover).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "safetylab"
NAME = PACKAGE.name


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
PACKAGES = {_module_name(p) for p in PACKAGE.rglob("__init__.py")}
TREES = {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in MODULES.items()}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _resolve(module: str, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = module.split(".") if module in PACKAGES else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _type_checking_only(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                skip.update(id(n) for n in ast.walk(sub))
    return skip


def _analyse():
    """``(edges, private)``: module -> modules it imports; and every private-name use across modules."""
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    private: list[str] = []
    for mod, tree in TREES.items():
        skip = _type_checking_only(tree)
        aliases: dict[str, str] = {}  # local name -> package module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                src = _resolve(mod, node.level, node.module)
                if src != NAME and not src.startswith(NAME + "."):
                    continue
                for a in node.names:
                    full = f"{src}.{a.name}"
                    if full in MODULES:  # a module: ``from . import x``
                        target = full
                        aliases[a.asname or a.name] = full
                    else:  # a name defined in module ``src``
                        target = src
                        if _private(a.name) and src != mod:
                            private.append(f"{mod} line {node.lineno}: from {src} import {a.name}")
                    if id(node) not in skip:
                        edges[mod].add(target)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == NAME or a.name.startswith(NAME + "."):
                        if id(node) not in skip:
                            edges[mod].add(a.name)
                        if a.asname:
                            aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _private(node.attr):
                target = aliases.get(node.value.id)
                if target is not None and target != mod:
                    private.append(f"{mod} line {node.lineno}: {node.value.id}.{node.attr} (of {target})")
    return edges, private


def _with_parents(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """Importing ``a.b.c`` runs ``a.b``'s ``__init__`` first, unless the importer is inside ``a.b``."""
    out: dict[str, set[str]] = {m: set() for m in edges}
    for mod, targets in edges.items():
        for target in targets:
            if target not in MODULES:
                continue
            out[mod].add(target)
            parts = target.split(".")
            for i in range(2, len(parts)):
                parent = ".".join(parts[:i])
                if parent in MODULES and not (mod == parent or mod.startswith(parent + ".")):
                    out[mod].add(parent)
        out[mod].discard(mod)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


EDGES, PRIVATE = _analyse()


def test_no_module_imports_another_modules_private_name():
    assert PRIVATE == []


def test_no_import_cycle_even_inside_functions():
    assert _cycles(_with_parents(EDGES)) == []


def test_the_cycle_finder_finds_cycles():
    """The check above can fail: a cycle through a function-level import and one through a package."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    tree = ast.parse("def f():\n    from .metadata import read\n")
    assert isinstance(tree.body[0].body[0], ast.ImportFrom)  # such imports are walked (ast.walk)
    assert _cycles(_with_parents({f"{NAME}.images": {f"{NAME}.formats.heif"},
                                  f"{NAME}.formats": {f"{NAME}.formats.heif"},
                                  f"{NAME}.formats.heif": {f"{NAME}.images"}})) != []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_has_all_a_docstring_and_says_what_it_does_not_protect(name):
    tree = TREES[name]
    assert any(isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in n.targets)
               for n in tree.body), f"{name} has no __all__"
    doc = ast.get_docstring(tree) or ""
    assert doc, f"{name} has no docstring"
    low = doc.lower().replace("*", "")
    assert "what this does not" in low, f"{name}'s docstring does not say what it does not protect against"
