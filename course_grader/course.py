"""The course the instructor commands work on: an nbgrader course root, its configuration,
gradebook and exchange, with its folders from nbgrader's ``CourseDirectory``
(:mod:`course_grader.folders`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from course_grader.folders import CONFIG_NAME, CourseFolders, load_config

LOG_NAME = "instructor.log"
EXCHANGE_ENV = "COURSE_EXCHANGE"


class InstructorError(Exception):
    """A problem the instructor can fix; printed as one message, exit status 1."""


def say(message: str) -> None:
    print(message, flush=True)


def gradebook_url(url: str) -> str:
    """``url`` for SQLAlchemy: ``postgresql://`` gets the installed psycopg2 driver (SQLAlchemy
    2.1 would look for psycopg 3)."""
    import importlib.util

    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres") and importlib.util.find_spec("psycopg") is None:
        return f"postgresql+psycopg2://{rest}"
    return url


@dataclass
class Course:
    """An nbgrader course root (the folder with nbgrader_config.py) and where it exchanges files."""

    root: Path
    db_url: str | None = None  # None: nbgrader_config.py's CourseDirectory.db_url (default: sqlite gradebook.db)
    exchange: Path | None = None  # None: $COURSE_EXCHANGE, nbgrader_config.py's, or nbgrader's default

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.db_url = gradebook_url(self.db_url) if self.db_url else None
        if not (self.root / CONFIG_NAME).is_file():
            raise InstructorError(f"{self.root} is not a course: it has no {CONFIG_NAME} (see --course)")
        if self.exchange is None and os.environ.get(EXCHANGE_ENV):
            self.exchange = Path(os.environ[EXCHANGE_ENV])
        if self.exchange is not None:
            self.exchange = Path(self.exchange).resolve()

    @property
    def log(self) -> Path:
        return self.root / LOG_NAME

    def config(self):
        """nbgrader's configuration of this course, as its apps see it, and its CourseDirectory."""
        from nbgrader.coursedir import CourseDirectory

        config = load_config(self.root, self.root / CONFIG_NAME)
        if self.db_url:
            config.CourseDirectory.db_url = self.db_url
        return config, CourseDirectory(config=config)

    @property
    def folders(self) -> CourseFolders:
        """The course's folders (source, release, submitted, ...), from its CourseDirectory."""
        return CourseFolders(self.config()[1])

    @property
    def course_id(self) -> str:
        return self.config()[1].course_id

    def exchange_root(self) -> Path:
        if self.exchange is not None:
            return self.exchange
        from nbgrader.exchange.default.exchange import Exchange

        config, _ = self.config()
        return Path(config.Exchange.root if "root" in config.Exchange else Exchange.root.default_value)

    def gradebook_url(self) -> str:
        return gradebook_url(self.config()[1].db_url)

    def nbgrader(self, command: str, *args: str) -> str:
        """``nbgrader COMMAND ARGS`` for this course; its log, or InstructorError with its errors."""
        from course_grader.nbgrader_run import run_nbgrader

        course_args = [f"--CourseDirectory.root={self.root}", f"--CourseDirectory.db_url={self.gradebook_url()}"]
        return run_nbgrader(command, [*args, *course_args], cwd=self.root, log=self.log)

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook(self.gradebook_url(), self.course_id)

    def student_ids(self) -> set[str]:
        with self.gradebook() as gb:
            return {s.id for s in gb.students}

    def source_notebooks(self, module: str) -> list[Path]:
        folder = self.folders.source(module)
        notebooks = sorted(folder.glob("*.ipynb"))
        if not notebooks:
            raise InstructorError(f"no module {module!r}: {folder} has no notebooks")
        return notebooks

    def released_notebooks(self, module: str) -> list[str]:
        names = sorted(p.name for p in self.folders.release(module).glob("*.ipynb"))
        if not names:
            raise InstructorError(f"{module} has not been released yet: run `release {module}` first")
        return names

    def submitted(self, module: str) -> list[str]:
        return self.folders.submitted_students(module)
