"""Grade submitted notebooks: static checks, then every exercise in the sandbox.

Each exercise is graded on its own (see :mod:`course_grader.harness`): the
instructor's setup cell and reference solutions of the exercises before it, the
student's answer cell, then the instructor's test cell with the hidden tests.
Demo cells are not run, so they can neither break nor fake a test; a student's
mistake in one exercise never costs the points of another.
"""

from __future__ import annotations

import csv
import hashlib
import json
import queue
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from course_grader import sandbox, scan
from course_grader.sandbox import SandboxUnavailable

__all__ = ["GradingOptions", "ExerciseResult", "NotebookResult", "SandboxUnavailable", "grade_notebook",
           "grade_assignment", "write_report", "cache_path", "submission_key"]

HARNESS_VERSION = "1"
SETUP_ALLOWANCE_S = 90.0  # starting the sandbox and running the setup cell (imports)


@dataclass
class GradingOptions:
    """How to grade; the defaults are what the instructor commands use."""

    sandbox: bool = True  # False only when the instructor opts out explicitly
    exercise_timeout_s: float = 60.0
    submission_timeout_s: float = 600.0
    memory_mb: int = 4096
    workers: int = 2


@dataclass
class ExerciseResult:
    name: str
    points: float
    max_points: float
    passed: bool
    message: str
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class NotebookResult:
    student: str
    assignment: str
    notebook: str
    exercises: list[ExerciseResult]
    flags: list[str] = field(default_factory=list)
    seconds: float = 0.0
    key: str = ""

    @property
    def score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_points for e in self.exercises)

    @property
    def suspicious(self) -> list[str]:
        return self.flags + [f"{e.name}: {flag}" for e in self.exercises for flag in e.flags]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> NotebookResult:
        data = json.loads(text)
        data["exercises"] = [ExerciseResult(**e) for e in data["exercises"]]
        return cls(**data)


@dataclass
class _Exercise:
    name: str
    reference: str
    test: str
    points: float


def _read_source(path: Path) -> tuple[str, list[_Exercise]]:
    """The setup cell and the exercises (reference answer, test, points) of a source notebook."""
    nb = nbformat.read(path, as_version=4)
    cells = {scan.grade_id(c): c for c in nb.cells if scan.grade_id(c)}
    if "setup" not in cells:
        raise ValueError(f"{path} has no setup cell (grade_id 'setup')")
    exercises = []
    for gid, cell in cells.items():
        if gid.startswith("ex_"):
            test = cells.get(f"test_{gid[3:]}")
            if test is None:
                raise ValueError(f"{path}: exercise {gid} has no test_{gid[3:]} cell")
            exercises.append(_Exercise(gid[3:], cell.source, test.source, float(test.metadata.nbgrader["points"])))
    return cells["setup"].source, exercises


def submission_key(submitted: Path, source: Path) -> str:
    """Identifies a grading: the submitted file, the source notebook and the grader version."""
    digest = hashlib.sha256(HARNESS_VERSION.encode())
    for path in (submitted, source):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _answers(nb) -> dict[str, str]:
    answers: dict[str, str] = {}
    for cell in nb.cells:
        gid = scan.grade_id(cell)
        if gid and gid.startswith("ex_") and cell.cell_type == "code" and gid[3:] not in answers:
            answers[gid[3:]] = cell.source
    return answers


def _module_names(setup: str) -> set[str]:
    import ast

    return scan._imported_names(ast.parse(setup))


def grade_notebook(submitted: Path, source: Path, released: Path | None = None, *,
                   options: GradingOptions | None = None, slot: int = 0,
                   student: str = "", assignment: str = "") -> NotebookResult:
    """Grade one submitted notebook against its source (solutions + hidden tests) notebook."""
    options = options or GradingOptions()
    start = time.monotonic()
    setup, exercises = _read_source(source)
    result = NotebookResult(student, assignment, source.stem, [], key=submission_key(submitted, source))
    try:
        nb = nbformat.read(submitted, as_version=4)
    except Exception as exc:  # noqa: BLE001 - a broken file must still get a report
        result.flags.append(f"the notebook cannot be read ({type(exc).__name__}: {exc})")
        result.exercises = [ExerciseResult(e.name, 0.0, e.points, False, "the notebook file cannot be read")
                            for e in exercises]
        return result
    if released is not None and released.exists():
        released_nb = nbformat.read(released, as_version=4)
        result.flags += scan.compare(nb, released_nb)
        for code in scan.added_code(nb, released_nb):
            result.flags += [f"a code cell of the student's {why}" for why in scan.gate(code, _module_names(setup))]
    answers = _answers(nb)
    by_name: dict[str, ExerciseResult] = {}
    runnable = []
    for exercise in exercises:
        answer = answers.get(exercise.name)
        if answer is None:
            by_name[exercise.name] = ExerciseResult(exercise.name, 0.0, exercise.points, False,
                                                    f"the answer cell ex_{exercise.name} is missing")
            continue
        broken = scan.syntax_error(answer)
        if broken:
            by_name[exercise.name] = ExerciseResult(exercise.name, 0.0, exercise.points, False,
                                                    f"your answer cell is not valid Python: {broken}")
            continue
        problems = scan.gate(answer, _module_names(setup))
        if problems:
            by_name[exercise.name] = ExerciseResult(
                exercise.name, 0.0, exercise.points, False,
                "not graded: answer cells may not inspect or change the grader or the system "
                f"({problems[0]}); your instructor will review it", flags=problems)
            continue
        runnable.append(exercise)
    by_name.update(_run_in_sandbox(setup, exercises, runnable, answers, options, slot, start))
    result.exercises = [by_name[e.name] for e in exercises]
    result.seconds = round(time.monotonic() - start, 2)
    return result


