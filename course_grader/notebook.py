"""The notebook contract: how the grader reads source notebooks and submissions, in one place.

Everything that looks into a notebook for grading goes through this module, on
nbgrader's own notion of a cell (its ``metadata.nbgrader``):

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
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["NotebookError", "Exercise", "Source", "Submission", "MAX_BYTES", "read_notebook", "normalize",
           "read_source", "source_of", "read_submission", "grade_id", "compare", "parse", "definitions_only",
           "defined_names"]

MAX_BYTES = 20 * 1024 * 1024  # a course notebook with its outputs is well under 5 MB
CELL_TYPES = ("code", "markdown", "raw")
GRADE_ID = re.compile(r"^[a-zA-Z0-9_\-]+$")  # nbgrader's schema (v3), not empty
CELL_ID = re.compile(r"^[a-zA-Z0-9_\-]{1,64}$")  # nbformat 4.5
# nbgrader metadata keys and the types its schema (v3) allows
NBGRADER_TYPES = {"schema_version": int, "grade": bool, "solution": bool, "locked": bool, "task": bool,
                  "grade_id": str, "points": (int, float), "checksum": str, "cell_type": str}


class NotebookError(ValueError):
    """The file is not a notebook the grader can read; ``reason`` says why in one sentence."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
# Reading and repairing notebooks
# ---------------------------------------------------------------------------

