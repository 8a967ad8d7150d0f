"""The exchange: releasing to it, its folders and their modes, and collecting from it.

``collect_exchange`` copies the inbound entries itself, as ``nbgrader collect --update``
would, but without following links or believing a student id the entry's owner does
not back. Releasing (assignments, feedback) is nbgrader's, into folders made here first.
"""

from __future__ import annotations

import fnmatch
import os
import pwd
import re
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat

from course_grader.course import EXCHANGE_ENV, Course, InstructorError, say


def release_assignment(course: Course, module: str, force: bool = False) -> Path:
    """``nbgrader release_assignment`` of the generated module into the exchange (made first); its root."""
    root = ensure_exchange(course)
    course.nbgrader("release_assignment", module, f"--Exchange.root={root}", *(["--force"] if force else []))
    return root


def release_feedback(course: Course, module: str) -> list[str] | None:
    """``nbgrader release_feedback`` of the module's feedback, when the course uses an exchange;
    None if it does not, else the students whose feedback goes back by hand (not submitted
    through the exchange, so they could not fetch it)."""
    root = course.exchange_root()
    if course.exchange is None and not (root / course.course_id / "outbound" / module).is_dir():
        return None
    folders = course.folders
    students = folders.feedback_students(module)
    # only submissions that came through the exchange carry the secret nbgrader names their feedback by
    by_hand = [s for s in students if not (folders.feedback(s, module) / "submission_secret.txt").exists()]
    if len(by_hand) < len(students):
        course.nbgrader("release_feedback", module, f"--Exchange.root={ensure_exchange(course)}",
                        f"--CourseDirectory.student_id_exclude={','.join(by_hand)}")
        say(f"  released to the exchange {root}")
    return by_hand


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
    me, skipped = os.geteuid(), []
    entries: dict = {}
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