def _run_in_sandbox(setup: str, exercises: list[_Exercise], runnable: list[_Exercise], answers: dict[str, str],
                    options: GradingOptions, slot: int, start: float) -> dict[str, ExerciseResult]:
    """Run the runnable exercises; start a fresh sandbox after a crash until all are graded."""
    graded: dict[str, ExerciseResult] = {}
    order = [e.name for e in exercises]
    remaining = list(runnable)
    python = str(Path(sys.executable))
    while remaining:
        left = options.submission_timeout_s - (time.monotonic() - start)
        if left <= 0:
            for e in remaining:
                graded[e.name] = ExerciseResult(e.name, 0.0, e.points, False,
                                                "not graded: the submission's time limit was reached")
            break
        job = {"setup": setup, "exercise_timeout_s": options.exercise_timeout_s, "isolated": options.sandbox,
               "exercises": [{"name": e.name, "reference": e.reference, "test": e.test,
                              "student": answers[e.name]} for e in remaining]}
        # the harness needs the references of every earlier exercise, graded here or not
        job["exercises"] = _with_references(job["exercises"], exercises, order)
        limits = sandbox.Limits(wall_s=min(left, SETUP_ALLOWANCE_S + len(remaining) * (options.exercise_timeout_s + 5)),
                                cpu_s=int(max(120, 2 * options.exercise_timeout_s)), memory_mb=options.memory_mb)
        done = sandbox.run([python, "-I", "-m", "course_grader.harness", "{result_fd}"],
                           json.dumps(job).encode(), limits, sandbox=options.sandbox, slot=slot)
        records = _parse(done.result)
        setup_record = next((r for r in records if r.get("event") == "setup"), None)
        if setup_record is None or not setup_record.get("ok"):
            why = setup_record["message"] if setup_record else _describe_exit(done, "starting the grader")
            raise RuntimeError(f"the grader could not run the setup cell: {why}\n"
                               f"{done.stderr.decode(errors='replace')[-2000:]}")
        progressed = _collect(records, remaining, graded, done, options)
        remaining = [e for e in remaining if e.name not in graded]
        if not progressed:
            for e in remaining:
                graded[e.name] = ExerciseResult(e.name, 0.0, e.points, False,
                                                "not graded: " + _describe_exit(done, "grading"))
            break
    return graded


def _with_references(jobs: list[dict], exercises: list[_Exercise], order: list[str]) -> list[dict]:
    """Exercises for the harness in notebook order; ungraded earlier ones run as references only."""
    wanted = {j["name"]: j for j in jobs}
    last = max(order.index(name) for name in wanted)
    out = []
    for e in exercises[: last + 1]:
        out.append(wanted.get(e.name) or {"name": e.name, "reference": e.reference, "test": "", "student": None})
    return out


