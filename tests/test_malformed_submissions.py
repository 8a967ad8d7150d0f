"""Plain ``nbgrader autograde`` over a class whose notebooks are malformed the ways students' are.

A copy-pasted answer cell (JupyterLab copies a cell's metadata with it), ``nbgrader``
metadata that is not a dict, a ``grade_id`` that is not a string, a ``source`` that is
not a string, edited nbgrader flags: before NormalizeSubmission each stopped nbgrader's
sanitize phase for that student (``KeyError: 'grade_id'`` in OverwriteCells,
``AttributeError`` in DeduplicateIds, a ``ValueError`` or a schema error), and every
exercise of the notebook scored 0. Now every student's scores are recorded and the good
cells score. Module 01: ``step`` (2 points), then ``Perceptron`` (4 points).
"""

from __future__ import annotations

import copy
import csv
import json
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from course_grader import notebook
from course_grader.nbgrader_normalize import NormalizeSubmission
from nbtools import ROOT, SOLUTIONS, completed_notebook, nbgrader

MODULE = "01_perceptron"
WRONG_STEP = "def step(z):\n    return (np.asarray(z) > 0).astype(int)\n"  # step(0) must be 1


def _raw() -> dict:
    return json.loads(nbformat.writes(completed_notebook(MODULE)))


def _cell(nb: dict, gid: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if notebook.grade_id(c) == gid)


def _pasted(first: str, second: str) -> dict:
    nb = _raw()
    index = _cell(nb, "ex_step")
    nb["cells"][index]["source"] = first
    twin = copy.deepcopy(nb["cells"][index])
    twin["id"], twin["source"] = "pasted-copy", second
    nb["cells"].insert(index + 1, twin)
    return nb


def _changed(gid: str, change) -> dict:
    nb = _raw()
    change(nb["cells"][_cell(nb, gid)])
    return nb


def _set(path: list[str], value):
    def change(cell):
        target = cell
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


RIGHT_STEP = notebook.read_source(SOLUTIONS / MODULE / f"{MODULE}.ipynb").exercises[0].reference

# student -> (submission as JSON data, the score nbgrader must record)
SUBMISSIONS = {
    "perfect": (_raw(), 6.0),
    "pasted_wrong_copy_below": (_pasted(RIGHT_STEP, WRONG_STEP), 6.0),  # the first cell is graded
    "pasted_wrong_copy_above": (_pasted(WRONG_STEP, RIGHT_STEP), 4.0),
    "metadata_list": (_changed("ex_step", _set(["metadata", "nbgrader"], ["x"])), 4.0),  # step unanswered
    "metadata_string": (_changed("ex_Perceptron", _set(["metadata", "nbgrader"], "ex_Perceptron")), 2.0),
    "grade_id_int": (_changed("ex_step", _set(["metadata", "nbgrader", "grade_id"], 7)), 4.0),
    "source_number": (_changed("ex_step", _set(["source"], 12)), 4.0),
    "test_source_object": (_changed("test_Perceptron", _set(["source"], {"a": 1})), 6.0),  # the original runs
    "flags_edited": (_changed("test_step", lambda c: c["metadata"]["nbgrader"].update(grade="yes", points="lots")),
                     6.0),
    "unknown_grade_id": (_changed("ex_step", _set(["metadata", "nbgrader", "grade_id"], "ex_mine")), 4.0),
}
# nbformat.read (in nbconvert's Exporter.from_file, before any preprocessor) cannot join these lines
UNREADABLE_BY_NBFORMAT = {"source_list_with_a_number": _changed("ex_step", _set(["source"], ["def step(z):\n", 5]))}


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    course = tmp_path_factory.mktemp("malformed")
    shutil.copytree(SOLUTIONS / MODULE, course / "solutions" / MODULE,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copy(ROOT / "nbgrader_config.py", course)
    root = f"--CourseDirectory.root={course}"
    students = {**SUBMISSIONS, **{s: (nb, None) for s, nb in UNREADABLE_BY_NBFORMAT.items()}}
    with open(course / "roster.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email"])
        writer.writerows([s, s, "Student", ""] for s in students)
    nbgrader("db", "student", "import", "roster.csv", root, cwd=course)
    nbgrader("generate_assignment", MODULE, "--force", root, cwd=course)
    for student, (nb, _) in students.items():
        folder = course / "submitted" / student / MODULE
        folder.mkdir(parents=True)
        (folder / f"{MODULE}.ipynb").write_text(json.dumps(nb))
    proc = nbgrader("autograde", MODULE, "--force", root, cwd=course, check=False)
    log = proc.stdout + proc.stderr
    recorded = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students:
            graded = gradebook.find_submission_notebook(MODULE, MODULE, student)
            recorded[student] = {g.name: g.auto_score for g in graded.grades}
    return course, log, recorded


@pytest.mark.slow
@pytest.mark.parametrize("student", SUBMISSIONS)
def test_every_malformed_submission_is_graded(autograded, student):
    course, log, recorded = autograded
    assert f"for student '{student}'" not in log, log[-6000:]  # nbgrader's "error processing ... for student"
    scores = recorded[student]
    assert set(scores) == {"test_step", "test_Perceptron"} and None not in scores.values(), scores
    assert sum(scores.values()) == SUBMISSIONS[student][1], (student, scores)
    assert (course / "autograded" / student / MODULE / f"{MODULE}.ipynb").is_file()


@pytest.mark.slow
def test_nothing_else_goes_wrong(autograded):
    _, log, _ = autograded
    errors = [line for line in log.splitlines() if "error processing" in line]
    assert all(any(s in line for s in UNREADABLE_BY_NBFORMAT) for line in errors), errors
    assert "KeyError" not in log and "is invalid after preprocessor" not in log


@pytest.mark.slow
@pytest.mark.parametrize("student", UNREADABLE_BY_NBFORMAT)
def test_a_source_list_with_numbers_is_graded(autograded, student):
    _, log, recorded = autograded
    assert f"for student '{student}'" not in log and None not in recorded[student].values()


# ---------------------------------------------------------------------------
# The preprocessor on its own (no gradebook: nbgrader's schema decides)
# ---------------------------------------------------------------------------

def test_normalize_submission_without_a_gradebook():
    nb = _pasted(RIGHT_STEP, WRONG_STEP)
    nb["cells"][_cell(nb, "test_step")]["metadata"]["nbgrader"]["points"] = "lots"
    nb["cells"][_cell(nb, "setup")]["metadata"]["nbgrader"] = ["x"]
    nb["cells"][1]["source"] = None
    node = nbformat.from_dict(nb)
    out, _ = NormalizeSubmission().preprocess(node, {"nbgrader": {"student": "s", "assignment": MODULE,
                                                                  "notebook": MODULE}})
    nbformat.validate(out, relax_add_props=True)
    ids = [notebook.grade_id(c) for c in out.cells if notebook.grade_id(c)]
    assert ids == ["ex_step", "ex_Perceptron", "test_Perceptron"]  # setup had a list; test_step lost points
    step = next(c for c in out.cells if notebook.grade_id(c) == "ex_step")
    assert step.source == RIGHT_STEP and out.cells[1].source == ""
    from nbgrader.nbgraderformat import MetadataValidator

    MetadataValidator().validate_nb(out)  # what CheckCellMetadata does at the end of the sanitize phase
