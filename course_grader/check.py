"""Check a notebook before handing it in: graded as the grader will, with what a student has.

``scripts/check NOTEBOOK`` (or ``python -m course_grader.check NOTEBOOK``) runs each
exercise of a saved notebook the way the autograder does: a fresh process per
exercise with the notebook's setup cell, the definitions the student added, the
student's *own* answers to the earlier exercises (where the grader puts its
reference solutions) and the answer cell; then the exercise's visible tests (a
student's notebook holds no hidden ones) from another process. Demo and scratch
cells do not run, as in grading. One line per exercise says whether it passes,
what fails, and which names an answer uses that only a cell grading does not run
defines. Exit status 0 when every exercise passes.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import sys
import time
from pathlib import Path

from course_grader import notebook, runner
from course_grader.folders import course_folders


def _bound(tree: ast.AST) -> set[str]:
    """Every name a piece of code binds anywhere (assignments, defs, imports, parameters, loops)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _used(tree: ast.AST) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def outside_names(answer: str, available: set[str], other_cells: list[tuple[int, str]]) -> list[str]:
    """Names ``answer`` uses that only a cell which grading does not run defines, with that cell's number."""
    tree = notebook.parse(answer)
    if tree is None:
        return []
    free = _used(tree) - _bound(tree) - available - set(dir(builtins))
    found = []
    for name in sorted(free):
        for number, code in other_cells:
            other = notebook.parse(code)
            if other is not None and name in _bound(other):
                found.append(f"`{name}` (cell {number})")
                break
    return found


def _deduplicated(path: Path) -> notebook.Source:
    """The notebook's contract, keeping the first cell of a grade_id a student copied."""
    nb = notebook.read_notebook(path)
    seen: set[str] = set()
    for cell in nb.cells:
        gid = notebook.grade_id(cell)
        if gid and gid in seen:
            del cell.metadata["nbgrader"]
        elif gid:
            seen.add(gid)
    return notebook.source_of(nb, str(path))


def _released(path: Path) -> Path | None:
    """The notebook as handed out (this course's notebooks/), to tell demo cells from cells the student added."""
    course = course_folders(Path(__file__).resolve().parent.parent)   # this course, folders from its nbgrader config
    candidate = course.release(path.stem) / f"{path.stem}.ipynb"
    return candidate if candidate.is_file() and candidate.resolve() != path.resolve() else None


def check(path: Path, exercise_timeout_s: float = 60.0) -> tuple[list[str], bool]:
    """One line per exercise of the notebook at ``path``, and whether all pass."""
    source = _deduplicated(path)
    released = _released(path)
    if released is None:   # no handed-out copy to compare with: every code cell that is not graded counts as added
        source.cells = {}
    submission = notebook.read_submission(path, released, source)
    options = runner.GradingOptions(sandbox=False, exercise_timeout_s=exercise_timeout_s)
    graded = runner._run_exercises(source.setup, source.exercises, source.exercises, submission.answers,
                                   submission.helpers, options, 0, time.monotonic())
    nb = notebook.read_notebook(path)
    graded_sources = {source.setup, *submission.answers.values()}
    other_cells = [(i + 1, c.source) for i, c in enumerate(nb.cells)
                   if c.cell_type == "code" and c.source not in graded_sources]
    available = set()
    for code in [source.setup, *submission.helpers]:
        tree = notebook.parse(code)
        available |= _bound(tree) if tree is not None else set()
    width = max((len(e.name) for e in source.exercises), default=0)
    lines, all_pass = [], True
    for exercise in source.exercises:
        available |= set(exercise.defines)
        result = graded[exercise.name]
        status = "passes" if result.passed else "fails: " + result.message.split("\n", 1)[0]
        outside = outside_names(submission.answers.get(exercise.name, ""), available, other_cells)
        if outside:
            status += ("; " if result.passed else " - ") + "uses " + ", ".join(outside) + \
                      ", defined only outside the graded cells (grading does not run that cell)"
        lines.append(f"{exercise.name:<{width}}  {status}")
        all_pass = all_pass and result.passed and not outside
    return lines, all_pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/check", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path, help="the saved notebook (.ipynb) to check")
    parser.add_argument("--exercise-timeout", type=float, default=60.0, help="seconds one exercise may take")
    args = parser.parse_args(argv)
    try:
        lines, all_pass = check(args.notebook, args.exercise_timeout)
    except (notebook.NotebookError, ValueError, OSError) as error:
        print(f"error: {error} - save the notebook and give its path, e.g. "
              "scripts/check notebooks/01_perceptron/01_perceptron.ipynb", file=sys.stderr)
        return 2
    print("\n".join(lines))
    print("all exercises pass their visible tests; the hidden tests check more cases" if all_pass
          else "some exercises need work (the messages say what to look at); an exercise runs with your answers "
               "to the earlier ones, so fix them in order")
    return 0 if all_pass else 1


if __name__ == "__main__":
    sys.exit(main())