def _parse(raw: bytes) -> list[dict]:
    records = []
    for line in raw.decode(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            records.append({"event": "garbage"})
            continue
        records.append(record if isinstance(record, dict) else {"event": "garbage"})
    return records


def _describe_exit(done: sandbox.Completed, doing: str) -> str:
    if done.timed_out:
        return f"time limit reached while {doing}"
    if done.signal_name:
        return f"the grader was killed by {done.signal_name} while {doing}"
    return f"the grader stopped (exit {done.returncode}) while {doing}"


def _collect(records: list[dict], remaining: list[_Exercise], graded: dict[str, ExerciseResult],
             done: sandbox.Completed, options: GradingOptions) -> bool:
    """Turn the harness's records into results; True if any exercise was graded."""
    points = {e.name: e.points for e in remaining}
    progressed = False
    current: str | None = None
    found: dict[str, list[dict]] = {}
    for record in records:
        event = record.get("event")
        if event == "begin":
            current = record.get("exercise")
            found[current] = []
        elif current is not None:
            found[current].append(record)
            if event == "end":
                current = None
    for name, got in found.items():
        if name not in points:
            continue
        progressed = True
        results = [r for r in got if r.get("event") == "result"]
        ends = [r for r in got if r.get("event") == "end"]
        end = ends[0]["status"] if ends else None
        if end is None:
            graded[name] = ExerciseResult(name, 0.0, points[name], False,
                                          "your code stopped the grader: " + _describe_exit(done, "testing it"),
                                          flags=["the grader died while running this exercise"])
        elif end == "timeout":
            graded[name] = ExerciseResult(name, 0.0, points[name], False,
                                          f"your code took longer than {options.exercise_timeout_s:g} s "
                                          "(an endless loop?)")
        elif len(results) != 1 or len(ends) != 1 or end != "exit 0" or len(got) != 2 \
                or results[0].get("exercise") != name or any(r.get("event") == "garbage" for r in got):
            why = {"exit": "exited", "signal": "was killed"}.get(end.split()[0], "")
            message = (f"your code {why} ({end}) before the test finished" if not results
                       else "the test's report was tampered with")
            graded[name] = ExerciseResult(name, 0.0, points[name], False, message,
                                          flags=[] if not results else ["unexpected output on the result channel"])
        else:
            r = results[0]
            passed = r.get("passed") is True
            graded[name] = ExerciseResult(name, points[name] if passed else 0.0, points[name], passed,
                                          "" if passed else str(r.get("message", "")),
                                          [str(f) for f in r.get("flags", [])], [str(n) for n in r.get("notes", [])],
                                          float(r.get("seconds", 0.0)))
    return progressed


def cache_path(course_root: Path, assignment: str, student: str, notebook: str) -> Path:
    return course_root / "grading" / assignment / student / f"{notebook}.json"


def _submissions(course_root: Path, assignment: str, students: list[str] | None) -> list[tuple[str, Path]]:
    base = course_root / "submitted"
    found = []
    for folder in sorted(base.glob(f"*/{assignment}")):
        student = folder.parent.name
        if students is None or student in students:
            found += [(student, nb) for nb in sorted(folder.glob("*.ipynb"))]
    return found


def grade_assignment(course_root: Path, assignment: str, students: list[str] | None = None,
                     options: GradingOptions | None = None, progress: bool = True) -> list[NotebookResult]:
    """Grade every submitted/<student>/<assignment>/*.ipynb in parallel and cache the results."""
    options = options or GradingOptions()
    course_root = Path(course_root)
    if options.sandbox:
        sandbox.check_available()
    work = _submissions(course_root, assignment, students)
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(max(1, options.workers)):
        slots.put(slot)

    def one(item: tuple[str, Path]) -> NotebookResult:
        student, path = item
        source = course_root / "solutions" / assignment / path.name
        released = course_root / "notebooks" / assignment / path.name
        if not source.exists():
            raise FileNotFoundError(f"{path.name} is not a notebook of {assignment} (no {source})")
        slot = slots.get()
        try:
            result = grade_notebook(path, source, released, options=options, slot=slot,
                                    student=student, assignment=assignment)
        finally:
            slots.put(slot)
        target = cache_path(course_root, assignment, student, source.stem)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(result.to_json())
        return result

    results = []
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        bar = tqdm(total=len(work), desc=f"grading {assignment}", unit="submission", disable=not progress)
        for result in pool.map(one, work):
            results.append(result)
            bar.update()
        bar.close()
    return results


def write_report(results: list[NotebookResult], directory: Path) -> tuple[Path, Path]:
    """grading-report.csv (one row per exercise) and grading-report.md (totals, suspicious submissions)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = directory / "grading-report.csv", directory / "grading-report.md"
    with open(csv_path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "notebook", "exercise", "points", "max_points", "passed",
                         "message", "flags"])
        for r in results:
            for e in r.exercises:
                writer.writerow([r.student, r.assignment, r.notebook, e.name, e.points, e.max_points, e.passed,
                                 e.message, "; ".join(e.flags)])
    lines = ["# Grading report", "", "| student | notebook | score | max | seconds | suspicious |",
             "|---|---|---|---|---|---|"]
    for r in sorted(results, key=lambda r: (r.assignment, r.student)):
        lines.append(f"| {r.student} | {r.notebook} | {r.score:g} | {r.max_score:g} | {r.seconds:g} | "
                     f"{'yes' if r.suspicious else ''} |")
    flagged = [r for r in results if r.suspicious]
    lines += ["", f"## Suspicious submissions ({len(flagged)})", ""]
    for r in flagged:
        lines.append(f"- **{r.student}** ({r.notebook}):")
        lines += [f"  - {reason}" for reason in r.suspicious]
    md_path.write_text("\n".join(lines) + "\n")
    return csv_path, md_path
