"""The first step of ``nbgrader autograde``: a submission nbgrader can read, whatever a student did to it.

nbgrader's sanitize phase (``ClearOutput``, ``DeduplicateIds``, ``OverwriteKernelspec``,
``OverwriteCells``, ``CheckCellMetadata``) trusts the cell metadata of a submission: a
copy-pasted answer cell (JupyterLab copies a cell's metadata with it) leaves
``DeduplicateIds`` an empty ``nbgrader`` dict and ``OverwriteCells`` stops with
``KeyError: 'grade_id'``; ``nbgrader`` metadata that is not a dict, a ``grade_id`` that
is not a string or a ``source`` that is not a string stop it too. Each of these used to
cost the student every point of the notebook. :class:`NormalizeSubmission` runs before
them and leaves them a notebook they can handle:

1. the repairs of :func:`course_grader.notebook.normalize` (the grader's own reading);
2. each cell whose grade_id the gradebook knows gets back the nbgrader metadata of the
   release (grade, solution, locked, points, checksum, cell type), so no edited flag or
   value can break a later step; the nbgrader metadata of a cell whose grade_id the
   gradebook does not know is removed (an ordinary cell, as ``OverwriteCells`` half does);
3. of several cells with one grade_id, the first of the released cell type (the first
   code cell for an answer or test) keeps it, the others become ordinary cells: the
   grader (:func:`course_grader.notebook.read_submission`) grades that same first cell.

Every repair is logged as a warning; nothing here raises.
"""

from __future__ import annotations

import copy

from nbconvert.exporters import NotebookExporter
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from course_grader.notebook import NotebookError, _normalize, grade_id, read_notebook

__all__ = ["NormalizeSubmission"]


class NormalizeSubmission(NbGraderPreprocessor):
    """Repair a submission's structure and nbgrader metadata so nbgrader's sanitize phase cannot crash."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        info = resources.get("nbgrader", {}) if isinstance(resources, dict) else {}
        label = "/".join(str(info.get(k, "?")) for k in ("student", "assignment", "notebook"))
        try:
            notes, problem = _normalize(nb)
            if problem:
                notes.append(f"still not a valid notebook after the repairs ({problem})")
            released = self._released(info)
            notes += _restore_metadata(nb, released) if released is not None else _drop_invalid_metadata(nb)
            notes += _deduplicate(nb, released or {})
        except Exception as exc:  # noqa: BLE001 - repairing must never be what stops the class
            self.log.exception("%s: could not normalize the submission (%s); nbgrader gets it as it is", label, exc)
            return nb, resources
        for note in notes:
            self.log.warning("%s: %s", label, note)
        return nb, resources

    def _released(self, info: dict) -> dict[str, dict] | None:
        """grade_id -> the nbgrader metadata nbgrader released for it, from the gradebook (None if unknown)."""
        if not info.get("db_url") or not info.get("notebook") or not info.get("assignment"):
            return None
        from nbgrader.api import Gradebook, MissingEntry

        try:
            with Gradebook(info["db_url"]) as gradebook:
                notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
                grades = {c.name: float(c.max_score) for c in notebook.grade_cells}
                solutions = {c.name for c in notebook.solution_cells}
                tasks = {c.name: float(c.max_score) for c in notebook.task_cells}
                released = {}
                for cell in notebook.source_cells:
                    meta = {"schema_version": 3, "grade": cell.name in grades, "solution": cell.name in solutions,
                            "task": cell.name in tasks, "locked": bool(cell.locked), "grade_id": cell.name,
                            "cell_type": cell.cell_type}
                    if cell.name in grades or cell.name in tasks:
                        meta["points"] = grades.get(cell.name, tasks.get(cell.name))
                    if isinstance(cell.checksum, str) and len(cell.checksum) == 32:
                        meta["checksum"] = cell.checksum
                    released[cell.name] = meta
                return released
        except MissingEntry:
            self.log.warning("%s/%s is not in the gradebook: nbgrader metadata checked against its schema only",
                             info.get("assignment"), info.get("notebook"))
        except Exception as exc:  # noqa: BLE001
            self.log.warning("the gradebook could not be read (%s): nbgrader metadata checked against its "
                             "schema only", exc)
        return None


def _restore_metadata(nb: NotebookNode, released: dict[str, dict]) -> list[str]:
    notes = []
    for number, cell in enumerate(nb.cells, 1):
        if "nbgrader" not in cell.metadata:
            continue
        gid = grade_id(cell)
        if gid not in released:
            del cell.metadata["nbgrader"]
            notes.append(f"cell {number}: grade_id {gid!r} is not in the gradebook (its nbgrader metadata was removed)")
            continue
        theirs = cell.metadata["nbgrader"]
        changed = [key for key in ("grade", "solution", "locked", "task", "points")
                   if key in released[gid] and theirs.get(key, False) != released[gid][key]]
        if changed:
            notes.append(f"cell {number} ({gid}): nbgrader metadata {', '.join(changed)} restored as released")
        cell.metadata["nbgrader"] = NotebookNode(copy.deepcopy(released[gid]))
    return notes


def _drop_invalid_metadata(nb: NotebookNode) -> list[str]:
    """Without the gradebook: nbgrader metadata that nbgrader's own validator refuses is removed."""
    from nbgrader.nbgraderformat import MetadataValidator

    validator = MetadataValidator()
    notes = []
    for number, cell in enumerate(nb.cells, 1):
        if "nbgrader" not in cell.metadata:
            continue
        try:
            validator.validate_cell(validator.upgrade_cell_metadata(copy.deepcopy(cell)))
        except Exception as exc:  # noqa: BLE001 - SchemaMismatchError is not a ValidationError
            del cell.metadata["nbgrader"]
            notes.append(f"cell {number}: invalid nbgrader metadata removed ({str(exc).splitlines()[0][:100]})")
    return notes


def _deduplicate(nb: NotebookNode, released: dict[str, dict]) -> list[str]:
    """Keep each grade_id on one cell: the first of its released type (code if unknown)."""
    cells: dict[str, list[int]] = {}
    for index, cell in enumerate(nb.cells):
        if gid := grade_id(cell):
            cells.setdefault(gid, []).append(index)
    notes = []
    for gid, indices in cells.items():
        if len(indices) < 2:
            continue
        wanted = released.get(gid, {}).get("cell_type", "code")
        keep = next((i for i in indices if nb.cells[i].cell_type == wanted), indices[0])
        for index in indices:
            if index != keep:
                del nb.cells[index].metadata["nbgrader"]
        notes.append(f"grade_id {gid} is on {len(indices)} cells: cell {keep + 1} keeps it, the others are "
                     "ordinary cells now")
    return notes


class NormalizingExporter(NotebookExporter):
    """nbgrader's notebook exporter, reading through :func:`course_grader.notebook.read_notebook`.

    nbconvert's reader fails on some malformed files before any preprocessor runs
    (a ``source`` list holding a number); this one repairs them first, as
    :class:`NormalizeSubmission` would, and says why when a file is no notebook at all.
    """

    def from_file(self, file_stream, resources=None, **kw):
        try:
            nb = read_notebook(file_stream.name)
        except NotebookError as exc:
            raise ValueError(exc.reason) from None
        return self.from_notebook_node(nb, resources=resources, **kw)
