"""Grade submitted notebooks: every exercise on its own, across a process boundary.

For each submission two processes talk over a socket pair: the student's
(:mod:`course_grader.student_side`, in the sandbox) runs the instructor's setup
cell, the student's helper definitions, the reference solutions of the exercises
before the one graded and the student's answer cell, in a forked child per
exercise; the grader's (:mod:`course_grader.tester`) holds the hidden tests and
runs them against stand-ins of the student's functions. Demo cells are not run,
so they can neither break nor fake a test; a student's mistake in one exercise
never costs the points of another; static findings are notes, never points.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

import course_utils
from course_grader import notebook, sandbox, scan
from course_grader.folders import course_folders
from course_grader.sandbox import SandboxUnavailable

__all__ = ["GradingOptions", "ExerciseResult", "NotebookResult", "SandboxUnavailable", "grade_notebook",
           "grade_assignment", "cache_path", "submission_key"]

HARNESS_VERSION = "2"
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
    notes: list[str] = field(default_factory=list)  # for the instructor, never suspicious (duplicated cells, ...)

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


def _code_digest(packages: tuple[Path, ...] | None = None) -> str:
    """The grading code and everything the tests call: a change to any of it drops cached results."""
    digest = hashlib.sha256(HARNESS_VERSION.encode())
    for package in packages or (Path(__file__).resolve().parent, Path(course_utils.__file__).resolve().parent):
        for path in sorted(package.rglob("*.py")):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def submission_key(submitted: Path, source: Path) -> str:
    """Identifies a grading: the submitted file, the source notebook and the grading code (grader and checks)."""
    digest = hashlib.sha256(_code_digest().encode())
    for path in (submitted, source):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _module_names(setup: str) -> set[str]:
    tree = notebook.parse(setup)
    return scan._imported_names(tree) if tree is not None else set()


def grade_notebook(submitted: Path, source: Path, released: Path | None = None, *,
                   options: GradingOptions | None = None, slot: int = 0,
                   student: str = "", assignment: str = "") -> NotebookResult:
    """Grade one submitted notebook against its source (solutions + hidden tests) notebook."""
    options = options or GradingOptions()
    start = time.monotonic()
    contract = notebook.read_source(source)
    exercises = contract.exercises
    result = NotebookResult(student, assignment, source.stem, [], key=submission_key(submitted, source))
    try:
        submission = notebook.read_submission(submitted, released if released is not None and released.exists()
                                              else None, contract)
    except notebook.NotebookError as exc:
        result.flags.append(f"the notebook cannot be read: {exc.reason}")
        result.exercises = [ExerciseResult(e.name, 0.0, e.points, False, f"the notebook cannot be read: {exc.reason}")
                            for e in exercises]
        return result
    result.notes = submission.notes
    modules = _module_names(contract.setup)
    if released is not None and released.exists():  # added or edited cells never run: noted if they show intent
        added = scan.added_code(notebook.read_notebook(submitted), notebook.read_notebook(released))
        result.flags += [f"a code cell the student added: {why}" for code in added for why in scan.gate(code, modules)]
    by_name: dict[str, ExerciseResult] = {}
    runnable = []
    for exercise in exercises:
        answer = submission.answers.get(exercise.name)
        if answer is None:
            by_name[exercise.name] = ExerciseResult(exercise.name, 0.0, exercise.points, False,
                                                    f"the answer cell ex_{exercise.name} is missing")
            continue
        broken = scan.syntax_error(answer)
        if broken:
            by_name[exercise.name] = ExerciseResult(exercise.name, 0.0, exercise.points, False,
                                                    f"your answer cell is not valid Python: {broken}")
            continue
        runnable.append(exercise)
        by_name[exercise.name] = ExerciseResult(exercise.name, 0.0, exercise.points, False, "",
                                                flags=scan.gate(answer, modules))
    graded = _run_exercises(contract.setup, exercises, runnable, submission.answers, submission.helpers, options,
                            slot, start, result.notes)
    for name, outcome in graded.items():
        outcome.flags = by_name[name].flags + outcome.flags
        by_name[name] = outcome
    result.exercises = [by_name[e.name] for e in exercises]
    result.seconds = round(time.monotonic() - start, 2)
    return result


def _run_exercises(setup: str, exercises: list[notebook.Exercise], runnable: list[notebook.Exercise],
                   answers: dict[str, str],
                   helpers: list[str], options: GradingOptions, slot: int, start: float,
                   notes: list[str] | None = None) -> dict[str, ExerciseResult]:
    """Grade the runnable exercises: the student's process in the sandbox, the tests in the grader's process.

    If the student's process dies between exercises (not only one exercise's
    child), the exercises not yet graded are tried once more in a fresh one.
    """
    graded: dict[str, ExerciseResult] = {}
    remaining = list(runnable)
    for _attempt in range(2):
        if not remaining:
            break
        left = options.submission_timeout_s - (time.monotonic() - start)
        if left <= 0:
            break
        records, problem, isolation = _grading_session(setup, exercises, remaining, answers, helpers, options, slot,
                                                       left)
        if notes is not None:
            notes += [f"sandbox: {note}" for note in isolation if f"sandbox: {note}" not in notes]
        points = {e.name: e.points for e in remaining}
        for record in records:
            name = record.get("exercise")
            if name not in points or name in graded:
                continue
            passed = record.get("passed") is True
            graded[name] = ExerciseResult(name, points[name] if passed else 0.0, points[name], passed,
                                          "" if passed else str(record.get("message") or "the test failed"),
                                          [str(f) for f in record.get("flags", [])],
                                          [str(n) for n in record.get("notes", [])],
                                          float(record.get("seconds", 0.0)))
        progressed = any(e.name in graded for e in remaining)
        remaining = [e for e in remaining if e.name not in graded]
        if not progressed:
            break
    for e in remaining:
        graded[e.name] = ExerciseResult(e.name, 0.0, e.points, False, "not graded: " + (problem or
                                        "the submission's time limit was reached"),
                                        flags=[f"not graded: {problem}"] if problem else [])
    return graded


def _grading_session(setup: str, exercises: list[notebook.Exercise], remaining: list[notebook.Exercise],
                     answers: dict[str, str],
                     helpers: list[str], options: GradingOptions, slot: int,
                     left: float) -> tuple[list[dict], str, list[str]]:
    """One student's process (sandboxed) and one grader's process talking over a socket pair."""
    wanted = {e.name for e in remaining}
    last = max(i for i, e in enumerate(exercises) if e.name in wanted)
    order = exercises[: last + 1]
    student_job = {"setup": setup, "helpers": helpers, "exercise_timeout_s": options.exercise_timeout_s,
                   "exercises": [{"name": e.name, "student": answers.get(e.name) if e.name in wanted else None}
                                 for e in order]}
    tester_job = {"setup": setup, "exercise_timeout_s": options.exercise_timeout_s,
                  "setup_timeout_s": SETUP_ALLOWANCE_S,
                  "exercises": [{"name": e.name, "test": e.test, "defines": e.defines, "reference": e.reference,
                                 "graded": e.name in wanted} for e in order]}
    grader_end, student_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    python = str(Path(sys.executable))
    with tempfile.TemporaryFile() as job_file, tempfile.TemporaryFile() as out_file, \
            tempfile.TemporaryFile() as err_file:
        job_file.write(json.dumps(tester_job).encode())
        job_file.seek(0)
        tester = subprocess.Popen([python, "-I", "-m", "course_grader.tester", str(grader_end.fileno())],
                                  stdin=job_file, stdout=out_file, stderr=err_file, pass_fds=(grader_end.fileno(),),
                                  env=_tester_environment())
        grader_end.close()
        wall = SETUP_ALLOWANCE_S + len(order) * (3 * options.exercise_timeout_s + 15)
        limits = sandbox.Limits(wall_s=min(left, wall),
                                cpu_s=int(SETUP_ALLOWANCE_S + len(order) * (options.exercise_timeout_s + 5)),
                                memory_mb=options.memory_mb)
        try:
            done = sandbox.run([python, "-I", "-m", "course_grader.student_side", str(student_end.fileno())],
                               json.dumps(student_job).encode(), limits, sandbox=options.sandbox, slot=slot,
                               extra_fds=(student_end.fileno(),))
        finally:
            student_end.close()
        try:
            tester.wait(timeout=60)
        except subprocess.TimeoutExpired:
            tester.kill()
            tester.wait()
        out_file.seek(0)
        err_file.seek(0)
        records = []
        for line in out_file.read().decode(errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
        problem = ""
        if os.environ.get("COURSE_GRADER_DEBUG"):
            sys.stderr.write(err_file.read().decode(errors="replace") + done.stderr.decode(errors="replace"))
            err_file.seek(0)
        if tester.returncode != 0:
            problem = ("the grader's process failed: " + err_file.read().decode(errors="replace")[-1500:]).strip()
        elif len(records) < len(remaining):
            problem = _describe_exit(done, "grading")
    return records, problem, list(getattr(done, "isolation", []))


def _tester_environment() -> dict[str, str]:
    """The grader's process: the instructor's environment, one thread per library, no widgets."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg", COURSE_WIDGETS="0",
               COURSE_PROGRESS="0", NBGRADER_EXECUTION=os.environ.get("NBGRADER_EXECUTION", "autograde"))
    return env


