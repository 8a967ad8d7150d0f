"""Benchmark: seconds per submission when grading a simulated class, sandboxed vs not, by workers.

Usage (from the repository root):

    .venv/bin/python benchmarks/grading.py [--students 30] [--modules 01_perceptron ...] [--workers 1 2 4]
        [--output benchmarks/grading.md]

Every student submits every module: a third the solutions, a third a blank notebook,
the rest one known mistake (from tests/mutants). The class is graded with
``course_grader.runner.grade_assignment`` (phase 1 of ``scripts/instructor
autograde``; nbgrader's gradebook pass afterwards takes about a second per
submission) with and without the bubblewrap sandbox, for each worker count.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from mutants import all_mutants  # noqa: E402
from nbtools import completed_notebook, module_ids, notebook_path, read  # noqa: E402

from course_grader.runner import GradingOptions, grade_assignment  # noqa: E402

# The same benchmark on 2026-11-22 (commit bf399b0), before the trust boundary: student code and
# hidden tests shared one forked process per exercise. (sandbox, workers, submissions, total s)
BEFORE = [("bubblewrap", 1, 90, 215), ("bubblewrap", 2, 90, 180),
          ("none (--unsafe-no-sandbox)", 1, 90, 237), ("none (--unsafe-no-sandbox)", 2, 90, 164)]


def make_class(course: Path, students: int, modules: list[str]) -> None:
    """Write solutions/, notebooks/ and submitted/<student>/<module>/<module>.ipynb under ``course``."""
    mutants = all_mutants()
    for module in modules:
        (course / "solutions" / module).mkdir(parents=True)
        shutil.copy(notebook_path(module), course / "solutions" / module)
        (course / "notebooks" / module).mkdir(parents=True)
        shutil.copy(notebook_path(module, student=True), course / "notebooks" / module)
        for i in range(students):
            if i % 3 == 0:
                nb = completed_notebook(module)
            elif i % 3 == 1:
                nb = read(notebook_path(module, student=True))
            else:
                mutant = mutants[module][i % len(mutants[module])]
                nb = completed_notebook(module, {mutant.exercise: mutant.source})
            folder = course / "submitted" / f"student{i:02d}" / module
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{module}.ipynb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--modules", nargs="*", default=[m for m in module_ids() if m[:2] in ("01", "02", "03")])
    parser.add_argument("--workers", nargs="*", type=int, default=[1, 2])
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "grading.md"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        make_class(course, args.students, args.modules)
        for sandboxed in (True, False):
            for workers in args.workers:
                options = GradingOptions(sandbox=sandboxed, workers=workers)
                start = time.monotonic()
                count = 0
                for module in args.modules:
                    shutil.rmtree(course / "grading", ignore_errors=True)
                    count += len(grade_assignment(course, module, options=options, progress=False))
                seconds = time.monotonic() - start
                rows.append((sandboxed, workers, count, seconds, os.getloadavg()[1]))
                print(f"sandbox={sandboxed} workers={workers}: {count} submissions in {seconds:.0f} s "
                      f"= {seconds / count:.2f} s per submission", flush=True)
    lines = [
        "# Autograding benchmark",
        "",
        f"{datetime.date.today()}, {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}.",
        f"A class of {args.students} students x modules {', '.join(args.modules)} (a third right, a third blank, "
        "a third one known mistake), graded exercise by exercise (`course_grader`).",
        "",
        "The load average column shows what else ran on the machine meanwhile (2.0 = both cores busy).",
        "",
        "| sandbox | workers | submissions | total s | s per submission | load average (5 min) |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {'bubblewrap' if s else 'none (--unsafe-no-sandbox)'} | {w} | {n} | {t:.0f} | {t / n:.2f} | {load:.1f} |"
              for s, w, n, t, load in rows]
    lines += [
        "",
        "Before the trust boundary (2026-11-22: student code and hidden tests in one forked process per",
        "exercise; load average 3-4), the same class of modules 01-03:",
        "",
        "| sandbox | workers | submissions | total s | s per submission |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {s} | {w} | {n} | {t} | {t / n:.2f} |" for s, w, n, t in BEFORE]
    lines += ["", "Stock `nbgrader autograde` (the whole notebook in one kernel, unsandboxed) took about 37 s per",
              "submission of the same modules on this machine."]
    Path(args.output).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
