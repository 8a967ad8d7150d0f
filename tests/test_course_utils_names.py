"""Every ``course_utils`` name a notebook uses exists.

Reads every code cell of every notebook in ``solutions/`` (lines that start with
``!`` or ``%`` removed; cells that still are not Python skipped), finds what the
cells import from ``course_utils`` (``import course_utils``, ``import
course_utils.checks as c``, ``from course_utils import datasets as data``,
``from course_utils.models import probes``) and the attribute chains on those
names (``data.fashion_mnist``, ``plots.plot_history``, ``course_utils.FAST``),
and resolves each: import the module, then ``getattr`` along the chain (a
sub-module that exists counts). Moving or renaming a helper without updating
a notebook fails here, with the notebook, cell and line of each use.
"""

from __future__ import annotations

import ast
import importlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
PACKAGE = "course_utils"


@dataclass(frozen=True)
class Use:
    path: str  # dotted: "course_utils.datasets.fashion_mnist"
    where: str  # "01_perceptron.ipynb cell 3 line 2"


def python_of(cell_source: str) -> str:
    """A code cell's source without shell (``!``) and magic (``%``) lines."""
    return "\n".join(line for line in cell_source.splitlines() if not line.lstrip().startswith(("!", "%")))


def _chain(node: ast.AST) -> list[str] | None:
    """``a.b.c`` -> ["a", "b", "c"]; None for anything but names and attributes."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def _bound_names(node: ast.AST) -> set[str]:
    """Names a function, lambda or comprehension binds for itself (parameters, assignments, loop targets)."""
    names: set[str] = set()
    args = getattr(node, "args", None)
    if isinstance(args, ast.arguments):
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None:
                names.add(arg.arg)
    body = node.generators if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) \
        else getattr(node, "body", [])
    for child in (body if isinstance(body, list) else [body]):
        for sub in ast.walk(child):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
    return names


class _Uses(ast.NodeVisitor):
    """The course_utils names one statement uses, given the names bound so far (``bindings``)."""

    def __init__(self, bindings: dict[str, str], where: str) -> None:
        self.bindings, self.where = bindings, where
        self.shadowed: list[set[str]] = []
        self.uses: list[Use] = []

    def _scoped(self, node: ast.AST) -> None:
        self.shadowed.append(_bound_names(node))
        self.generic_visit(node)
        self.shadowed.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _scoped
    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _scoped

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain = _chain(node)
        if chain is None:
            self.generic_visit(node)
            return
        root = chain[0]
        if root in self.bindings and not any(root in names for names in self.shadowed):
            self.uses.append(Use(".".join([self.bindings[root], *chain[1:]]), f"{self.where} line {node.lineno}"))


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _stores(node: ast.AST) -> set[str]:
    """Names a statement binds in the notebook's namespace (not inside functions or comprehensions)."""
    names: set[str] = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.add(child.id)
        elif isinstance(child, _SCOPES):
            names |= {child.name} if hasattr(child, "name") else set()
        else:
            names |= _stores(child)
    return names


def _statement(statement: ast.stmt, bindings: dict[str, str], where: str) -> list[Use]:
    """The uses in one top-level statement; updates ``bindings`` with what it imports or rebinds."""
    uses: list[Use] = []
    at = f"{where} line {statement.lineno}"
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            name = alias.asname or alias.name.split(".")[0]
            if alias.name.split(".")[0] == PACKAGE:
                uses.append(Use(alias.name, at))
                bindings[name] = alias.name if alias.asname else PACKAGE
            else:
                bindings.pop(name, None)
    elif isinstance(statement, ast.ImportFrom):
        ours = statement.level == 0 and (statement.module or "").split(".")[0] == PACKAGE
        for alias in statement.names:
            if alias.name == "*":
                continue
            if ours:
                uses.append(Use(f"{statement.module}.{alias.name}", at))
                bindings[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
            else:
                bindings.pop(alias.asname or alias.name, None)
    else:
        visitor = _Uses(bindings, where)
        visitor.visit(statement)
        uses += visitor.uses
        for name in _stores(statement):  # bound to something else from here on
            bindings.pop(name, None)
    return uses


def uses_in(cells: list[str], label: str) -> list[Use]:
    """Every course_utils name used in a notebook's code cells, in order."""
    bindings: dict[str, str] = {}
    uses: list[Use] = []
    for index, source in enumerate(cells):
        try:
            tree = ast.parse(python_of(source))
        except SyntaxError:
            continue
        for statement in tree.body:
            uses += _statement(statement, bindings, f"{label} cell {index}")
    return uses


def resolves(path: str) -> bool:
    """Import the module and follow the attributes of a dotted ``path`` (a sub-module that exists counts)."""
    parts = path.split(".")
    obj = importlib.import_module(parts[0])
    for depth, part in enumerate(parts[1:], start=2):
        if hasattr(obj, part):
            obj = getattr(obj, part)
            continue
        try:
            obj = importlib.import_module(".".join(parts[:depth]))
        except ImportError:
            return False
    return True


def missing_names(cells: list[str], label: str = "notebook") -> list[str]:
    return [f"{use.where}: {use.path}" for use in uses_in(cells, label) if not resolves(use.path)]


def code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in solutions/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_course_utils_name_a_notebook_uses_exists(path):
    uses = uses_in(code_cells(path), path.name)
    assert any(use.path.startswith(f"{PACKAGE}.") for use in uses), f"{path.name} uses no course_utils name?"
    missing = [f"{use.where}: {use.path}" for use in uses if not resolves(use.path)]
    assert not missing, "names the notebook uses that course_utils does not have:\n" + "\n".join(missing)


# --- the finder itself: it must see every kind of use, and fail on a missing name ---


def test_a_missing_name_is_found_in_every_kind_of_use():
    cells = [
        "!pip install nothing\n%matplotlib inline\nimport course_utils\nfrom course_utils import datasets as data, plots\n",
        "x = data.load_fashion_mnist()\nplots.plot_history({})\ncourse_utils.NOT_FAST\n",
        "from course_utils.models import pretrained, no_such_module\nfrom course_utils.widgets import interact\n",
        "m = pretrained.no_such_model(3)\nimport course_utils.checks as c\nc.check_close\nc.no_check\n",
        "this is not python\n",
    ]
    assert missing_names(cells) == [
        "notebook cell 1 line 1: course_utils.datasets.load_fashion_mnist",
        "notebook cell 1 line 3: course_utils.NOT_FAST",
        "notebook cell 2 line 1: course_utils.models.no_such_module",
        "notebook cell 3 line 1: course_utils.models.pretrained.no_such_model",
        "notebook cell 3 line 4: course_utils.checks.no_check",
    ]


def test_names_used_elsewhere_are_not_course_utils_names():
    cells = [
        "from course_utils import datasets as data, plots\n",
        "def f(data):\n    return data.shape\n"
        "g = lambda plots: plots.nothing\n"
        "shapes = [data.size for data in arrays]\n"
        "data.digits\n",
        "from torchvision import datasets\ndatasets.ImageFolder\n",
        "data = {}\ndata.keys()\n",
        "data.no_such_thing\n",   # `data` is a dict now
    ]
    assert missing_names(cells) == []
    assert [use.path for use in uses_in(cells, "nb")] == [
        "course_utils.datasets", "course_utils.plots", "course_utils.datasets.digits"]