def read_notebook(path: str | Path, notes: list[str] | None = None) -> nbformat.NotebookNode:
    """Read, repair and validate a notebook; the repairs are appended to ``notes`` if given.

    Raises :class:`NotebookError` for a file that is not a readable format-4 notebook.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise NotebookError(f"the notebook is {size / 2**20:.1f} MB, more than the {MAX_BYTES // 2**20} MB "
                                "a notebook may have (clear its outputs and save it again)")
        raw = path.read_bytes()
    except OSError as exc:
        raise NotebookError(f"the notebook file cannot be opened ({exc.strerror or type(exc).__name__})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookError("the notebook file is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"the notebook file is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                            f"{exc.msg}); was it saved completely?") from None
    except (RecursionError, MemoryError):
        raise NotebookError("the notebook file is nested too deeply to be a notebook") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("the file is JSON but not a notebook (it has no list of cells)")
    version = data.get("nbformat")
    if version != 4 or isinstance(version, bool):
        raise NotebookError(f"the notebook has format version {_short(repr(version), 20)}; "
                            "only format 4 (Jupyter 4 and later) can be graded")
    nb = nbformat.from_dict(data)
    fixes, problem = _normalize(nb)
    if problem:  # normalize rebuilds what it cannot repair: this guards against a bug there
        raise NotebookError(f"the notebook does not follow the notebook format ({problem})")
    if notes is not None:
        notes.extend(fixes)
    return nb


def normalize(nb: dict) -> list[str]:
    """Repair, in place, what nbgrader and the grader would choke on; a note for each repair.

    ``nb`` is a format-4 notebook as a dict or NotebookNode (read by json or nbformat).
    Afterwards every cell is a dict with a valid ``cell_type``, a string ``source``, a
    dict ``metadata`` and a unique valid ``id``; ``metadata.nbgrader`` is absent or a
    dict with a valid string ``grade_id`` and values of the types nbgrader's schema
    gives; the notebook validates against nbformat's schema (extra keys allowed).
    """
    return _normalize(nb)[0]


def _normalize(nb: dict) -> tuple[list[str], str]:
    """normalize's notes, and why the notebook still fails nbformat's schema ("" when it passes)."""
    notes: list[str] = []
    if not isinstance(nb.get("metadata"), dict):
        notes.append("the notebook's metadata was not a JSON object (reset)")
        nb["metadata"] = nbformat.NotebookNode()
    if not isinstance(nb.get("nbformat_minor"), int) or isinstance(nb.get("nbformat_minor"), bool) \
            or nb["nbformat_minor"] < 5:
        nb["nbformat_minor"] = 5  # as nbformat.read upgrades it: cells get ids
    nb["nbformat"] = 4
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
    kept = []
    seen_ids: set[str] = set()
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            notes.append(f"cell {number} was not a cell (a JSON {type(cell).__name__}; dropped)")
            continue
        cell = cell if isinstance(cell, nbformat.NotebookNode) else nbformat.from_dict(cell)
        notes += [f"cell {number}: {fix}" for fix in _normalize_cell(cell)]
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not CELL_ID.match(cell_id) or cell_id in seen_ids:
            cell["id"] = _new_id(seen_ids)
        seen_ids.add(cell["id"])
        kept.append(cell)
    nb["cells"] = kept
    problem = _schema_problem(nb)
    if problem:
        notes += _rebuild(nb)
        problem = _schema_problem(nb)
    return notes, problem


def _normalize_cell(cell: dict) -> list[str]:
    fixes = []
    if cell.get("cell_type") not in CELL_TYPES:
        fixes.append(f"unknown cell type {_short(repr(cell.get('cell_type')), 20)} (made a raw cell)")
        cell["cell_type"] = "raw"
    source = cell.get("source", "")
    if isinstance(source, list):
        parts = [part for part in source if isinstance(part, str)]
        if len(parts) != len(source):
            fixes.append("its source held lines that are not text (left out)")
        cell["source"] = "".join(parts)
    elif not isinstance(source, str):
        fixes.append(f"its source was not text but a JSON {_json_type(source)} (emptied)")
        cell["source"] = ""
    if not isinstance(cell.get("metadata"), dict):
        if "metadata" in cell:
            fixes.append("its metadata was not a JSON object (reset)")
        cell["metadata"] = nbformat.NotebookNode()
    fixes += _normalize_nbgrader(cell["metadata"])
    if cell["cell_type"] == "code":
        if not isinstance(cell.get("outputs"), list):
            cell["outputs"] = []
        count = cell.get("execution_count")
        if not (count is None or (isinstance(count, int) and not isinstance(count, bool) and count >= 0)):
            cell["execution_count"] = None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    if "attachments" in cell and not isinstance(cell["attachments"], dict):
        del cell["attachments"]
    return fixes


def _normalize_nbgrader(metadata: dict) -> list[str]:
    if "nbgrader" not in metadata:
        return []
    meta = metadata["nbgrader"]
    if not isinstance(meta, dict):
        del metadata["nbgrader"]
        return [f"its nbgrader metadata was a JSON {_json_type(meta)}, not an object (removed)"]
    gid = meta.get("grade_id")
    if not isinstance(gid, str) or not GRADE_ID.match(gid):
        del metadata["nbgrader"]
        if not meta or (gid is None and not any(meta.get(k) for k in ("grade", "solution", "locked", "task"))):
            return []  # nothing nbgrader tracks
        what = "no grade_id" if gid is None else f"the grade_id {_short(repr(gid), 40)}"
        return [f"its nbgrader metadata had {what} (removed: an ordinary cell now)"]
    fixes = []
    for key, value in list(meta.items()):
        kind = NBGRADER_TYPES.get(key)
        if kind is None:
            continue  # nbgrader removes unknown keys itself
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)) \
                or (key == "cell_type" and value not in CELL_TYPES) or (key == "points" and value < 0):
            del meta[key]
            fixes.append(f"its nbgrader `{key}` was {_short(repr(value), 30)} (removed)")
    return fixes


def _schema_problem(nb: dict) -> str:
    """Why ``nb`` breaks nbformat's schema (extra keys allowed), or ""."""
    try:
        nbformat.validate(nb, relax_add_props=True)
    except nbformat.ValidationError as exc:
        return _short(str(exc.message), 120)
    return ""


def _rebuild(nb: dict) -> list[str]:
    """Cells (then notebook metadata) that break nbformat's schema are rebuilt from their parts."""
    notes = []
    for number, cell in enumerate(nb["cells"], 1):
        if _valid(cell, f"{cell['cell_type']}_cell"):
            continue
        rebuilt = nbformat.NotebookNode(id=cell["id"], cell_type=cell["cell_type"], source=cell["source"],
                                        metadata=nbformat.NotebookNode())
        if "nbgrader" in cell["metadata"]:
            rebuilt["metadata"]["nbgrader"] = cell["metadata"]["nbgrader"]
        if cell["cell_type"] == "code":
            rebuilt["outputs"], rebuilt["execution_count"] = [], None
        if not _valid(rebuilt, f"{cell['cell_type']}_cell"):
            rebuilt["metadata"] = nbformat.NotebookNode()
        cell.clear()
        cell.update(rebuilt)
        notes.append(f"cell {number} did not follow the notebook format (outputs and other metadata dropped)")
    if not _valid(nb):
        keep = {k: v for k, v in nb["metadata"].items() if k in ("kernelspec", "language_info")}
        nb["metadata"] = nbformat.NotebookNode(keep)
        if not _valid(nb):
            nb["metadata"] = nbformat.NotebookNode()
        notes.append("the notebook's metadata did not follow the notebook format (reset)")
    return notes


