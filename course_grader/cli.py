"""The instructor commands: the nbgrader cycle, with sandboxed autograding.

Run as ``scripts/instructor SUBCOMMAND ...`` (``--help`` lists them). Each step
wraps the nbgrader command of the same name, run in this process (nbgrader takes
~10 s to import, so one import serves every step) with the course root as working
directory; nbgrader's log goes to ``<course>/instructor.log`` and only its errors
are printed. Collecting from the exchange is the exception: ``collect_exchange``
copies the inbound entries itself, as ``nbgrader collect --update`` would, but
without following links or believing a student id the entry's owner does not back.
``demo`` runs the whole cycle on a throwaway copy of the course.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import fnmatch
import functools
import io
import os
import pwd
import re
import shutil
import stat
import sys
import tempfile
import time
import unittest.mock
import warnings
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat

from course_grader.scan import grade_id

REPO_ROOT = Path(__file__).resolve().parents[1]
LOG_NAME = "instructor.log"
EXCHANGE_ENV = "COURSE_EXCHANGE"
ROSTER_COLUMNS = ("id", "first_name", "last_name", "email")
# LMS bulk downloads: `<student_id>_<anything>_<notebook>.ipynb` (or `<student_id>_<notebook>.ipynb`),
# anywhere in the zip; the student id runs up to the first underscore.
NAME_PATTERN = r"^(?:.*/)?(?P<student_id>[A-Za-z0-9][A-Za-z0-9.@-]*)_(?:[^/]*_)?(?P<file_id>{notebooks})$"
# nbgrader command -> app class in nbgrader.apps
APPS = {
    "db student import": "DbStudentImportApp", "db assignment add": "DbAssignmentAddApp",
    "generate_assignment": "GenerateAssignmentApp", "release_assignment": "ReleaseAssignmentApp",
    "fetch_assignment": "FetchAssignmentApp", "submit": "SubmitApp", "collect": "CollectApp",
    "zip_collect": "ZipCollectApp", "autograde": "AutogradeApp", "generate_feedback": "GenerateFeedbackApp",
    "release_feedback": "ReleaseFeedbackApp", "export": "ExportApp",
}


class InstructorError(Exception):
    """A problem the instructor can fix; printed as one message, exit status 1."""


def say(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------------------
# The course and nbgrader in this process
# ---------------------------------------------------------------------------

@dataclass
class Course:
    """An nbgrader course root (the folder with nbgrader_config.py) and where it exchanges files."""

    root: Path
    db_url: str | None = None  # None: nbgrader_config.py's CourseDirectory.db_url (default: sqlite gradebook.db)
    exchange: Path | None = None  # None: $COURSE_EXCHANGE, nbgrader_config.py's, or nbgrader's default

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.db_url = gradebook_url(self.db_url) if self.db_url else None
        if not (self.root / "nbgrader_config.py").is_file():
            raise InstructorError(f"{self.root} is not a course: it has no nbgrader_config.py (see --course)")
        if self.exchange is None and os.environ.get(EXCHANGE_ENV):
            self.exchange = Path(os.environ[EXCHANGE_ENV])
        if self.exchange is not None:
            self.exchange = Path(self.exchange).resolve()

    @property
    def log(self) -> Path:
        return self.root / LOG_NAME

    def config(self):
        """nbgrader's configuration of this course, as its apps see it."""
        from nbgrader.coursedir import CourseDirectory
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        config.CourseDirectory.root = str(self.root)
        if self.db_url:
            config.CourseDirectory.db_url = self.db_url
        return config, CourseDirectory(config=config)

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
        course_args = [f"--CourseDirectory.root={self.root}", f"--CourseDirectory.db_url={self.gradebook_url()}"]
        return run_nbgrader(command, [*args, *course_args], cwd=self.root, log=self.log)

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook(self.gradebook_url(), self.course_id)

    def student_ids(self) -> set[str]:
        with self.gradebook() as gb:
            return {s.id for s in gb.students}

    def source_notebooks(self, module: str) -> list[Path]:
        folder = self.root / "solutions" / module
        notebooks = sorted(folder.glob("*.ipynb"))
        if not notebooks:
            raise InstructorError(f"no module {module!r}: {folder} has no notebooks")
        return notebooks

    def released_notebooks(self, module: str) -> list[str]:
        names = sorted(p.name for p in (self.root / "notebooks" / module).glob("*.ipynb"))
        if not names:
            raise InstructorError(f"{module} has not been released yet: run `release {module}` first")
        return names

    def submitted(self, module: str) -> list[str]:
        return sorted(p.parent.name for p in (self.root / "submitted").glob(f"*/{module}") if p.is_dir())


