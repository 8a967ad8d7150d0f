"""Graded exercises: solutions pass, blanks fail, and the usual mistakes are caught.

Runs only the setup, exercise and test cells of each notebook (no demos), so it
is quick; the whole notebooks are executed by test_notebooks_execute.py.
"""

from __future__ import annotations

import pytest

from mutants import all_mutants
from nbtools import ExerciseRunner, exercises, module_ids, notebook_path, read

MODULES = module_ids()
MUTANTS = all_mutants()
_runners: dict[tuple[str, bool], ExerciseRunner] = {}


def runner(module: str, student: bool = False) -> ExerciseRunner:
    """One shell per notebook, reused across tests (setting it up imports frameworks)."""
    key = (module, student)
    if key not in _runners:
        _runners.clear()  # one shell at a time: InteractiveShell is a singleton
        _runners[key] = ExerciseRunner(read(notebook_path(module, student)))
    return _runners[key]


def graded(student: bool) -> list[tuple[str, str]]:
    return [(m, e.name) for m in MODULES for e in exercises(read(notebook_path(m, student)))]


@pytest.mark.parametrize("module,name", graded(student=False))
def test_solution_passes_silently(module, name):
    run = runner(module).run_test(name)
    assert run.error is None, f"test_{name} fails on the solution: {run.error!r}"
    assert run.stderr == "", f"test_{name} writes to stderr (nbgrader would score it 0): {run.stderr!r}"


@pytest.mark.parametrize("module,name", graded(student=True))
def test_blank_exercise_fails(module, name):
    run = runner(module, student=True).run_test(name)
    assert run.error is not None, f"test_{name} passes on the blank student notebook"


@pytest.mark.parametrize(
    "module,mutant",
    [(m, mutant) for m in MODULES for mutant in MUTANTS.get(m, [])],
    ids=lambda v: v if isinstance(v, str) else f"{v.exercise}-{v.mistake.replace(' ', '_')}",
)
def test_hidden_tests_catch_mistake(module, mutant):
    shell = runner(module)
    correct = shell.exercises[mutant.exercise].solution
    shell.run(mutant.source, must_succeed=True)
    try:
        run = shell.run_test(mutant.exercise)
    finally:
        shell.run(correct, must_succeed=True)
    assert isinstance(run.error, AssertionError), (
        f"test_{mutant.exercise} should reject '{mutant.mistake}' with an AssertionError, got {run.error!r}"
    )
    assert mutant.expect.lower() in str(run.error).lower(), (
        f"the message for '{mutant.mistake}' should mention {mutant.expect!r}; it says: {run.error}"
    )


def test_every_exercise_has_mutants():
    for module in MODULES:
        covered = {m.exercise for m in MUTANTS.get(module, [])}
        names = {e.name for e in exercises(read(notebook_path(module)))}
        assert names <= covered, f"{module}: exercises without mutants: {sorted(names - covered)}"
