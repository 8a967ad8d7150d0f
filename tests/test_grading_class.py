"""Right grades for the whole class: students' habits cost nothing, one bad submission stops no one,
and cached results never outlive the code that decided them."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from corpus import all_alternatives
from mutants import all_mutants
from nbtools import completed_notebook, grade_id, notebook_path

import course_utils
from course_grader import cli, nbgrader_ext, runner
from course_grader.demo import DEMO_STUDENTS, make_demo_course
from course_grader.runner import GradingOptions, grade_assignment, grade_notebook

pytestmark = pytest.mark.slow   # every test grades in the real sandbox (module 01, and classes of 07, 08, 10 and 11)

MODULE = "01_perceptron"
OPTIONS = GradingOptions(exercise_timeout_s=10, submission_timeout_s=240)


def _grade(tmp_path: Path, nb) -> runner.NotebookResult:
    path = tmp_path / f"{MODULE}.ipynb"
    nbformat.write(nb, path)
    return grade_notebook(path, notebook_path(MODULE), notebook_path(MODULE, student=True), options=OPTIONS)


def _index(nb, gid: str) -> int:
    return next(i for i, cell in enumerate(nb.cells) if grade_id(cell) == gid)


def test_students_habits_cost_nothing(tmp_path):
    """Pasted answer cells, scratch cells, help(), outputs, notes, edited demos and helper cells: full marks, no flag."""
    nb = completed_notebook(MODULE)
    answer = nb.cells[_index(nb, "ex_step")]
    nb.cells.insert(_index(nb, "test_step") + 1, nbformat.v4.new_code_cell(answer.source, metadata=answer.metadata))
    demo = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not grade_id(c) and "step(" in c.source)
    nb.cells[demo].source = "import tempfile  # trying things\n" + nb.cells[demo].source
    nb.cells.insert(demo + 1, nbformat.v4.new_code_cell("help(np.sum)\nx = step(np.array([1, -1]))\nx"))
    nb.cells.insert(demo + 2, nbformat.v4.new_markdown_cell("**My note:** step(0) is 1, not 0!"))
    nb.cells[demo].outputs = [nbformat.v4.new_output("stream", name="stdout", text="left over\n" * 50)]
    helper = ("import math\nSMALL = 1e-12\n\ndef _nonnegative(z):\n    \"\"\"Where z >= 0.\"\"\"\n"
              "    return np.asarray(z) >= 0\n")
    nb.cells.insert(_index(nb, "ex_step"), nbformat.v4.new_code_cell(helper))
    nb.cells[_index(nb, "ex_step")].source = ("def step(z):\n    out = _nonnegative(z).astype(int)\n"
                                              "    return int(out) if out.ndim == 0 else out\n")
    result = _grade(tmp_path, nb)
    assert result.score == result.max_score, result.exercises
    assert not result.suspicious, result.suspicious
    assert any("appears 2 times" in note for note in result.notes), result.notes


def test_a_parser_bomb_costs_only_its_exercise(tmp_path):
    nb = completed_notebook(MODULE, {"step": "-" * 3000 + "1\n" + "(" * 500 + ")" * 500})
    result = _grade(tmp_path, nb)
    by_name = {e.name: e for e in result.exercises}
    assert not by_name["step"].passed and "not valid Python" in by_name["step"].message, by_name["step"]
    assert by_name["Perceptron"].passed


def _course(tmp_path: Path, module: str = MODULE) -> Path:
    root = tmp_path / "course"
    for folder, student in (("solutions", False), ("notebooks", True)):
        (root / folder / module).mkdir(parents=True)
        shutil.copy(notebook_path(module, student=student), root / folder / module)
    return root


def _submit(root: Path, student: str, nb, name: str = f"{MODULE}.ipynb", module: str = MODULE) -> Path:
    folder = root / "submitted" / student / module
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, str):
        (folder / name).write_text(nb)
    else:
        nbformat.write(nb, folder / name)
    return folder / name


def test_one_submission_that_cannot_be_graded_stops_no_one(tmp_path):
    root = _course(tmp_path)
    _submit(root, "ada", completed_notebook(MODULE))
    _submit(root, "bob", '{"cells": [')
    _submit(root, "cy", completed_notebook(MODULE), name="renamed.ipynb")
    results = {r.student: r for r in grade_assignment(root, MODULE, options=OPTIONS, progress=False)}
    assert results["ada"].score == results["ada"].max_score == 6 and not results["ada"].suspicious
    assert results["bob"].score == 0 and "cannot be read" in " ".join(results["bob"].flags)
    assert results["cy"].score == 0 and "could not be graded" in " ".join(results["cy"].flags)


# (module, exercise cleo gets wrong, the known mistake she makes, fragment of its message, full marks, her score)
CLASSES = [
    ("07_sequence_models", "lstm_cell_forward", "gate order i, f, o, g", "i, f, g, o", 15, 12),
    ("08_nlp", "pad_sequences", "padding sides swapped", "BEFORE", 11, 9),
    ("10_generative_models", "generator_loss", "saturating loss, stable", "non-saturating", 8, 7),
    ("11_attention_transformers", "split_heads", "plain reshape", "single reshape", 9, 7),
]


@pytest.mark.parametrize("module,exercise,mistake,hint,full,cleos", CLASSES, ids=[c[0] for c in CLASSES])
def test_a_class_of_a_module(tmp_path, module, exercise, mistake, hint, full, cleos):
    """Right (ada), blank (ben), one known mistake (cleo) and other styles of right answers (dan), graded together."""
    wrong = next(m for m in all_mutants()[module] if m.mistake == mistake and m.exercise == exercise)
    styles = {a.exercise: a.source for a in reversed(all_alternatives()[module])}   # the first style of each
    root = _course(tmp_path, module)
    name = f"{module}.ipynb"
    _submit(root, "ada", completed_notebook(module), name=name, module=module)
    _submit(root, "ben", nbformat.read(notebook_path(module, student=True), as_version=4), name=name, module=module)
    _submit(root, "cleo", completed_notebook(module, {exercise: wrong.source}), name=name, module=module)
    _submit(root, "dan", completed_notebook(module, styles), name=name, module=module)
    results = {r.student: r for r in grade_assignment(root, module, options=OPTIONS, progress=False)}
    assert results["ada"].score == results["ada"].max_score == full and not results["ada"].suspicious
    assert results["ben"].score == 0 and not results["ben"].suspicious
    cleo = {e.name: e for e in results["cleo"].exercises}
    assert results["cleo"].score == cleos and not cleo[exercise].passed, results["cleo"].exercises
    assert hint in cleo[exercise].message, cleo[exercise].message
    assert results["dan"].score == full and not results["dan"].suspicious, results["dan"].exercises


def test_autograde_fails_only_when_nobody_could_be_graded(tmp_path, capsys):
    course = make_demo_course(tmp_path)
    assert cli.main(["roster", str(tmp_path / "roster.csv"), "--course", str(course.root)]) == 0
    assert cli.main(["release", MODULE, "--no-exchange", "--course", str(course.root)]) == 0
    for student in list(DEMO_STUDENTS)[:2]:
        _submit(course.root, student, completed_notebook(MODULE))
    source = course.root / "solutions" / MODULE / f"{MODULE}.ipynb"
    nb = nbformat.read(source, as_version=4)
    del nb.cells[_index(nb, "setup")].metadata["nbgrader"]   # the instructor's notebook breaks the contract
    nbformat.write(nb, source)
    capsys.readouterr()
    assert cli.main(["autograde", MODULE, "--course", str(course.root), "--workers", "1"]) == 1
    out = capsys.readouterr()
    problems = [line for line in (out.out + out.err).splitlines() if "problem:" in line]
    assert len(problems) == 2 and "no submission of 01_perceptron could be graded" in out.out + out.err, out


def test_the_cache_key_covers_the_grading_code_and_the_checks(tmp_path, monkeypatch):
    """A cached result is reused only while the grader and the checks are the ones that produced it."""
    packages = tmp_path / "packages"
    for package in (Path(course_utils.__file__).parent, Path(runner.__file__).parent):
        shutil.copytree(package, packages / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    real_digest = runner._code_digest
    monkeypatch.setattr(runner, "_code_digest", lambda: real_digest((packages / "course_grader",
                                                                     packages / "course_utils")))
    root = _course(tmp_path)
    submitted = _submit(root, "ada", completed_notebook(MODULE))
    source = root / "solutions" / MODULE / f"{MODULE}.ipynb"
    grade_assignment(root, MODULE, options=OPTIONS, progress=False)
    assert nbgrader_ext.SandboxedExecute._cached(root, MODULE, "ada", MODULE, submitted, source) is not None
    checks = packages / "course_utils" / "checks" / "__init__.py"
    checks.write_text(checks.read_text().replace("def check_close(", "def check_close(  # edited\n", 1))
    assert nbgrader_ext.SandboxedExecute._cached(root, MODULE, "ada", MODULE, submitted, source) is None


def test_an_object_that_equals_everything_is_flagged(tmp_path):
    answer = ("class Always:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
              "def step(z):\n    return Always()\n")
    result = _grade(tmp_path, completed_notebook(MODULE, {"step": answer}))
    by_name = {e.name: e for e in result.exercises}
    assert not by_name["step"].passed and by_name["Perceptron"].passed
    assert any("its own ==" in flag for flag in by_name["step"].flags), by_name["step"].flags


