"""scripts/check: a student's notebook graded as the grader will, with what a student has."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat

from nbtools import ROOT, completed_notebook, notebook_path, read

MODULE = "01_perceptron"


def _check(nb, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / f"{MODULE}.ipynb"
    nbformat.write(nb, path)
    return subprocess.run([str(ROOT / "scripts" / "check"), str(path)], capture_output=True, text=True, timeout=300)


def _answer(nb, name: str, source: str):
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == f"ex_{name}":
            cell.source = source
    return nb


def test_a_completed_notebook_passes(tmp_path):
    done = _check(completed_notebook(MODULE), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[:2] == ["step        passes", "Perceptron  passes"]


def test_a_wrong_answer_says_what_is_wrong(tmp_path):
    nb = _answer(completed_notebook(MODULE), "step", "def step(z):\n    return (np.asarray(z) > 0).astype(int)\n")
    done = _check(nb, tmp_path)
    assert done.returncode == 1
    step = done.stdout.splitlines()[0]
    assert step.startswith("step        fails: step must give 0 for z < 0 and 1 for z >= 0"), step
    assert "fix them in order" in done.stdout   # your own step stands in for the reference: said so


def test_names_from_cells_grading_does_not_run_are_named(tmp_path):
    nb = completed_notebook(MODULE)
    nb.cells.insert(3, nbformat.v4.new_code_cell("THRESHOLD = np.float64(0.0)\nprint('scratch')\n"))
    nb.cells.insert(4, nbformat.v4.new_code_cell("def at_least(z, t):\n    return np.asarray(z) >= t\n"))
    nb = _answer(nb, "step", "def step(z):\n    out = at_least(z, THRESHOLD).astype(int)\n"
                             "    return int(out) if out.ndim == 0 else out\n")
    done = _check(nb, tmp_path)
    step = done.stdout.splitlines()[0]
    assert "uses `THRESHOLD` (cell 4)" in step and "at_least" not in step, step   # a definitions-only cell runs
    assert "fails" in step and done.returncode == 1, done.stdout


def test_a_blank_notebook_fails_without_a_crash(tmp_path):
    done = _check(read(notebook_path(MODULE, student=True)), tmp_path)
    assert done.returncode == 1 and "not answered yet" in done.stdout, done.stdout + done.stderr


def test_what_students_get_holds_no_hidden_test():
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        assert "BEGIN HIDDEN TESTS" not in path.read_text(), path


def test_a_missing_file_is_one_clear_error(tmp_path):
    done = subprocess.run([str(ROOT / "scripts" / "check"), str(tmp_path / "nope.ipynb")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1
