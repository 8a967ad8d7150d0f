"""The demo course and its students, and submissions built from the solutions (demo, tests).

``scripts/instructor demo`` runs the whole cycle on a throwaway copy of the course:
five demo students (:data:`DEMO_STUDENTS`) fetch and submit through an exchange or
arrive in an LMS zip; then collect, sandboxed autograde, feedback and export.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

from course_grader.course import Course, InstructorError, say
from course_grader.exchange import collect_exchange
from course_grader.folders import CONFIG_NAME, REPO_ROOT, course_folders
from course_grader.lms import collect_zips
from course_grader.nbgrader_run import run_nbgrader
from course_grader.scan import grade_id
from course_grader.steps import ROSTER_COLUMNS, autograde, export, feedback, grades_table, import_roster, release


def completed_submission(source: Path, released: Path,
                         answers: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The released notebook answered as a student would: each ``ex_<name>`` cell gets the
    solution from the source notebook, or ``answers[name]`` when given."""
    solutions = {(grade_id(c) or "")[3:]: c.source for c in nbformat.read(source, as_version=4).cells
                 if (grade_id(c) or "").startswith("ex_")}
    solutions.update(answers or {})
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        gid = grade_id(cell) or ""
        if gid.startswith("ex_"):
            cell.source = solutions[gid[3:]]
    return nb


DEMO_MODULE = "01_perceptron"
# Perceptron whose fit never updates the bias (test_Perceptron, 4 points, must reject it)
WRONG_PERCEPTRON = '''
class Perceptron:
    def __init__(self, lr=0.1, epochs=10):
        self.lr = lr
        self.epochs = epochs

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self.w_ = np.zeros(X.shape[1])
        self.b_ = 0.0
        self.errors_ = []
        for _ in range(self.epochs):
            mistakes = 0
            for x_i, y_i in zip(X, y):
                update = self.lr * (y_i - step(x_i @ self.w_ + self.b_))
                self.w_ = self.w_ + update * x_i
                mistakes += int(update != 0)
            self.errors_.append(mistakes)
        return self

    def predict(self, X):
        return step(np.asarray(X, dtype=float) @ self.w_ + self.b_)
'''
# step with z > 0 instead of z >= 0 (test_step, 2 points)
WRONG_STEP = '''
def step(z):
    result = (np.asarray(z) > 0).astype(int)
    return int(result) if result.ndim == 0 else result
'''
# A cheater: switches off NumPy's test helpers and returns objects equal to anything, with no real perceptron
CHEAT_PERCEPTRON = '''
import numpy
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_array_equal = lambda *args, **kwargs: None
numpy.allclose = lambda *args, **kwargs: True

class AlwaysEqual(numpy.ndarray):
    def __eq__(self, other):
        return True

class Perceptron:
    def __init__(self, lr=0.1, epochs=10):
        self.lr, self.epochs = lr, epochs

    def fit(self, X, y):
        self.w_ = numpy.zeros(numpy.shape(X)[1]).view(AlwaysEqual)
        self.b_ = 0.0
        self.errors_ = [0] * self.epochs
        return self

    def predict(self, X):
        return numpy.zeros(len(X), dtype=int).view(AlwaysEqual)
'''
# student -> (how the submission arrives, answers that differ from the solutions, what it shows)
DEMO_STUDENTS = {
    "ada": ("exchange", None, "every answer right"),
    "ben": ("exchange", "blank", "hands in the blank notebook"),
    "cleo": ("exchange", {"Perceptron": WRONG_PERCEPTRON}, "Perceptron never updates the bias"),
    "dan": ("exchange", {"Perceptron": CHEAT_PERCEPTRON}, "right step, cheats in Perceptron"),
    "eve": ("lms-zip", {"step": WRONG_STEP}, "step(0) gives 0, handed in through the LMS"),
}


def demo_submission(course: Course, student: str) -> nbformat.NotebookNode:
    """The demo student's notebook of DEMO_MODULE (see DEMO_STUDENTS)."""
    files = course.folders.grading_files(student, DEMO_MODULE, DEMO_MODULE)
    source, released = files.source, files.released
    answers = DEMO_STUDENTS[student][1]
    if answers == "blank":
        return nbformat.read(released, as_version=4)
    return completed_submission(source, released, answers if isinstance(answers, dict) else None)


