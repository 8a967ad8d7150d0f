"""The nbgrader gradebook on PostgreSQL: a small class graded end to end, and graders writing at once.

The server comes from ``COURSE_TEST_POSTGRES_URL`` (scripts/test sets it; ``scripts/setup
--test-tools`` starts a local server with that role and database). Each run creates a
database of its own and drops it afterwards. An unreachable server fails the test.
"""

from __future__ import annotations

import csv
import os
import subprocess
import threading
import uuid
from pathlib import Path

import nbformat
import pytest

from course_grader import cli
from course_grader.course import Course
from course_grader.demo import WRONG_PERCEPTRON, completed_submission, make_demo_course
from nbtools import VENV_BIN, exercises, notebook_path, read

MODULE = "01_perceptron"
DEFAULT_URL = "postgresql://course:course@localhost:5432/course_gradebook_test"
STUDENTS = {"ada": None, "ben": "blank", "cleo": {"Perceptron": WRONG_PERCEPTRON}}

pytestmark = pytest.mark.slow


def _connect(url: str):
    import psycopg2
    from sqlalchemy.engine import make_url

    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = psycopg2.connect(libpq, connect_timeout=10)
    connection.autocommit = True
    return connection


@pytest.fixture(scope="module")
def postgres_url():
    """A fresh, empty database on the test server (dropped afterwards); its SQLAlchemy URL."""
    import psycopg2
    from psycopg2 import sql
    from sqlalchemy.engine import make_url

    url = os.environ.get("COURSE_TEST_POSTGRES_URL", DEFAULT_URL)
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        admin, problem = _connect(url), None
    except psycopg2.OperationalError as error:
        problem = str(error).strip()
    if problem is not None:
        pytest.fail(f"PostgreSQL is unreachable at {shown} (COURSE_TEST_POSTGRES_URL): {problem}\n"
                    "Start it and create the test role and database with `scripts/setup --test-tools` "
                    "(Debian/Ubuntu), or point COURSE_TEST_POSTGRES_URL at a server where the role may "
                    "create databases.", pytrace=False)
    name = f"course_gradebook_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cursor:
        try:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg2.Error as error:
            pytest.fail(f"cannot create a database on {shown}: {str(error).strip()} "
                        "(the test role needs CREATEDB; scripts/setup --test-tools grants it)", pytrace=False)
    try:
        # nbgrader gets it with the driver this environment has (psycopg2)
        yield make_url(url).set(drivername="postgresql+psycopg2", database=name).render_as_string(hide_password=False)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def _export(course: Course, url: str, to: Path) -> dict[str, float]:
    assert cli.main(["export", "--to", str(to), "--course", str(course.root), "--db-url", url]) == 0
    with open(to, newline="") as handle:
        return {r["student_id"]: float(r["score"]) for r in csv.DictReader(handle) if r["assignment"] == MODULE}


@pytest.fixture(scope="module")
def graded(postgres_url, tmp_path_factory):
    """Three students of module 01 graded with the instructor commands into the PostgreSQL gradebook."""
    directory = tmp_path_factory.mktemp("postgres-class")
    course = make_demo_course(directory)
    roster = directory / "three.csv"
    roster.write_text("id,first_name,last_name,email\n" + "".join(f"{s},{s.title()},Pg,\n" for s in STUDENTS))
    db = ["--course", str(course.root), "--db-url", postgres_url]
    assert cli.main(["roster", str(roster), *db]) == 0
    assert cli.main(["release", MODULE, "--no-exchange", *db]) == 0
    for student, answers in STUDENTS.items():
        folder = course.root / "submitted" / student / MODULE
        folder.mkdir(parents=True)
        released = course.root / "notebooks" / MODULE / f"{MODULE}.ipynb"
        nb = (nbformat.read(released, as_version=4) if answers == "blank" else
              completed_submission(course.root / "solutions" / MODULE / f"{MODULE}.ipynb", released, answers))
        nbformat.write(nb, folder / f"{MODULE}.ipynb")
    assert cli.main(["autograde", MODULE, *db]) == 0
    return course, postgres_url, _export(course, postgres_url, directory / "grades.csv")


def test_class_graded_into_postgres(graded):
    course, url, grades = graded
    points = {e.name: e.points for e in exercises(read(notebook_path(MODULE)))}
    full = sum(points.values())
    assert grades == {"ada": full, "ben": 0.0, "cleo": full - points["Perceptron"]}
    assert not (course.root / "gradebook.db").exists(), "the gradebook went to SQLite, not PostgreSQL"
    with _connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id FROM student ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == sorted(STUDENTS)
        cursor.execute("SELECT count(*) FROM submitted_assignment")
        assert cursor.fetchone()[0] == len(STUDENTS)


def test_two_autograde_processes_write_at_once(graded, tmp_path):
    course, url, grades = graded
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    graders = [subprocess.Popen([str(VENV_BIN / "nbgrader"), "autograde", MODULE, f"--student={student}", "--force",
                                 f"--CourseDirectory.root={course.root}", f"--CourseDirectory.db_url={url}"],
                                cwd=course.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for student in ("ada", "cleo")]
    outputs = [grader.communicate(timeout=600)[0] for grader in graders]
    for grader, output in zip(graders, outputs):
        assert grader.returncode == 0, output[-3000:]
    again = _export(course, url, tmp_path / "again.csv")
    assert {student: again[student] for student in grades} == grades


def test_concurrent_gradebook_sessions(graded):
    """Two gradebook connections adding students at the same moment both succeed."""
    from nbgrader.api import Gradebook

    course, url, _ = graded
    start, errors = threading.Barrier(2), []

    def add(prefix: str) -> None:
        try:
            with Gradebook(url, course.course_id) as gb:
                start.wait(timeout=60)
                for number in range(25):
                    gb.update_or_create_student(f"{prefix}{number:02d}", last_name=prefix)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(repr(error))

    threads = [threading.Thread(target=add, args=(prefix,)) for prefix in ("p", "q")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    with Gradebook(url, course.course_id) as gb:
        ids = {s.id for s in gb.students}
    assert {f"{p}{n:02d}" for p in "pq" for n in range(25)} <= ids
