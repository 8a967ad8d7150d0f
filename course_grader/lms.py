"""Collecting LMS bulk downloads: zips of notebooks named after their students.

Everything is checked before anything in the course changes; then ``nbgrader
zip_collect`` copies the notebooks into the course's submitted folder.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import nbformat

from course_grader.course import Course, InstructorError

# LMS bulk downloads: `<student_id>_<anything>_<notebook>.ipynb` (or `<student_id>_<notebook>.ipynb`),
# anywhere in the zip; the student id runs up to the first underscore.
NAME_PATTERN = r"^(?:.*/)?(?P<student_id>[A-Za-z0-9][A-Za-z0-9.@-]*)_(?:[^/]*_)?(?P<file_id>{notebooks})$"


def downloaded_folder(course: Course, module: str) -> Path:
    """Where ``nbgrader zip_collect`` works on the module's zips (ZipCollectApp.downloaded_directory)."""
    from nbgrader.apps.zipcollectapp import ZipCollectApp

    config, _ = course.config()
    settings = config.ZipCollectApp
    name = settings.downloaded_directory if "downloaded_directory" in settings else \
        ZipCollectApp.downloaded_directory.default_value
    return course.root / name / module


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
    downloaded = downloaded_folder(course, module)
    stamp, number = time.strftime("%Y%m%d-%H%M%S"), 1
    while (downloaded / stamp).exists():  # one folder per collect
        number += 1
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{number}"
    staging = downloaded / stamp
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
    folders = course.folders
    missing = [f"{s}/{n}" for s, names in found.items() for n in names
               if not (folders.submitted(s, module) / n).is_file()]
    if missing:
        raise InstructorError(f"zip_collect did not collect {', '.join(missing)} (see {course.log})")
    return found