def _describe_exit(done: sandbox.Completed, doing: str) -> str:
    if done.timed_out:
        return f"time limit reached while {doing}"
    if done.signal_name:
        return f"the student's process was killed by {done.signal_name} while {doing}"
    return f"the student's process stopped (exit {done.returncode}) while {doing}"


def ungradable(student: str, assignment: str, submitted: Path, source: Path, why: str) -> NotebookResult:
    """The result of a submission that could not be graded: zero points, flagged with the reason."""
    why = " ".join(why.split())[:300]
    try:
        exercises = notebook.read_source(source).exercises
        rows = [ExerciseResult(e.name, 0.0, e.points, False, "not graded: the submission could not be graded")
                for e in exercises]
    except Exception:  # noqa: BLE001 - no source notebook: nothing to list
        rows = []
    return NotebookResult(student, assignment, submitted.stem, rows, flags=[f"could not be graded: {why}"])


def cache_path(course, assignment: str, student: str, notebook: str) -> Path:
    """Where the result of grading ``notebook`` is cached; ``course``: a course root, an nbgrader
    CourseDirectory or a Course (:func:`course_grader.folders.course_folders`)."""
    return course_folders(course).cache(assignment, student, notebook)


def _submissions(folders, assignment: str, students: list[str] | None) -> list[tuple[str, Path]]:
    found = []
    for student in folders.submitted_students(assignment):
        if students is None or student in students:
            found += [(student, nb) for nb in sorted(folders.submitted(student, assignment).glob("*.ipynb"))]
    return found


def grade_assignment(course, assignment: str, students: list[str] | None = None,
                     options: GradingOptions | None = None, progress: bool = True) -> list[NotebookResult]:
    """Grade every submitted notebook of ``assignment`` in parallel and cache the results.

    ``course``: a course root, an nbgrader CourseDirectory or a Course; its folders (source,
    release, submitted) are its CourseDirectory's (:mod:`course_grader.folders`).
    """
    options = options or GradingOptions()
    if options.sandbox:
        sandbox.check_available()
    folders = course_folders(course)
    work = _submissions(folders, assignment, students)
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(max(1, options.workers)):
        slots.put(slot)

    def one(item: tuple[str, Path]) -> NotebookResult:
        student, path = item
        files = folders.grading_files(student, assignment, path.stem)
        source, released = files.source, files.released
        slot = slots.get()
        try:
            result = grade_notebook(path, source, released, options=options, slot=slot,
                                    student=student, assignment=assignment)
        except SandboxUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - one submission that cannot be graded must not stop the class
            result = ungradable(student, assignment, path, source, f"{type(error).__name__}: {error}")
        finally:
            slots.put(slot)
        target = files.cache
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