@functools.cache
def _alembic_head() -> str:
    """The gradebook schema version, from alembic's API in this process."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


def gradebook_url(url: str) -> str:
    """``url`` for SQLAlchemy: ``postgresql://`` gets the installed psycopg2 driver (SQLAlchemy
    2.1 would look for psycopg 3)."""
    import importlib.util

    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres") and importlib.util.find_spec("psycopg") is None:
        return f"postgresql+psycopg2://{rest}"
    return url


def run_nbgrader(command: str, args: list[str], cwd: Path, log: Path) -> str:
    """Run an nbgrader app in this process, as ``nbgrader COMMAND ARGS`` run in ``cwd`` would.

    Its output is appended to ``log``; a failure raises InstructorError with the
    errors nbgrader logged. Not thread-safe: it changes the working directory while it runs.
    """
    import nbgrader.api
    import nbgrader.apps

    # nbgrader stamps a new gradebook with the output of `alembic heads` run in a new
    # Python (15 s on two busy cores); alembic's API gives the same answer in 2 s.
    app_class = getattr(nbgrader.apps, APPS[command])
    captured = io.StringIO()
    status: object = 0
    here, path = os.getcwd(), list(sys.path)  # nbgrader puts its working directory on sys.path
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured), \
            warnings.catch_warnings(record=True) as warned, \
            unittest.mock.patch.object(nbgrader.api, "get_alembic_version", _alembic_head):
        warnings.simplefilter("always")
        os.chdir(cwd)
        try:
            app = app_class()
            app.initialize([*args, "--log-level=INFO"])
            app.start()
        except SystemExit as stop:
            status = stop.code
        except Exception as error:  # noqa: BLE001 (reported with nbgrader's log)
            import traceback

            traceback.print_exc()
            status = f"{type(error).__name__}: {error}"
        finally:
            os.chdir(here)
            sys.path[:] = path
    output = captured.getvalue() + "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno)
                                           for w in warned)
    shown = re.sub(r"(://[^/:@\s]+:)[^@\s]+@", r"\1***@", " ".join(args))  # no database passwords in logs
    with open(log, "a") as handle:
        handle.write(f"\n$ nbgrader {command} {shown}   # {time.strftime('%Y-%m-%d %H:%M:%S')}\n{output}")
    if status not in (0, None):
        errors = [line for line in output.splitlines() if "ERROR" in line or "Error" in line]
        detail = "\n".join(errors[-8:]) or output.strip()[-2000:] or str(status)
        raise InstructorError(f"nbgrader {command} failed:\n{detail}\n(full log: {log})")
    return output


# ---------------------------------------------------------------------------
# Steps of the cycle
# ---------------------------------------------------------------------------

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


def release(course: Course, module: str, exchange: bool = True, force: bool = False) -> None:
    """Record the module in the gradebook, generate the student version, and release it to the exchange."""
    course.source_notebooks(module)
    course.nbgrader("db assignment add", module)
    course.nbgrader("generate_assignment", module, "--force")
    say(f"  generated {course.root / 'notebooks' / module}")
    if exchange:
        root = ensure_exchange(course)
        course.nbgrader("release_assignment", module, f"--Exchange.root={root}", *(["--force"] if force else []))
        say(f"  released to the exchange {root}")


# nbgrader's exchange layout (release_assignment.py, release_feedback.py), relative to its root:
# the root and inbound/ are writable by everyone, as students must create entries there, and
# carry the sticky bit besides (nbgrader sets 777 and 2733), so that nobody can rename or
# remove what another user made (the course's folder, a classmate's entry). inbound/ is not
# readable by others: students cannot list it. outbound/ (the releases) is read-only for
# students; feedback/ only lets them open the file whose (secret) name they know.
EXCHANGE_MODES = {"": 0o1777, "{course}": 0o755, "{course}/outbound": 0o755, "{course}/inbound": 0o3733,
                  "{course}/feedback": 0o711}


def ensure_exchange(course: Course) -> Path:
    """The exchange root and the course's folders in it (EXCHANGE_MODES), created, or set to those
    modes where this user owns them; InstructorError for a link, or a course folder someone else
    owns (whoever made it could read or change what students hand in)."""
    root = course.exchange_root()
    _, coursedir = course.config()
    me = os.geteuid()
    for relative, mode in EXCHANGE_MODES.items():
        path = root / relative.format(course=coursedir.course_id) if relative else root
        try:
            if not os.path.lexists(path):
                path.mkdir(parents=not relative)
                path.chmod(mode)  # mkdir's mode is cut by the umask
            info = path.lstat()
            if not stat.S_ISDIR(info.st_mode):
                what = "a link" if stat.S_ISLNK(info.st_mode) else "not a folder"
                raise InstructorError(f"the exchange folder {path} is {what}: remove it, and check who made it")
            current = stat.S_IMODE(info.st_mode)
            if relative and coursedir.groupshared:
                continue  # nbgrader's groupshared modes; the instructors' group owns these folders
            if info.st_uid == me and current != mode:
                path.chmod(mode)
                say(f"  exchange: {path} set to mode {mode:o} (was {current:o})")
            elif info.st_uid != me and relative:
                raise InstructorError(f"the exchange folder {path} belongs to {_user(info.st_uid)}, not to you: "
                                      "whoever made it can read or change what students hand in. Remove it "
                                      f"(sudo rm -r {path}) and run `release` again")
            elif info.st_uid != me and current != mode:
                say(f"  warning: the exchange {path} has mode {current:o}, not {mode:o} (students could rename "
                    f"the course's folder): sudo chmod {mode:o} {path}")
        except OSError as error:
            raise InstructorError(
                f"cannot set up the exchange {root} ({error.strerror}: {error.filename}). Create it once "
                f"(sudo mkdir -p {root} && sudo chmod 1777 {root}), or use another folder with "
                f"--exchange DIR or {EXCHANGE_ENV}=DIR") from None
    return root


def _user(uid: int) -> str:
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


@dataclass
class ExchangeCollection:
    """What ``collect_exchange`` did: the students whose submission it copied (new, or newer than
    the one collected before), and one line per inbound entry (or file in one) it left out, and why."""

    collected: list[str]
    skipped: list[str]


# An inbound entry as `nbgrader submit` names it: <student>+<assignment>+<timestamp>[+<random>]
ENTRY_NAME = re.compile(r"(?P<student>[^+]*)\+(?P<assignment>[^+]+)\+(?P<timestamp>[^+]+)(?:\+[^+]*)?")
STUDENT_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,99}")  # no "+", no leading "."
MAX_ENTRY_FILES, MAX_ENTRY_DEPTH = 2000, 16


class _Rejected(Exception):
    """An inbound entry that cannot be collected (the message says why)."""


@dataclass
class _Entry:
    name: str
    student: str
    stamp: str
    timestamp: datetime  # naive UTC (nbgrader.utils.parse_utc)
    uid: int


def collect_exchange(course: Course, module: str) -> ExchangeCollection:
    """Collect the module from the exchange's inbound/ into submitted/, as ``nbgrader collect
    --update`` would, without trusting anything a student controls.

    An entry's student id counts only if the entry belongs to that user (pwd), or to the
    instructor running this (one-user setups, the demo); links are never followed (an
    entry that is a link is skipped, a link inside one is left out), files owned by another
    user are left out, and the copy is bounded (CourseDirectory.max_file_size, max_dir_size).
    Each student's latest valid entry is collected when it is newer than the submission
    collected before; a malformed entry (name, timestamp, not a folder, no notebook of the
    module) is skipped with one line, and the others are collected.
    """
    from nbgrader.utils import parse_utc

    root = ensure_exchange(course)
    _, coursedir = course.config()
    inbound = root / coursedir.course_id / "inbound"
    try:
        released = set(course.released_notebooks(module))
    except InstructorError:
        released = set()  # not generated here: any notebook will do
    me, skipped, entries = os.geteuid(), [], {}
    try:
        inbound_fd = os.open(inbound, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        raise InstructorError(f"cannot read the exchange's inbound folder {inbound} ({error.strerror})") from None
    try:
        for name in sorted(os.listdir(inbound_fd)):
            match = ENTRY_NAME.fullmatch(name)
            if match is None:
                skipped.append(f"{name!r}: not an nbgrader submission (<student>+<assignment>+<timestamp>)")
                continue
            if match["assignment"] != module:
                continue
            student, stamp = match["student"], match["timestamp"]
            if not STUDENT_ID.fullmatch(student):
                skipped.append(f"{name!r}: {student!r} is not a usable student id")
                continue
            try:
                timestamp = parse_utc(stamp)
            except (ValueError, OverflowError, TypeError):
                skipped.append(f"{name!r}: unparsable timestamp {stamp!r}")
                continue
            try:
                info = os.stat(name, dir_fd=inbound_fd, follow_symlinks=False)
            except OSError as error:
                skipped.append(f"{name!r}: {error.strerror}")
                continue
            if stat.S_ISLNK(info.st_mode):
                skipped.append(f"{name!r}: a symbolic link, not followed")
            elif not stat.S_ISDIR(info.st_mode):
                skipped.append(f"{name!r}: not a folder")
            elif info.st_uid != me and info.st_uid != _uid_of(student):
                skipped.append(f"{name!r}: handed in as {student} but belongs to {_user(info.st_uid)}")
            else:
                entries.setdefault(student, []).append(_Entry(name, student, stamp, timestamp, info.st_uid))
        collected = []
        for student in sorted(entries):
            dest = Path(coursedir.format_path(coursedir.submitted_directory, student, module))
            before = _collected_timestamp(dest)
            for entry in sorted(entries[student], key=lambda e: e.timestamp, reverse=True):
                if before is not None and entry.timestamp <= before:
                    break  # collected before, and no newer valid entry
                try:
                    skipped += _copy_entry(inbound_fd, entry, dest, coursedir, released)
                except _Rejected as why:
                    skipped.append(f"{entry.name!r}: {why}")
                    continue
                collected.append(student)
                break
    finally:
        os.close(inbound_fd)
    strangers = sorted(set(collected) - course.student_ids())
    if strangers:
        say(f"  not in the roster (nbgrader autograde will add them): {', '.join(strangers)}")
    for line in skipped:
        say(f"  skipped {line}")
    with open(course.log, "a") as handle:
        handle.write(f"\n$ collect {module} from {inbound}   # {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
                     f"collected: {', '.join(collected) or 'none'}\n" + "".join(f"skipped {s}\n" for s in skipped))
    return ExchangeCollection(collected, skipped)


def _uid_of(student: str) -> int | None:
    try:
        return pwd.getpwnam(student).pw_uid
    except KeyError:
        return None


def _collected_timestamp(dest: Path):
    """The timestamp of the submission collected in ``dest`` (None: none, or none readable)."""
    from nbgrader.utils import parse_utc

    try:
        return parse_utc((dest / "timestamp.txt").read_text().strip()) if dest.is_dir() else None
    except (OSError, ValueError, OverflowError, TypeError):
        return None


def _copy_entry(inbound_fd: int, entry: _Entry, dest: Path, coursedir, released: set[str]) -> list[str]:
    """Copy one inbound entry to ``dest`` (replacing it) without following links; the files left
    out, one line each. _Rejected (and ``dest`` untouched) if the entry cannot be collected."""
    max_file, max_total = 1000 * coursedir.max_file_size, 1000 * coursedir.max_dir_size
    left_out: list[str] = []
    counted = {"files": 0, "bytes": 0}

    def ignored(name: str, is_file: bool) -> bool:
        return any(fnmatch.fnmatch(name, glob) for glob in coursedir.ignore) or \
            (is_file and not any(fnmatch.fnmatch(name, glob) for glob in coursedir.include))

    def copy_tree(src_fd: int, target: Path, relative: str, depth: int) -> None:
        if depth > MAX_ENTRY_DEPTH:
            raise _Rejected(f"folders nested deeper than {MAX_ENTRY_DEPTH}")
        for name in sorted(os.listdir(src_fd)):
            path = relative + name if (relative + name).isprintable() else repr(relative + name)
            counted["files"] += 1
            if counted["files"] > MAX_ENTRY_FILES:
                raise _Rejected(f"more than {MAX_ENTRY_FILES} files")
            info = os.stat(name, dir_fd=src_fd, follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                left_out.append(f"{path} is a symbolic link, not followed")
                continue
            if ignored(name, stat.S_ISREG(info.st_mode)):
                continue
            if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
                left_out.append(f"{path} is not a regular file, left out")
                continue
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY
            try:  # opened without following links: a file swapped for a link since is refused here
                fd = os.open(name, flags | (os.O_DIRECTORY if stat.S_ISDIR(info.st_mode) else 0), dir_fd=src_fd)
            except OSError as error:
                left_out.append(f"{path} could not be opened ({error.strerror}), left out")
                continue
            try:
                info = os.fstat(fd)
                if info.st_uid != entry.uid:
                    left_out.append(f"{path} belongs to {_user(info.st_uid)}, not to the "
                                    "submitter, left out")
                elif stat.S_ISDIR(info.st_mode):
                    (target / name).mkdir(mode=0o755)
                    copy_tree(fd, target / name, relative + name + "/", depth + 1)
                elif not stat.S_ISREG(info.st_mode):
                    left_out.append(f"{path} is not a regular file, left out")
                elif info.st_size > max_file:
                    left_out.append(f"{path} is larger than {max_file} bytes "
                                    "(CourseDirectory.max_file_size), left out")
                else:
                    counted["bytes"] += info.st_size
                    if counted["bytes"] > max_total:
                        raise _Rejected(f"larger than {max_total} bytes (CourseDirectory.max_dir_size)")
                    with open(target / name, "xb") as out:
                        remaining = info.st_size
                        while remaining > 0 and (chunk := os.read(fd, min(remaining, 1 << 20))):
                            out.write(chunk)
                            remaining -= len(chunk)
                    (target / name).chmod(0o644)
            finally:
                os.close(fd)

    try:
        entry_fd = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=inbound_fd)
    except OSError as error:
        raise _Rejected(f"cannot be opened as a folder ({error.strerror})") from None
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.collecting-", dir=dest.parent))
    try:
        if os.fstat(entry_fd).st_uid != entry.uid:
            raise _Rejected("changed owner while it was being collected")
        try:
            copy_tree(entry_fd, staging, "", 0)
        except OSError as error:
            raise _Rejected(f"could not be copied ({error.strerror}: {error.filename})") from None
        notebooks = sorted(p.name for p in staging.glob("*.ipynb") if p.is_file())
        wanted = [n for n in notebooks if n in released] if released else notebooks
        if not wanted:
            raise _Rejected(f"no notebook of {dest.name}" + (f" ({', '.join(sorted(released))})" if released else "")
                            + (f"; found {', '.join(notebooks)}" if notebooks else "")
                            + "".join(f"; {line}" for line in left_out))
        for name in wanted:
            try:
                nbformat.read(staging / name, as_version=4)
            except Exception as error:  # noqa: BLE001
                raise _Rejected(f"{name} is not a readable notebook ({type(error).__name__})") from None
        # the timestamp that was checked, so that nbgrader never meets one it cannot parse
        if (staging / "timestamp.txt").is_dir():
            raise _Rejected("timestamp.txt is a folder")
        (staging / "timestamp.txt").unlink(missing_ok=True)
        (staging / "timestamp.txt").write_text(entry.stamp)
        staging.chmod(0o755)
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
    finally:
        os.close(entry_fd)
        if staging.exists():
            shutil.rmtree(staging)
    return [f"{entry.name!r}: {line}" for line in left_out]


def name_regexp(course: Course, module: str) -> str:
    """The default file-name pattern for LMS zips of this module (see NAME_PATTERN)."""
    names = "|".join(re.escape(name) for name in course.released_notebooks(module))
    return NAME_PATTERN.format(notebooks=names)


def _holds_notebooks(data: io.BytesIO) -> bool:
    """Whether ``data`` is a zip archive with a notebook in it."""
    if not zipfile.is_zipfile(data):
        return False
    with zipfile.ZipFile(data) as inner:
        return any(n.endswith(".ipynb") for n in inner.namelist())


def _zip_notebooks(path: Path) -> list[str]:
    """The notebooks in a zip (no folders, no hidden or __MACOSX files); InstructorError if unusable."""
    if not path.is_file():
        raise InstructorError(f"no such zip file: {path}")
    if not zipfile.is_zipfile(path):
        raise InstructorError(f"{path} is not a zip file")
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        notebooks = [n for n in names if n.endswith(".ipynb")
                     and not any(part.startswith((".", "__MACOSX")) for part in n.split("/"))]
        for name in notebooks:
            try:
                nbformat.reads(archive.read(name).decode("utf-8"), as_version=4)
            except Exception as error:  # noqa: BLE001
                raise InstructorError(f"{path}: {name} is not a readable notebook ({error})") from None
        for name in names:  # zip_collect would unpack these too, unchecked
            if name.endswith(".zip") and _holds_notebooks(io.BytesIO(archive.read(name))):
                raise InstructorError(f"{path}: {name} is a zip inside the zip; unpack it and collect it on its own")
    if not notebooks:
        raise InstructorError(f"{path} holds no notebooks (.ipynb); found: {', '.join(names[:5]) or 'nothing'}")
    return notebooks


def collect_zips(course: Course, module: str, zips: list[Path], regexp: str | None = None,
                 force: bool = False) -> dict[str, list[str]]:
    """Collect LMS bulk-download zips with ``nbgrader zip_collect``: {student: [notebooks]}.

    Everything is checked first (readable zips with notebooks, every notebook's
    name matches the pattern and names a released notebook and a known student,
    no student twice, no existing submission unless ``force``); a problem raises
    InstructorError before anything in the course changes.
    """
    regexp = regexp or name_regexp(course, module)
    try:
        pattern = re.compile(regexp)
    except re.error as error:
        raise InstructorError(f"bad --name-regexp {regexp!r}: {error}") from None
    if not {"student_id", "file_id"} <= set(pattern.groupindex):
        raise InstructorError("--name-regexp needs the groups (?P<student_id>...) and (?P<file_id>...)")
    released = course.released_notebooks(module)
    stamp, number = time.strftime("%Y%m%d-%H%M%S"), 1
    while (course.root / "downloaded" / module / stamp).exists():  # one folder per collect
        number += 1
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{number}"
    staging = course.root / "downloaded" / module / stamp
    extracted = staging / "extracted"
    found: dict[str, list[str]] = {}
    problems: list[str] = []
    copies: list[tuple[Path, str]] = []
    for index, path in enumerate(Path(z).resolve() for z in zips):
        stem = f"{index + 1}-{path.stem}" if len(zips) > 1 else path.stem
        copies.append((path, stem + ".zip"))
        for name in _zip_notebooks(path):
            # nbgrader matches the pattern against the extracted file's absolute path
            match = pattern.match(str(extracted / stem / name))
            if not match:
                problems.append(f"{path.name}: {name} does not match the file-name pattern")
                continue
            student, notebook = match["student_id"], match["file_id"]
            notebook = os.path.splitext(notebook)[0] + ".ipynb"
            if notebook not in released:
                problems.append(f"{path.name}: {name} is not a notebook of {module} ({', '.join(released)})")
            elif notebook in found.get(student, []):
                problems.append(f"{path.name}: {name}: {student} submitted {notebook} twice")
            else:
                found.setdefault(student, []).append(notebook)
    known = course.student_ids()
    unknown = sorted(set(found) - known)
    if unknown:
        problems.append(f"unknown student(s) {', '.join(unknown)}: add them to the roster first "
                        f"(scripts/instructor roster FILE.csv)")
    existing = [s for s in found if s in course.submitted(module)]
    if existing and not force:
        problems.append(f"already collected for {module}: {', '.join(sorted(existing))} "
                        f"(--force replaces those submissions)")
    if problems:
        raise InstructorError("nothing collected, the zip(s) need fixing:\n  " + "\n  ".join(problems)
                              + f"\nfile-name pattern: {regexp}")
    archive = staging / "archive"
    archive.mkdir(parents=True)
    for path, name in copies:
        shutil.copy2(path, archive / name)
    course.nbgrader("zip_collect", module, f"--ZipCollectApp.archive_directory={stamp}/archive",
                    f"--ZipCollectApp.extracted_directory={stamp}/extracted",
                    f"--FileNameCollectorPlugin.named_regexp={regexp}", *(["--force"] if force else []))
    missing = [f"{s}/{n}" for s, names in found.items() for n in names
               if not (course.root / "submitted" / s / module / n).is_file()]
    if missing:
        raise InstructorError(f"zip_collect did not collect {', '.join(missing)} (see {course.log})")
    return found


def autograde(course: Course, module: str, workers: int = 2, exercise_timeout: float = 60.0,
              submission_timeout: float = 600.0, sandbox: bool = True, students: list[str] | None = None,
              progress: bool = True):
    """Grade in the sandbox (phase 1), record in the gradebook (nbgrader autograde), write the report."""
    from course_grader.report import one_line, write_report
    from course_grader.runner import GradingOptions, SandboxUnavailable, grade_assignment

    submitted = [s for s in course.submitted(module) if students is None or s in students]
    if not submitted:
        raise InstructorError(f"no submissions of {module} to grade in {course.root / 'submitted'} "
                              f"(run `collect {module}` first)")
    released = course.released_notebooks(module)
    strays = [str(p.relative_to(course.root)) for s in submitted
              for p in sorted((course.root / "submitted" / s / module).glob("*.ipynb")) if p.name not in released]
    if strays:
        raise InstructorError(f"not notebooks of {module} ({', '.join(released)}): {', '.join(strays)}; "
                              "rename or remove them")
    options = GradingOptions(sandbox=sandbox, exercise_timeout_s=exercise_timeout,
                             submission_timeout_s=submission_timeout, workers=workers)
    try:
        results = grade_assignment(course.root, module, students, options=options, progress=progress)
    except SandboxUnavailable as error:
        raise InstructorError(f"not grading: {error}") from None
    failed = [r for r in results if any(f.startswith("could not be graded") for f in r.flags)]
    for r in failed:
        say(f"  problem: {one_line(r.student, 40)} ({one_line(r.notebook, 40)}): {one_line(r.flags[-1])}")
    if results and len(failed) == len(results):
        raise InstructorError(f"no submission of {module} could be graded (see the problems above)")
    say(f"  graded {len(results) - len(failed)} notebook(s) of {len(submitted)} student(s) in the sandbox"
        if sandbox else f"  graded {len(results) - len(failed)} notebook(s) WITHOUT a sandbox (--unsafe-no-sandbox)")
    csv_path, md_path = write_report(_with_cached(course, module, results), course.root / "reports" / module)
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


def _with_cached(course: Course, module: str, results: list) -> list:
    """``results`` and the still valid cached results of the module's other submissions (for the report)."""
    from course_grader.runner import NotebookResult, submission_key

    done = {(r.student, r.notebook) for r in results}
    merged = list(results)
    for path in sorted((course.root / "grading" / module).glob("*/*.json")):
        student, notebook = path.parent.name, path.stem
        submitted = course.root / "submitted" / student / module / f"{notebook}.ipynb"
        source = course.root / "solutions" / module / f"{notebook}.ipynb"
        if (student, notebook) not in done and submitted.exists() and source.exists():
            cached = NotebookResult.from_json(path.read_text())
            if cached.key == submission_key(submitted, source):
                merged.append(cached)
    return merged


