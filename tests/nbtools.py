"""Helpers the tests use to read course notebooks and run their graded cells.

Graded test cells depend only on the setup cell and the exercise (solution)
cells before them, so they can be run without the demos and training in
between: that is what :class:`ExerciseRunner` does, in an IPython shell so
that magics work as in a kernel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_grader.demo import completed_submission
from course_grader.notebook import grade_id, source_of  # noqa: F401 (grade_id: for the tests)

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"
VENV_BIN = Path(sys.executable).parent


def module_ids() -> list[str]:
    """The course modules: one folder per module in solutions/."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").exists())


def notebook_path(module: str, student: bool = False) -> Path:
    return (NOTEBOOKS if student else SOLUTIONS) / module / f"{module}.ipynb"


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


@dataclass
class Exercise:
    name: str
    solution: str  # source of the ex_<name> cell
    test: str  # source of the test_<name> cell
    points: float


def exercises(nb) -> list[Exercise]:
    """Exercises in notebook order, pairing each ex_<name> cell with test_<name> (the grader's
    contract, :func:`course_grader.notebook.source_of`, which raises ValueError if it is broken)."""
    return [Exercise(e.name, e.reference, e.test, e.points) for e in source_of(nb).exercises]


def setup_source(nb) -> str:
    """The setup cell (grade_id 'setup'), as the grader reads it."""
    return source_of(nb).setup


@dataclass
class CellRun:
    error: BaseException | None
    stdout: str
    stderr: str


class ExerciseRunner:
    """Runs a notebook's setup and exercise cells, then individual test cells."""

    def __init__(self, nb):
        from IPython.core.interactiveshell import InteractiveShell

        os.environ.setdefault("MPLBACKEND", "Agg")
        self.shell = InteractiveShell.instance()
        self.shell.reset(new_session=True)
        self.exercises = {e.name: e for e in exercises(nb)}
        self.run(setup_source(nb), must_succeed=True)
        for exercise in self.exercises.values():
            self.run(exercise.solution)

    def run(self, source: str, must_succeed: bool = False) -> CellRun:
        from IPython.utils.capture import capture_output

        with capture_output(display=False) as captured:
            result = self.shell.run_cell(source, silent=False, store_history=False)
        error = result.error_before_exec or result.error_in_exec
        if must_succeed and error is not None:
            raise RuntimeError(f"cell failed: {error!r}\n{captured.stderr}\n--- source ---\n{source}")
        return CellRun(error, captured.stdout, captured.stderr)

    def run_test(self, name: str) -> CellRun:
        return self.run(self.exercises[name].test)


def nbgrader(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run the nbgrader CLI of this environment (its bin/ on PATH, for alembic)."""
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run([str(VENV_BIN / "nbgrader"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def completed_notebook(module: str, overrides: dict[str, str] | None = None):
    """The student notebook with every exercise answered as a student would.

    Answers come from the solution notebook, except exercises named in
    ``overrides`` (``{"step": "<cell source>"}``), which get that source.
    """
    return completed_submission(notebook_path(module), notebook_path(module, student=True), overrides)
