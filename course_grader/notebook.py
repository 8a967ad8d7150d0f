"""The notebook contract: how the grader reads source notebooks and submissions, in one place.

Everything that looks into a notebook for grading goes through this module, on
nbgrader's own notion of a cell (its ``metadata.nbgrader``); reading and repairing the
file is :mod:`course_grader.notebook_io`'s, parsing cells' Python and telling
definitions from other code :mod:`course_grader.definitions`', both offered here too:

- :func:`read_notebook` reads and validates any notebook file. A file that is not
  a notebook raises :class:`NotebookError` with one sentence saying why; what
  nbgrader would choke on (a ``source`` that is not a string, ``metadata.nbgrader``
  that is not a dict, a ``grade_id`` that is not a string, malformed outputs...) is
  repaired, and each repair is recorded as a note.
- :func:`read_source` reads an instructor's source notebook: the setup cell
  (grade_id ``setup``) and the exercises, each answer cell ``ex_<name>`` paired with
  its test cell ``test_<name>``; a broken contract raises ``ValueError``.
- :func:`read_submission` reads a student's notebook: the answer of every exercise
  (the first code cell with its grade_id), the helper definitions the grader runs
  before the answers, and notes for the instructor. Nothing a student can put in a
  notebook makes it fail, except a file that is not a notebook at all.
- :func:`compare` lists the locked cells a submission edited, deleted or retyped.

The nbgrader preprocessor :class:`course_grader.nbgrader_normalize.NormalizeSubmission`
applies the same repairs (:func:`normalize`) at the start of ``nbgrader autograde``.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_grader.definitions import (  # noqa: F401
    _constant,
    _definition_binds,
    _segment,
    defined_names,
    definitions_only,  # (_constant: scan imports it from here)
    parse,
)
from course_grader.notebook_io import (  # noqa: F401
    MAX_BYTES,
    NotebookError,
    _normalize,
    _short,
    normalize,
    read_notebook,  # (_normalize: nbgrader_normalize imports it from here)
)

__all__ = ["NotebookError", "Exercise", "Source", "Submission", "MAX_BYTES", "read_notebook", "normalize",
           "read_source", "source_of", "read_submission", "grade_id", "compare", "parse", "definitions_only",
           "defined_names"]


@dataclass
class Exercise:
    name: str  # ex_<name> / test_<name>
    reference: str  # the instructor's answer (source of the ex_ cell)
    test: str  # source of the test_ cell, hidden tests included
    points: float
    defines: list[str] = field(default_factory=list)  # top-level names the reference binds (def, class, assignment)


@dataclass
class Source:
    setup: str
    exercises: list[Exercise]
    # id -> source of every other code cell (demos), to tell them from the cells a student adds
    cells: dict[str, str] = field(default_factory=dict)


@dataclass
class Submission:
    answers: dict[str, str]  # exercise name -> source of the first ex_<name> code cell
    helpers: list[str]  # definitions to run before the answers, in notebook order
    notes: list[str]  # for the instructor's report (never a reason to lose points)


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------

def grade_id(cell) -> str | None:
    """The nbgrader grade_id of a cell, or None (untracked cell, or metadata that is not nbgrader's)."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) and gid else None


def _nbgrader(cell) -> dict:
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def _text(source) -> str:
    return source if isinstance(source, str) else ""


def _checksum(text) -> str:
    return hashlib.sha256(_text(text).strip().encode()).hexdigest()


def _code_key(source: str) -> str:
    """What a code cell does, ignoring comments and layout (its AST), else its stripped text."""
    tree = parse(source)
    if tree is not None:
        try:
            return "ast:" + hashlib.sha256(ast.dump(tree).encode()).hexdigest()
        except (RecursionError, MemoryError):
            pass
    return "text:" + _checksum(source)


def compare(submitted: nbformat.NotebookNode, released: nbformat.NotebookNode) -> list[str]:
    """Notes on the locked cells (tests, setup, instructions) and answer cells of ``released`` that
    ``submitted`` edited, deleted, retyped or duplicated, and on grade_ids it does not know."""
    seen: dict[str, list] = {}
    for cell in submitted.cells:
        if gid := grade_id(cell):
            seen.setdefault(gid, []).append(cell)
    found = []
    for original in released.cells:
        gid = grade_id(original)
        if not gid:
            continue
        meta = _nbgrader(original)
        copies = seen.get(gid, [])
        what = "test cell" if meta.get("grade") else "answer cell" if meta.get("solution") else "locked cell"
        if not copies:
            found.append(f"{what} {gid} was deleted" + (" (the original was used)" if what != "answer cell" else ""))
            continue
        if len(copies) > 1:
            found.append(f"{what} {gid} appears {len(copies)} times (the first was used)")
        cell = copies[0]
        if cell.get("cell_type") != original.cell_type:
            found.append(f"{what} {gid} was changed to a {_short(str(cell.get('cell_type')), 20)} cell")
        if meta.get("locked") and _checksum(cell.get("source")) != _checksum(original.source):
            found.append(f"{what} {gid} was edited (the original was used)")
        theirs = _nbgrader(cell)
        for key in ("grade", "solution", "locked", "points"):
            if theirs.get(key) != meta.get(key):
                found.append(f"{what} {gid} has changed nbgrader metadata `{key}` ({_short(repr(meta.get(key)), 20)}"
                             f" -> {_short(repr(theirs.get(key)), 20)}; the original was used)")
    released_ids = {grade_id(c) for c in released.cells}
    for gid in seen:
        if gid not in released_ids:
            found.append(f"cell with unknown grade_id {_short(repr(gid), 40)} (ignored)")
    return found


# ---------------------------------------------------------------------------
# Source notebooks
# ---------------------------------------------------------------------------

def read_source(path: str | Path) -> Source:
    """The setup cell and the exercises of an instructor's notebook (also works on a released one)."""
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        raise ValueError(f"{path}: {exc.reason}") from None
    return source_of(nb, str(path))


def source_of(nb: nbformat.NotebookNode, where: str = "the notebook") -> Source:
    """:func:`read_source` for a notebook already read; ``where`` names it in error messages."""
    tracked: dict[str, list] = {}
    for cell in nb.cells:
        if gid := grade_id(cell):
            tracked.setdefault(gid, []).append(cell)
    twice = sorted(gid for gid, cells in tracked.items() if len(cells) > 1)
    if twice:
        raise ValueError(f"{where}: grade_id {', '.join(twice)} appears more than once")
    setup = tracked.get("setup", [None])[0]
    if setup is None or setup.cell_type != "code":
        raise ValueError(f"{where} has no setup code cell (grade_id 'setup')")
    exercises = []
    for cell in nb.cells:
        gid = grade_id(cell) or ""
        if not gid.startswith("ex_"):
            continue
        name = gid[3:]
        if cell.cell_type != "code":
            raise ValueError(f"{where}: the answer cell {gid} is a {cell.cell_type} cell, not a code cell")
        test = tracked.get(f"test_{name}", [None])[0]
        if test is None or test.cell_type != "code":
            raise ValueError(f"{where}: exercise {gid} has no test_{name} code cell")
        points = _nbgrader(test).get("points")
        if not _nbgrader(test).get("grade") or not isinstance(points, (int, float)) or isinstance(points, bool) \
                or points < 0:
            raise ValueError(f"{where}: test_{name} is not a graded cell with points (nbgrader metadata "
                             f"grade: true, points: a number)")
        exercises.append(Exercise(name, cell.source, test.source, float(points), defined_names(cell.source)))
    others = {c.get("id") or f"#{i}": c.source for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and not grade_id(c)}
    return Source(setup.source, exercises, others)


# ---------------------------------------------------------------------------
# Submissions
# ---------------------------------------------------------------------------

def read_submission(path: str | Path, released: str | Path | None, source: Source) -> Submission:
    """What the grader runs of a student's notebook, and notes for the instructor.

    ``answers``: for each exercise of ``source``, the first code cell whose grade_id is
    ``ex_<name>`` (later copies are noted). ``helpers``: definitions to run before the
    answers, in notebook order:

    (a) every code cell the student added (not in the released notebook, by cell id and
        by code, and not tracked by nbgrader) whose top-level statements are all
        definitions: import, def, async def, class, assignment of a constant expression
        (literals, containers of them, unary and binary operations on them), docstrings;
    (b) from the answer cells, the top-level definition statements.

    Definitions that bind a name an exercise defines (or an exercise's name) are left
    out of both, so a helper never shadows an answer or the reference solution of an
    earlier exercise. Sources that do not parse are never fatal: an answer is returned
    as it is (the grader reports its syntax error), an added cell is not used (with a note
    when it holds def, class or import).
    Markdown, outputs, scratch cells and edited demo cells are ignored.

    ``released``: the notebook handed out (its cells tell added cells from demo cells and
    :func:`compare` notes edited locked cells); without it the source's cells are used.
    Raises :class:`NotebookError` if the file is not a notebook at all.
    """
    notes: list[str] = []
    nb = read_notebook(path, notes)
    if released is not None:
        try:
            released_nb = read_notebook(released)
        except NotebookError as exc:  # the instructor's file: not the student's problem
            raise ValueError(f"{released}: {exc.reason}") from None
        notes += compare(nb, released_nb)
        known = {c.get("id"): c.source for c in released_nb.cells if c.cell_type == "code"}
    else:
        known = dict(source.cells)
        known["__setup__"] = source.setup
    names = [e.name for e in source.exercises]
    taken = set(names).union(*(e.defines for e in source.exercises))

    answers: dict[str, str] = {}
    answer_cells: set[int] = set()
    copies: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        gid = grade_id(cell) or ""
        if gid.startswith("ex_") and cell.cell_type == "code" and gid[3:] in names:
            copies[gid[3:]] = copies.get(gid[3:], 0) + 1
            if gid[3:] not in answers:
                answers[gid[3:]] = cell.source
                answer_cells.add(index)
    if released is None:
        notes += [f"answer cell ex_{name} appears {n} times (the first was used)"
                  for name, n in copies.items() if n > 1]

    known_ids = set(known)
    known_code = {_code_key(s) for s in known.values()}
    helpers: list[str] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if index in answer_cells:
            tree = parse(cell.source)
            if tree is not None:
                code, _ = _helper_code(cell.source, tree, taken, require_all=False)
                if code:
                    helpers.append(code)
            continue
        if grade_id(cell) or cell.get("id") in known_ids or not cell.source.strip() \
                or _code_key(cell.source) in known_code:
            continue  # tracked by nbgrader, a demo cell (edited or not), or empty
        where = f"cell {index + 1} (added)"
        tree = parse(cell.source)
        if tree is None:
            if "def " in cell.source or "class " in cell.source or "import " in cell.source:
                notes.append(f"{where} is not valid Python: its definitions are not run when grading")
            continue
        code, dropped = _helper_code(cell.source, tree, taken, require_all=True)
        if code is None:
            defines = [s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                   ast.ClassDef))]
            if defines:
                notes.append(f"{where} defines {_names(defines)} but also runs other code: not run when grading "
                             "(helpers go in a cell of their own)")
            continue
        if dropped:
            notes.append(f"{where} defines {_names(dropped)}, which an exercise defines: not run when grading "
                         "(the answer cell's is)")
        if code:
            helpers.append(code)
    return Submission(answers, helpers, notes)


def _helper_code(source: str, tree: ast.Module, taken: set[str], require_all: bool) -> tuple[str | None, list[str]]:
    """The definition statements of a cell that bind no name in ``taken``, as code, and the names
    left out; (None, []) if ``require_all`` and some statement is not a definition."""
    keep, dropped = [], []
    for index, stmt in enumerate(tree.body):
        binds = _definition_binds(stmt)
        if binds is None:
            if require_all:
                return None, []
            continue
        clash = [name for name in binds if name in taken]
        if clash:
            dropped += clash
            continue
        keep.append(index)
    if not keep:
        return "", dropped
    if len(keep) == len(tree.body):
        return source, dropped
    return "\n".join(s for s in (_segment(source, tree.body, i) for i in keep) if s), dropped


def _names(names: list[str]) -> str:
    shown = ", ".join(f"`{_short(n, 40)}`" for n in list(dict.fromkeys(names))[:5])
    return shown + (" ..." if len(set(names)) > 5 else "")