def feedback(course: Course, module: str) -> Path:
    """HTML feedback per student (hidden tests stripped), released to the exchange if one is in use."""
    course.nbgrader("generate_feedback", module, "--force")
    folder = course.root / "feedback"
    say(f"  feedback in {folder}/<student>/{module}/")
    root = course.exchange_root()
    if course.exchange is not None or (root / course.course_id / "outbound" / module).is_dir():
        # only submissions that came through the exchange can fetch their feedback from it
        by_hand = sorted(p.parent.name for p in folder.glob(f"*/{module}")
                         if not (p / "submission_secret.txt").exists())
        if len(by_hand) < len(list(folder.glob(f"*/{module}"))):
            course.nbgrader("release_feedback", module, f"--Exchange.root={ensure_exchange(course)}",
                            f"--CourseDirectory.student_id_exclude={','.join(by_hand)}")
            say(f"  released to the exchange {root}")
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


# ---------------------------------------------------------------------------
# Submissions built from the solutions (demo, tests)
# ---------------------------------------------------------------------------

def completed_submission(source: Path, released: Path,
                         answers: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The released notebook answered as a student would: each ``ex_<name>`` cell gets the
    solution from the source notebook, or ``answers[name]`` when given."""
    solutions = {grade_id(c)[3:]: c.source for c in nbformat.read(source, as_version=4).cells
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
    source = course.root / "solutions" / DEMO_MODULE / f"{DEMO_MODULE}.ipynb"
    released = course.root / "notebooks" / DEMO_MODULE / f"{DEMO_MODULE}.ipynb"
    answers = DEMO_STUDENTS[student][1]
    if answers == "blank":
        return nbformat.read(released, as_version=4)
    return completed_submission(source, released, answers)


def make_demo_course(directory: Path) -> Course:
    """A copy of this course in ``directory/course`` (config and DEMO_MODULE's source), with
    its own exchange in ``directory/exchange`` and a roster in ``directory/roster.csv``."""
    root = directory / "course"
    (root / "solutions").mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "nbgrader_config.py", root)
    shutil.copytree(REPO_ROOT / "solutions" / DEMO_MODULE, root / "solutions" / DEMO_MODULE,
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
    say((course.root / "reports" / DEMO_MODULE / "grading-report.md").read_text())
    say(f"Demo done in {time.monotonic() - start:.0f} s; everything is in {directory}")
    return course


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", type=Path, default=REPO_ROOT, metavar="DIR",
                        help="nbgrader course root, the folder with nbgrader_config.py (default: %(default)s)")
    common.add_argument("--db-url", default=os.environ.get("COURSE_DB_URL"), metavar="URL",
                        help="gradebook database, e.g. postgresql://user:password@host/db (default: "
                             "$COURSE_DB_URL, else nbgrader_config.py's, else sqlite gradebook.db in the course)")
    common.add_argument("--exchange", type=Path, metavar="DIR",
                        help=f"nbgrader exchange folder (default: ${EXCHANGE_ENV}, else nbgrader_config.py's "
                             "Exchange.root, else nbgrader's /usr/local/share/nbgrader/exchange)")
    main = argparse.ArgumentParser(prog="scripts/instructor", description=__doc__.split("\n\n")[0])
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("roster", parents=[common], help="add or update students from a roster CSV")
    p.add_argument("file", type=Path, help="CSV with the columns id,first_name,last_name,email")
    p = sub.add_parser("release", parents=[common], help="generate student versions and release them")
    p.add_argument("modules", nargs="+", metavar="MODULE")
    p.add_argument("--no-exchange", action="store_true", help="only generate notebooks/ (hand out via an LMS)")
    p.add_argument("--force", action="store_true", help="replace a release already in the exchange")
    p = sub.add_parser("collect", parents=[common], help="collect submissions (exchange and/or LMS zips)")
    p.add_argument("module", metavar="MODULE")
    p.add_argument("--lms-zip", type=Path, action="append", default=[], metavar="FILE.zip",
                   help="an LMS bulk download; file names <student_id>_<anything>_<notebook>.ipynb (repeatable)")
    p.add_argument("--name-regexp", help="regular expression for those file names, with the groups "
                                         "(?P<student_id>...) and (?P<file_id>...), matched against the full path")
    p.add_argument("--force", action="store_true", help="let a zip replace a student's collected submission")
    p = sub.add_parser("autograde", parents=[common], help="grade in the sandbox, record, report")
    p.add_argument("module", metavar="MODULE")
    p.add_argument("--workers", type=int, default=2, help="submissions graded in parallel (default: 2)")
    p.add_argument("--exercise-timeout", type=float, default=60.0, metavar="S", help="per exercise (default: 60)")
    p.add_argument("--submission-timeout", type=float, default=600.0, metavar="S",
                   help="per submitted notebook (default: 600)")
    p.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    p.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="run student code without isolation (only if you trust every submission)")
    p = sub.add_parser("feedback", parents=[common], help="HTML feedback, released to the exchange if used")
    p.add_argument("module", metavar="MODULE")
    p = sub.add_parser("export", parents=[common], help="grades of every student and module to CSV")
    p.add_argument("--to", type=Path, default=Path("grades.csv"), help="output CSV (default: %(default)s)")
    p = sub.add_parser("demo", help="the whole cycle with five demo students on a throwaway copy")
    p.add_argument("directory", nargs="?", type=Path, help="a new or empty folder (default: a new temp folder)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--unsafe-no-sandbox", action="store_true", help="grade without the sandbox")
    return main


def run(args: argparse.Namespace) -> None:
    if args.command == "demo":
        demo(args.directory, workers=args.workers, sandbox=not args.unsafe_no_sandbox)
        return
    course = Course(args.course, db_url=args.db_url, exchange=args.exchange)
    if args.command == "roster":
        rows = import_roster(course, args.file)
        say(f"roster: {rows} students imported; the gradebook has {len(course.student_ids())} students")
    elif args.command == "release":
        for module in args.modules:
            say(f"release {module}")
            release(course, module, exchange=not args.no_exchange, force=args.force)
    elif args.command == "collect":
        if not args.lms_zip or args.exchange is not None or course.exchange is not None:
            result = collect_exchange(course, args.module)
            students = result.collected
            say(f"collect {args.module}: {len(students)} new submission(s) from the exchange "
                f"{course.exchange_root()}" + (f": {', '.join(students)}" if students else "")
                + (f"; {len(result.skipped)} thing(s) skipped, listed above" if result.skipped else ""))
        if args.lms_zip:
            found = collect_zips(course, args.module, args.lms_zip, args.name_regexp, force=args.force)
            say(f"collect {args.module}: {len(found)} submission(s) from {len(args.lms_zip)} zip(s): "
                + ", ".join(sorted(found)))
    elif args.command == "autograde":
        say(f"autograde {args.module}")
        autograde(course, args.module, workers=args.workers, exercise_timeout=args.exercise_timeout,
                  submission_timeout=args.submission_timeout, sandbox=not args.unsafe_no_sandbox,
                  students=args.student)
    elif args.command == "feedback":
        say(f"feedback {args.module}")
        feedback(course, args.module)
    elif args.command == "export":
        rows = export(course, args.to)
        say(f"{grades_table(rows)}\nexported {len(rows)} rows to {args.to.resolve()}")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        run(args)
    except InstructorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
