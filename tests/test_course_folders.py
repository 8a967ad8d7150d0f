"""Course folders come from nbgrader's CourseDirectory, for both grading phases.

A course whose nbgrader_config.py renames every folder nbgrader knows is graded end
to end: released, handed in to the renamed submitted folder, autograded with
``scripts/instructor`` (the sandbox, then nbgrader autograde) and exported, then
autograded again with plain ``nbgrader autograde`` (the SandboxedExecute
preprocessor alone). The scores must be exact, and nothing may land in the
default folders.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from course_grader import cli
from course_grader.course import EXCHANGE_ENV
from course_grader.demo import DEMO_STUDENTS, demo_submission, make_demo_course
from course_grader.folders import GRADING_DIRECTORY, REPORTS_DIRECTORY, course_folders
from course_grader.runner import cache_path
from nbtools import ROOT, VENV_BIN, exercises, notebook_path, read

MODULE = "01_perceptron"
SCRIPT = ROOT / "scripts" / "instructor"
RENAMED = {"source_directory": "teacher", "release_directory": "handout", "submitted_directory": "handins",
           "autograded_directory": "marked", "feedback_directory": "returned"}
DEFAULTS = ("solutions", "notebooks", "source", "release", "submitted", "autograded", "feedback")
CLASS = ("ada", "ben", "cleo", "eve")  # right, blank, wrong Perceptron, wrong step (DEMO_STUDENTS)


def _expected() -> dict[str, float]:
    points = {e.name: e.points for e in exercises(read(notebook_path(MODULE)))}
    full = sum(points.values())
    return {"ada": full, "ben": 0.0, "cleo": full - points["Perceptron"], "dan": 0.0,  # dan: on the roster,
            "eve": full - points["step"]}                                               # handed nothing in


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_BWRAP", EXCHANGE_ENV)}
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)  # nbgrader_config.py imports course_grader
    return env


def _export(root: Path, to: Path) -> dict[str, tuple[float, float]]:
    assert cli.main(["export", "--to", str(to), "--course", str(root)]) == 0
    with open(to, newline="") as handle:
        return {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(handle) if row["assignment"] == MODULE}


def test_folders_follow_the_course_directory(tmp_path):
    course = make_demo_course(tmp_path, course_directory=RENAMED)
    folders = course.folders
    root = course.root
    assert folders.source(MODULE) == root / "teacher" / MODULE
    assert (folders.source(MODULE) / f"{MODULE}.ipynb").is_file() and not (root / "solutions").exists()
    assert folders.release(MODULE) == root / "handout" / MODULE
    files = folders.grading_files("ada", MODULE, MODULE)
    assert files.submitted == root / "handins" / "ada" / MODULE / f"{MODULE}.ipynb"
    assert files.cache == root / GRADING_DIRECTORY / MODULE / "ada" / f"{MODULE}.json"
    assert cache_path(root, MODULE, "ada", MODULE) == cache_path(course, MODULE, "ada", MODULE) == files.cache
    assert folders.autograded("ada", MODULE) == root / "marked" / "ada" / MODULE
    assert folders.feedback("ada", MODULE) == root / "returned" / "ada" / MODULE
    assert folders.reports(MODULE) == root / REPORTS_DIRECTORY / MODULE
    for student in ("ada", "ben"):
        folders.submitted(student, MODULE).mkdir(parents=True)
    (root / "handins" / "stray-file").write_text("not a student's folder")
    assert folders.submitted_students(MODULE) == ["ada", "ben"] == course.submitted(MODULE)
    # a folder without nbgrader_config.py is laid out as this repository's nbgrader_config.py says
    bare = course_folders(tmp_path / "bare")
    assert bare.source(MODULE) == tmp_path / "bare" / "solutions" / MODULE
    assert bare.release(MODULE) == tmp_path / "bare" / "notebooks" / MODULE


@pytest.mark.slow   # scripts/instructor autograde (sandbox) and nbgrader autograde of a class
def test_a_course_with_renamed_folders_is_graded_exactly(tmp_path, capsys):
    course = make_demo_course(tmp_path, course_directory=RENAMED)
    root, folders = course.root, course.folders
    assert cli.main(["roster", str(tmp_path / "roster.csv"), "--course", str(root)]) == 0
    assert cli.main(["release", MODULE, "--no-exchange", "--course", str(root)]) == 0
    assert (root / "handout" / MODULE / f"{MODULE}.ipynb").is_file()
    assert set(CLASS) <= set(DEMO_STUDENTS)
    for student in CLASS:
        folder = root / "handins" / student / MODULE
        folder.mkdir(parents=True)
        nbformat.write(demo_submission(course, student), folder / f"{MODULE}.ipynb")

    # scripts/instructor: phase 1 in the sandbox, phase 2 nbgrader autograde (its cached results)
    proc = subprocess.run([str(SCRIPT), "autograde", MODULE, "--course", str(root)], capture_output=True,
                          text=True, timeout=900, env=_env())
    assert proc.returncode == 0, f"autograde failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    assert f"graded {len(CLASS)} notebook(s) of {len(CLASS)} student(s) in the sandbox" in proc.stdout, proc.stdout
    expected = _expected()
    full = expected["ada"]
    assert _export(root, tmp_path / "grades.csv") == {s: (score, full) for s, score in expected.items()}
    for student in CLASS:
        assert (root / "marked" / student / MODULE / f"{MODULE}.ipynb").is_file(), student
        assert folders.grading_files(student, MODULE, MODULE).cache.is_file(), student
    report = list(csv.DictReader(open(root / REPORTS_DIRECTORY / MODULE / "grading-report.csv")))
    assert {r["student"] for r in report} == set(CLASS)

    # plain nbgrader autograde: SandboxedExecute finds the same files; two results regraded, two cached
    regraded = ("cleo", "eve")
    for student in regraded:
        folders.grading_files(student, MODULE, MODULE).cache.unlink()
    shutil.rmtree(root / "marked")
    proc = subprocess.run([str(VENV_BIN / "nbgrader"), "autograde", MODULE, "--force"], cwd=root,
                          capture_output=True, text=True, timeout=900, env=_env())
    assert proc.returncode == 0, f"nbgrader autograde failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    for student in CLASS:
        assert (root / "marked" / student / MODULE / f"{MODULE}.ipynb").is_file(), student
    for student in regraded:  # graded again, by the preprocessor, into the grader's cache
        assert folders.grading_files(student, MODULE, MODULE).cache.is_file(), student
    assert _export(root, tmp_path / "again.csv") == {s: (score, full) for s, score in expected.items()}

    leftovers = [name for name in DEFAULTS if (root / name).exists()]
    assert not leftovers, f"files in the default folders {leftovers}: {sorted(os.listdir(root))}"