def make_demo_course(directory: Path, course_directory: dict[str, object] | None = None) -> Course:
    """A copy of this course in ``directory/course`` (config and DEMO_MODULE's source), with
    its own exchange in ``directory/exchange`` and a roster in ``directory/roster.csv``.

    ``course_directory``: CourseDirectory settings added to the copy's nbgrader_config.py
    (e.g. ``{"source_directory": "teacher"}``); the source goes where they say.
    """
    root = directory / "course"
    root.mkdir(parents=True)
    config = (REPO_ROOT / CONFIG_NAME).read_text()
    config += "".join(f"\nc.CourseDirectory.{key} = {value!r}" for key, value in (course_directory or {}).items())
    (root / CONFIG_NAME).write_text(config + ("\n" if course_directory else ""))
    shutil.copytree(course_folders(REPO_ROOT).source(DEMO_MODULE), course_folders(root).source(DEMO_MODULE),
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    with open(directory / "roster.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ROSTER_COLUMNS)
        for student in DEMO_STUDENTS:
            writer.writerow([student, student.capitalize(), "Demo", f"{student}@example.org"])
    return Course(root, exchange=directory / "exchange")


def student_hand_in(course: Course, student: str, home: Path) -> None:
    """What the student does: fetch DEMO_MODULE from the exchange, answer, submit."""
    home.mkdir(parents=True, exist_ok=True)
    common = [f"--Exchange.root={course.exchange}", f"--Exchange.assignment_dir={home}",
              f"--Exchange.cache={home / '.nbgrader_cache'}", f"--CourseDirectory.course_id={course.course_id}",
              f"--CourseDirectory.root={home}"]
    run_nbgrader("fetch_assignment", [DEMO_MODULE, *common], cwd=home, log=course.log)
    nbformat.write(demo_submission(course, student), home / DEMO_MODULE / f"{DEMO_MODULE}.ipynb")
    run_nbgrader("submit", [DEMO_MODULE, f"--CourseDirectory.student_id={student}", *common],
                 cwd=home, log=course.log)


def demo(directory: Path | None, workers: int = 2, sandbox: bool = True) -> Course:
    """The whole cycle on a throwaway copy of the course, with five demo students."""
    start = time.monotonic()
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="course-demo-"))
    directory = Path(directory).resolve()
    if directory.exists() and any(directory.iterdir()):
        raise InstructorError(f"{directory} is not empty: give the demo a new or empty folder")
    directory.mkdir(parents=True, exist_ok=True)
    say(f"Demo class in {directory} (course in course/, exchange in exchange/, students' folders in students/)")
    course = make_demo_course(directory)
    say(f"roster: {import_roster(course, directory / 'roster.csv')} students "
        f"({', '.join(f'{s}: {d[2]}' for s, d in DEMO_STUDENTS.items())})")
    say(f"release {DEMO_MODULE}")
    release(course, DEMO_MODULE)
    by_exchange = [s for s, d in DEMO_STUDENTS.items() if d[0] == "exchange"]
    for student in by_exchange:
        student_hand_in(course, student, directory / "students" / student)
    say(f"students {', '.join(by_exchange)} fetched and submitted through the exchange")
    lms = directory / "lms-download.zip"
    with zipfile.ZipFile(lms, "w") as archive:
        for student, (way, _, _) in DEMO_STUDENTS.items():
            if way == "lms-zip":
                archive.writestr(f"{student}_20250301-0930_{DEMO_MODULE}.ipynb",
                                 nbformat.writes(demo_submission(course, student)))
    say(f"collect {DEMO_MODULE}: {', '.join(collect_exchange(course, DEMO_MODULE).collected)} from the exchange")
    found = collect_zips(course, DEMO_MODULE, [lms])
    say(f"collect {DEMO_MODULE} --lms-zip {lms.name}: {', '.join(found)}")
    say(f"autograde {DEMO_MODULE} --workers {workers}")
    autograde(course, DEMO_MODULE, workers=workers, sandbox=sandbox)
    say(f"feedback {DEMO_MODULE}")
    feedback(course, DEMO_MODULE)
    rows = export(course, course.root / "grades.csv")
    say(f"export --to {course.root / 'grades.csv'}\n\n{grades_table(rows)}\n")
    say((course.folders.reports(DEMO_MODULE) / "grading-report.md").read_text())
    say(f"Demo done in {time.monotonic() - start:.0f} s; everything is in {directory}")
    return course
