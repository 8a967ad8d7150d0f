"""Where a course keeps its files: nbgrader's ``CourseDirectory`` is the one source of truth.

The folders nbgrader knows (``source_directory``, ``release_directory``,
``submitted_directory``, ``autograded_directory``, ``feedback_directory`` under
``root``, laid out by ``directory_structure``) are taken from the course's
``CourseDirectory``, so a folder renamed in ``nbgrader_config.py`` is renamed for
both grading phases: ``scripts/instructor`` (:mod:`course_grader.runner`) and
``nbgrader autograde`` (:mod:`course_grader.nbgrader_ext`) find the same files.
The grader's own folders are the two constants below, beside nbgrader's.

:func:`course_folders` accepts what the callers have: a ``CourseDirectory`` (inside
nbgrader), a :class:`course_grader.course.Course`, or a course root. A root is read
with its own ``nbgrader_config.py``; a folder without one is laid out as this
repository's ``nbgrader_config.py`` says (the course's layout: ``solutions/``,
``notebooks/``, ``submitted/``...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFIG_NAME = "nbgrader_config.py"
GRADING_DIRECTORY = "grading"  # the grader's cached results: grading/<assignment>/<student>/<notebook>.json
REPORTS_DIRECTORY = "reports"  # the instructor's report: reports/<assignment>/grading-report.{md,csv}


def load_config(root: Path, config_file: Path | None = None):
    """nbgrader's configuration of the course in ``root``: ``config_file`` (default: the root's
    nbgrader_config.py, else this repository's), with ``CourseDirectory.root`` set to ``root``."""
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    if config_file is None:
        config_file = root / CONFIG_NAME if (root / CONFIG_NAME).is_file() else REPO_ROOT / CONFIG_NAME
    config = PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config()
    config.CourseDirectory.root = str(root)
    return config


@dataclass(frozen=True)
class GradingFiles:
    """The files one graded notebook involves."""

    submitted: Path  # the student's notebook
    source: Path     # the instructor's notebook: solutions and hidden tests
    released: Path   # the notebook handed out
    cache: Path      # the grader's result (JSON)


class CourseFolders:
    """A course's folders, all from its ``CourseDirectory`` (``coursedir``)."""

    def __init__(self, coursedir):
        self.coursedir = coursedir

    @property
    def root(self) -> Path:
        return Path(self.coursedir.root)

    def _path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(step, student, assignment))

    def source(self, assignment: str) -> Path:
        return self._path(self.coursedir.source_directory, ".", assignment)

    def release(self, assignment: str) -> Path:
        return self._path(self.coursedir.release_directory, ".", assignment)

    def submitted(self, student: str, assignment: str) -> Path:
        return self._path(self.coursedir.submitted_directory, student, assignment)

    def autograded(self, student: str, assignment: str) -> Path:
        return self._path(self.coursedir.autograded_directory, student, assignment)

    def feedback(self, student: str, assignment: str) -> Path:
        return self._path(self.coursedir.feedback_directory, student, assignment)

    def students(self, step: str, assignment: str) -> list[str]:
        """The students with a folder of ``assignment`` in ``step`` (e.g. ``coursedir.submitted_directory``),
        found as nbgrader finds them: the layout with ``*`` for the student, then matched for the id."""
        pattern = re.compile(self.coursedir.format_path(re.escape(step), "(?P<student_id>[^/]+)",
                                                        re.escape(assignment), escape=True) + "$")
        found = set()
        for folder in self.root.glob(str(self._path(step, "*", assignment).relative_to(self.root))):
            match = pattern.match(str(folder))
            if match and folder.is_dir():
                found.add(match["student_id"])
        return sorted(found)

    def submitted_students(self, assignment: str) -> list[str]:
        return self.students(self.coursedir.submitted_directory, assignment)

    def feedback_students(self, assignment: str) -> list[str]:
        return self.students(self.coursedir.feedback_directory, assignment)

    def grading(self, assignment: str) -> Path:
        return self.root / GRADING_DIRECTORY / assignment

    def cache(self, assignment: str, student: str, notebook: str) -> Path:
        return self.grading(assignment) / student / f"{notebook}.json"

    def reports(self, assignment: str) -> Path:
        return self.root / REPORTS_DIRECTORY / assignment

    def grading_files(self, student: str, assignment: str, notebook: str) -> GradingFiles:
        """Where the submitted, source and released copies of ``notebook`` (a name without .ipynb) are,
        and its cached result: what both grading phases use."""
        name = f"{notebook}.ipynb"
        return GradingFiles(self.submitted(student, assignment) / name, self.source(assignment) / name,
                            self.release(assignment) / name, self.cache(assignment, student, notebook))


def course_folders(course) -> CourseFolders:
    """The folders of ``course``: a CourseFolders, a Course (its ``folders``), an nbgrader
    ``CourseDirectory``, or a course root (see the module docstring)."""
    if isinstance(course, CourseFolders):
        return course
    if isinstance(course, (str, Path)):
        from nbgrader.coursedir import CourseDirectory

        return CourseFolders(CourseDirectory(config=load_config(Path(course))))
    folders = getattr(course, "folders", None)
    if isinstance(folders, CourseFolders):
        return folders
    if hasattr(course, "format_path") and hasattr(course, "submitted_directory"):
        return CourseFolders(course)
    raise TypeError(f"not a course: {course!r}")
