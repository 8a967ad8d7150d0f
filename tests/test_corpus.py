"""Correct alternative answers pass: the tests judge behaviour, never style (course spec, section 5).

``tests/corpus`` holds, for every graded exercise, correct answers written in other
styles than the reference (loops, NumPy idioms, SciPy, torch, helpers, imports,
asserts, prints, local names that shadow modules). Each must pass the exercise's
test cell, hidden tests included, without writing to stderr; and a notebook
answered entirely by alternatives must get full marks from the grader, unflagged.
"""

from __future__ import annotations

from collections import defaultdict

import nbformat
import pytest

import nbtools
from corpus import Alternative, all_alternatives
from nbtools import exercises, module_ids, notebook_path, read
from test_exercises import runner  # one shared IPython shell per notebook (the shell is a singleton)

MODULES = module_ids()
ALTERNATIVES = all_alternatives()
CORPUS_MODULES = sorted(ALTERNATIVES)
ROUNDS = 3  # at least this many alternatives per exercise


def _by_exercise(module: str) -> dict[str, list[Alternative]]:
    found: dict[str, list[Alternative]] = defaultdict(list)
    for alternative in ALTERNATIVES.get(module, []):
        found[alternative.exercise].append(alternative)
    return found


def _pipeline_rounds() -> list[tuple[str, int]]:
    """The pipeline grades one notebook per round, answered by the i-th alternative of every
    exercise (wrapping around for exercises with fewer), until every alternative has been graded once."""
    return [(module, round_) for module in CORPUS_MODULES
            for round_ in range(max(len(found) for found in _by_exercise(module).values()))]


def _case_id(value) -> str:
    if isinstance(value, Alternative):
        return f"{value.exercise}-{value.style.replace(' ', '_')}"
    return str(value)


@pytest.mark.parametrize(
    "module,alternative",
    [(m, alternative) for m in CORPUS_MODULES for alternative in ALTERNATIVES[m]],
    ids=_case_id,
)
def test_alternative_passes_silently(module, alternative):
    shell = runner(module)
    correct = shell.exercises[alternative.exercise].solution
    namespace = shell.shell.user_ns
    names_before = set(namespace)
    try:
        cell = shell.run(alternative.source)
        assert cell.error is None, f"the alternative answer cell itself fails: {cell.error!r}"
        assert cell.stderr == "", f"the alternative answer cell writes to stderr: {cell.stderr!r}"
        run = shell.run_test(alternative.exercise)
    finally:
        shell.run(correct, must_succeed=True)
        for name in set(namespace) - names_before:  # helpers the alternative defined: none may leak into the next
            del namespace[name]
    assert run.error is None, (
        f"test_{alternative.exercise} rejects a correct answer ({alternative.style}): {run.error!r}"
    )
    assert run.stderr == "", (
        f"test_{alternative.exercise} writes to stderr with a correct answer ({alternative.style}): {run.stderr!r}"
    )


def test_every_exercise_has_three_alternatives():
    for module in MODULES:
        if module not in CORPUS_MODULES:
            continue
        names = [e.name for e in exercises(read(notebook_path(module)))]
        found = _by_exercise(module)
        unknown = sorted(set(found) - set(names))
        assert not unknown, f"{module}: alternatives for exercises the notebook does not have: {unknown}"
        for name in names:
            styles = [a.style for a in found.get(name, [])]
            assert len(set(styles)) == len(styles), f"{module}/{name}: two alternatives share a style: {styles}"
            assert len(styles) >= ROUNDS, f"{module}/{name}: {len(styles)} alternatives, at least {ROUNDS} needed"


def test_corpus_covers_every_module():
    assert CORPUS_MODULES == MODULES, f"corpus modules {CORPUS_MODULES}, course modules {MODULES}"


@pytest.mark.slow
@pytest.mark.parametrize("module,round_", _pipeline_rounds())
def test_grader_gives_alternatives_full_marks_pipeline(module, round_, tmp_path):
    from course_grader.runner import GradingOptions, grade_notebook

    found = _by_exercise(module)
    overrides = {name: alternatives[round_ % len(alternatives)].source for name, alternatives in found.items()}
    submitted = tmp_path / f"{module}.ipynb"
    nbformat.write(nbtools.completed_notebook(module, overrides), submitted)
    result = grade_notebook(submitted, notebook_path(module), notebook_path(module, student=True),
                            options=GradingOptions())   # sandboxed: the real pipeline
    lost = [f"{e.name} [{found[e.name][round_ % len(found[e.name])].style}]: {e.points}/{e.max_points} - {e.message} {e.flags}"
            for e in result.exercises if e.points < e.max_points or e.flags]
    assert result.score == result.max_score and not result.suspicious, (
        f"{module}, round {round_}: correct answers lost points or were flagged:\n  " + "\n  ".join(lost)
        + (f"\n  notebook flags: {result.flags}" if result.flags else "")
    )
