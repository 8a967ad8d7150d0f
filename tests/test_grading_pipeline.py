"""A simulated class through the real nbgrader cycle: gradebook, release, autograde, export.

Three students submit every module: one with the solutions, one blank, and one
with a single wrong function (a known mistake in the module's *first* exercise,
which later exercises build on). The exported grades must be full marks, zero, and
full marks less exactly that exercise's points: each exercise is graded with the
reference solutions of the ones before it, so a mistake never cascades.
"""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest

from mutants import all_mutants
from nbtools import ROOT, SOLUTIONS, completed_notebook, exercises, module_ids, nbgrader, notebook_path, read

pytestmark = pytest.mark.slow

STUDENTS = ("perfect", "blank", "one_wrong")


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(SOLUTIONS, course / "solutions")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    root = f"--CourseDirectory.root={course}"
    for student in STUDENTS:
        nbgrader("db", "student", "add", student, f"--last-name={student}", root, cwd=course)
    wrong = {}
    nbgrader("generate_assignment", "*", "--force", root, cwd=course)   # every module, one process
    for module in module_ids():
        first = exercises(read(notebook_path(module)))[0].name
        mutant = next(m for m in all_mutants()[module] if m.exercise == first)
        wrong[module] = mutant
        submissions = {
            "perfect": completed_notebook(module),
            "blank": read(course / "notebooks" / module / f"{module}.ipynb"),
            "one_wrong": completed_notebook(module, {mutant.exercise: mutant.source}),
        }
        for student, nb in submissions.items():
            folder = course / "submitted" / student / module
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{module}.ipynb")
    nbgrader("autograde", "*", "--force", root, cwd=course)
    nbgrader("export", "--to=grades.csv", root, cwd=course)
    with open(course / "grades.csv") as handle:
        rows = list(csv.DictReader(handle))
    return {(r["assignment"], r["student_id"]): r for r in rows}, wrong


def _max_points(module: str) -> float:
    return sum(e.points for e in exercises(read(notebook_path(module))))


@pytest.mark.parametrize("module", module_ids())
def test_solutions_score_full_marks(graded_class, module):
    grades, _ = graded_class
    row = grades[(module, "perfect")]
    assert float(row["max_score"]) == _max_points(module)
    assert float(row["score"]) == _max_points(module), row


@pytest.mark.parametrize("module", module_ids())
def test_blank_submission_scores_zero(graded_class, module):
    grades, _ = graded_class
    assert float(grades[(module, "blank")]["score"]) == 0.0


@pytest.mark.parametrize("module", module_ids())
def test_one_wrong_function_loses_exactly_its_points(graded_class, module):
    grades, wrong = graded_class
    lost = next(e.points for e in exercises(read(notebook_path(module))) if e.name == wrong[module].exercise)
    assert float(grades[(module, "one_wrong")]["score"]) == _max_points(module) - lost