def _valid(node: dict, ref: str | None = None) -> bool:
    try:
        nbformat.validate(node, ref=ref, version=4, version_minor=5, relax_add_props=True)
        return True
    except nbformat.ValidationError:
        return False


def _new_id(taken: set[str]) -> str:
    while (new := uuid.uuid4().hex[:8]) in taken:
        pass
    return new


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
# Python source
# ---------------------------------------------------------------------------

def parse(source) -> ast.Module | None:
    """The AST of ``source``, or None if it is not text or not Python (syntax error, IPython magics,
    too deeply nested for the parser, null bytes)."""
    if not isinstance(source, str):
        return None
    try:
        return ast.parse(source)
    except (SyntaxError, RecursionError, MemoryError, ValueError, OverflowError):
        return None


def _constant(node: ast.AST, depth: int = 0) -> bool:
    """A constant expression: literals, containers of them, unary and binary operations on them."""
    if depth > 50:
        return False
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_constant(e, depth + 1) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _constant(k, depth + 1) for k in node.keys) and \
            all(_constant(v, depth + 1) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand, depth + 1)
    if isinstance(node, ast.BinOp):
        return _constant(node.left, depth + 1) and _constant(node.right, depth + 1)
    return False


def _name_targets(target: ast.AST) -> list[str] | None:
    """Names a plain assignment target binds; None if it writes anything else (an attribute, an item)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _name_targets(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        names = []
        for element in target.elts:
            inner = _name_targets(element)
            if inner is None:
                return None
            names += inner
        return names
    return None


def _simple_annotation(node: ast.AST) -> bool:
    return all(isinstance(n, (ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Tuple, ast.Load,
                              ast.BinOp, ast.BitOr)) for n in ast.walk(node))


def _definition_binds(stmt: ast.stmt) -> list[str] | None:
    """The names a top-level definition statement binds ([] for a docstring), or None if ``stmt``
    is not a definition: import, def, async def, class, assignment of a constant expression."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Import):
        return [(alias.asname or alias.name).split(".")[0] for alias in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        if stmt.level or any(alias.name == "*" for alias in stmt.names):
            return None  # relative or star imports: what they bind is unknown here
        return [alias.asname or alias.name for alias in stmt.names]
    if isinstance(stmt, ast.Assign) and _constant(stmt.value):
        names = []
        for target in stmt.targets:
            inner = _name_targets(target)
            if inner is None:
                return None
            names += inner
        return names
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and \
            (stmt.value is None or _constant(stmt.value)) and _simple_annotation(stmt.annotation):
        return [stmt.target.id]
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
        return []  # a docstring
    if isinstance(stmt, ast.Pass):
        return []
    return None


def definitions_only(source: str) -> bool:
    """True if every top-level statement of ``source`` is a definition (see :func:`read_submission`)."""
    tree = parse(source)
    return tree is not None and all(_definition_binds(s) is not None for s in tree.body)


def defined_names(source: str) -> list[str]:
    """Top-level names ``source`` binds with def, class or assignment (imports left out), in order;
    blocks at top level (if, try, with, for) are looked into, function and class bodies are not."""
    tree = parse(source)
    if tree is None:
        return []
    names: list[str] = []
    todo = list(reversed(tree.body))
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(stmt.name)
            continue
        targets = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            targets = [stmt.target]
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            targets = [stmt.target]
        for target in targets:
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
        for block in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(stmt, block, None)
            if isinstance(inner, list) and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                 ast.ClassDef)):
                todo += reversed([s for s in inner if isinstance(s, ast.AST)])
    return list(dict.fromkeys(names))


def _segment(source: str, body: list[ast.stmt], index: int) -> str:
    """The text of top-level statement ``body[index]`` (comments kept when it has its lines to itself)."""
    stmt = body[index]
    first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
    last = stmt.end_lineno or stmt.lineno
    previous_end = body[index - 1].end_lineno if index else 0
    next_start = body[index + 1].lineno if index + 1 < len(body) else None
    if (previous_end or 0) < first and (next_start is None or next_start > last):
        return "\n".join(source.splitlines()[first - 1:last])
    try:
        return ast.unparse(stmt)  # shares a line with another statement (`a = 1; print(a)`)
    except (RecursionError, MemoryError, ValueError):
        return ""


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


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_type(value) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")
