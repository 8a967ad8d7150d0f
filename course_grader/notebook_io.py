"""Reading and repairing notebook files, before anything looks into their cells.

:func:`read_notebook` reads and validates any notebook file. A file that is not a
notebook raises :class:`NotebookError` with one sentence saying why; what nbgrader
would choke on (a ``source`` that is not a string, ``metadata.nbgrader`` that is not
a dict, a ``grade_id`` that is not a string, malformed outputs...) is repaired, and
each repair is recorded as a note. :func:`normalize` is the same repair on a
notebook already read (:class:`course_grader.nbgrader_normalize.NormalizeSubmission`
applies it at the start of ``nbgrader autograde``). The contract that reads the
cells is :mod:`course_grader.notebook`.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import nbformat

MAX_BYTES = 20 * 1024 * 1024  # a course notebook with its outputs is well under 5 MB
CELL_TYPES = ("code", "markdown", "raw")
GRADE_ID = re.compile(r"^[a-zA-Z0-9_\-]+$")  # nbgrader's schema (v3), not empty
CELL_ID = re.compile(r"^[a-zA-Z0-9_\-]{1,64}$")  # nbformat 4.5
# nbgrader metadata keys and the types its schema (v3) allows
NBGRADER_TYPES: dict[str, type | tuple[type, ...]] = {
    "schema_version": int, "grade": bool, "solution": bool, "locked": bool, "task": bool,
    "grade_id": str, "points": (int, float), "checksum": str, "cell_type": str}


class NotebookError(ValueError):
    """The file is not a notebook the grader can read; ``reason`` says why in one sentence."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
    found = nb.get("cells")
    cells: list = found if isinstance(found, list) else []
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
                or (key == "cell_type" and value not in CELL_TYPES) \
                or (key == "points" and isinstance(value, (int, float)) and value < 0):
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


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_type(value) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")
