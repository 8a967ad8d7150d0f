"""The steps of the grading cycle: roster, release, autograde, feedback, export.

Each wraps the nbgrader command of the same name (run in this process,
:mod:`course_grader.nbgrader_run`) on a :class:`course_grader.course.Course`;
autograde grades in the sandbox first (:mod:`course_grader.runner`) and writes the
instructor's report. Collecting is in :mod:`course_grader.exchange` and :mod:`course_grader.lms`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from course_grader import exchange
from course_grader.course import Course, InstructorError, say

ROSTER_COLUMNS = ("id", "first_name", "last_name", "email")


def import_roster(course: Course, roster: Path) -> int:
    """Create or update the gradebook's students from a roster CSV; how many rows it had."""
    roster = Path(roster).resolve()
    if not roster.is_file():
        raise InstructorError(f"no roster file {roster}")
    with open(roster, newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        rows = list(reader)
    if "id" not in columns or set(columns) - set(ROSTER_COLUMNS):
        raise InstructorError(f"{roster}: the columns must be {','.join(ROSTER_COLUMNS)} (id required); "
                              f"found {','.join(columns) or 'none'}")
    if any(not (row.get("id") or "").strip() for row in rows):
        raise InstructorError(f"{roster}: every row needs an id")
    course.nbgrader("db student import", str(roster))
    return len(rows)


def release(course: Course, module: str, to_exchange: bool = True, force: bool = False) -> None:
    """Record the module in the gradebook, generate the student version, and release it to the exchange."""
    course.source_notebooks(module)
    course.nbgrader("db assignment add", module)
    course.nbgrader("generate_assignment", module, "--force")
    say(f"  generated {course.folders.release(module)}")
    if to_exchange:
        say(f"  released to the exchange {exchange.release_assignment(course, module, force=force)}")


def autograde(course: Course, module: str, workers: int = 2, exercise_timeout: float = 60.0,
              submission_timeout: float = 600.0, sandbox: bool = True, students: list[str] | None = None,
              progress: bool = True):
    """Grade in the sandbox (phase 1), record in the gradebook (nbgrader autograde), write the report."""
    from course_grader.report import one_line, write_report
    from course_grader.runner import GradingOptions, SandboxUnavailable, grade_assignment

    folders = course.folders
    submitted = [s for s in folders.submitted_students(module) if students is None or s in students]
    if not submitted:
        raise InstructorError(f"no submissions of {module} to grade in {folders.submitted('<student>', module)} "
                              f"(run `collect {module}` first)")
    released = course.released_notebooks(module)
    strays = [str(p.relative_to(course.root)) for s in submitted
              for p in sorted(folders.submitted(s, module).glob("*.ipynb")) if p.name not in released]
    if strays:
        raise InstructorError(f"not notebooks of {module} ({', '.join(released)}): {', '.join(strays)}; "
                              "rename or remove them")
    options = GradingOptions(sandbox=sandbox, exercise_timeout_s=exercise_timeout,
                             submission_timeout_s=submission_timeout, workers=workers)
    try:
        results = grade_assignment(folders, module, students, options=options, progress=progress)
    except SandboxUnavailable as error:
        raise InstructorError(f"not grading: {error}") from None
    failed = [r for r in results if any(f.startswith("could not be graded") for f in r.flags)]
    for r in failed:
        say(f"  problem: {one_line(r.student, 40)} ({one_line(r.notebook, 40)}): {one_line(r.flags[-1])}")
    if results and len(failed) == len(results):
        raise InstructorError(f"no submission of {module} could be graded (see the problems above)")
    say(f"  graded {len(results) - len(failed)} notebook(s) of {len(submitted)} student(s) in the sandbox"
        if sandbox else f"  graded {len(results) - len(failed)} notebook(s) WITHOUT a sandbox (--unsafe-no-sandbox)")
    csv_path, md_path = write_report(_with_cached(folders, module, results), folders.reports(module))
    settings = [f"--SandboxedExecute.sandbox={sandbox}", f"--SandboxedExecute.exercise_timeout={exercise_timeout}",
                f"--SandboxedExecute.submission_timeout={submission_timeout}"]
    for selection in ([f"--student={s}" for s in submitted] if students else [None]):
        course.nbgrader("autograde", module, "--force", *settings, *([selection] if selection else []))
    say("  recorded in the gradebook (nbgrader autograde)")
    for r in sorted(results, key=lambda r: r.student):
        say(f"  {one_line(r.student, 40):<16} {one_line(r.notebook, 40):<24} {r.score:g}/{r.max_score:g}"
            + ("   SUSPICIOUS" if r.suspicious else ""))
    flagged = [r for r in results if r.suspicious]
    for r in flagged:
        say(f"  suspicious: {one_line(r.student, 40)} ({one_line(r.notebook, 40)}): "
            + one_line("; ".join(r.suspicious), 600))
    say(f"  report: {md_path} and {csv_path.name}")
    return results


def _with_cached(folders, module: str, results: list) -> list:
    """``results`` and the still valid cached results of the module's other submissions (for the report)."""
    from course_grader.runner import NotebookResult, submission_key

    done = {(r.student, r.notebook) for r in results}
    merged = list(results)
    for path in sorted(folders.grading(module).glob("*/*.json")):
        student, notebook = path.parent.name, path.stem
        files = folders.grading_files(student, module, notebook)
        if (student, notebook) not in done and files.submitted.exists() and files.source.exists():
            cached = NotebookResult.from_json(path.read_text())
            if cached.key == submission_key(files.submitted, files.source):
                merged.append(cached)
    return merged


def feedback(course: Course, module: str) -> Path:
    """HTML feedback per student (hidden tests stripped), released to the exchange if one is in use."""
    course.nbgrader("generate_feedback", module, "--force")
    folders = course.folders
    folder = folders.feedback(".", ".")  # the feedback folder itself ("." for the ids, as nbgrader does)
    say(f"  feedback in {folders.feedback('<student>', module)}/")
    by_hand = exchange.release_feedback(course, module)
    if by_hand:
        say(f"  not submitted through the exchange (hand their feedback back yourself): {', '.join(by_hand)}")
    return folder


def export(course: Course, to: Path) -> list[dict[str, str]]:
    """``nbgrader export`` to a CSV; its rows."""
    to = Path(to).resolve()
    course.nbgrader("export", f"--to={to}")
    with open(to, newline="") as handle:
        return list(csv.DictReader(handle))


def grades_table(rows: list[dict[str, str]]) -> str:
    lines = [f"{'student':<12} {'module':<22} {'score':>6} {'max':>5}"]
    for row in sorted(rows, key=lambda r: (r["assignment"], r["student_id"])):
        lines.append(f"{row['student_id']:<12} {row['assignment']:<22} {float(row['score']):>6g} "
                     f"{float(row['max_score']):>5g}")
    return "\n".join(lines)
