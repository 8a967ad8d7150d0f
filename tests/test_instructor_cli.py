"""The instructor commands (scripts/instructor, course_grader.cli) on throwaway courses.

``demo`` runs the whole cycle end to end in a subprocess: roster, release to an
exchange, four students fetch and submit through it and one arrives in an LMS zip,
collect, sandboxed autograde, feedback, export. Its grades must be exact. Smaller
tests call the same commands in this process on a fresh copy of module 01.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import os
import re
import subprocess
import uuid
import zipfile
from pathlib import Path

import nbformat
import pytest

from course_grader import cli
from course_grader.course import EXCHANGE_ENV, Course, gradebook_url
from course_grader.demo import DEMO_STUDENTS, demo_submission, make_demo_course
from course_grader.notebook import grade_id
from nbtools import ROOT, exercises, notebook_path, read

MODULE = "01_perceptron"
SCRIPT = ROOT / "scripts" / "instructor"


def _points() -> dict[str, float]:
    return {e.name: e.points for e in exercises(read(notebook_path(MODULE)))}


@pytest.fixture(scope="module")
def demo_class(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo") / "class"
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_BWRAP", EXCHANGE_ENV)}
    proc = subprocess.run([str(SCRIPT), "demo", str(directory)], capture_output=True, text=True,
                          timeout=900, env=env)
    assert proc.returncode == 0, f"demo failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return directory, proc.stdout


@pytest.fixture
def fresh_course(tmp_path):
    """A copy of module 01 with the demo roster, released (no exchange); no submissions yet."""
    course = make_demo_course(tmp_path)
    assert cli.main(["roster", str(tmp_path / "roster.csv"), "--course", str(course.root)]) == 0
    assert cli.main(["release", MODULE, "--no-exchange", "--course", str(course.root)]) == 0
    return course


def _read_grades(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle) if row["assignment"] == MODULE}


# ---------------------------------------------------------------------------
# The demo class, end to end
# ---------------------------------------------------------------------------

@pytest.mark.slow
def test_demo_grades_are_exact(demo_class):
    directory, _ = demo_class
    points = _points()
    full = sum(points.values())
    expected = {
        "ada": full,  # every answer right
        "ben": 0.0,  # blank
        "cleo": full - points["Perceptron"],  # one wrong function
        "dan": points["step"],  # cheater: only the honest step answer counts
        "eve": full - points["step"],  # wrong step, handed in as an LMS zip
    }
    grades = _read_grades(directory / "course" / "grades.csv")
    assert set(grades) == set(expected)
    for student, score in expected.items():
        assert float(grades[student]["max_score"]) == full
        assert float(grades[student]["score"]) == score, (student, grades[student])


@pytest.mark.slow
def test_demo_prints_grades_and_flags_only_the_cheater(demo_class):
    directory, out = demo_class
    assert str(directory) in out
    assert re.search(r"^ada\s+01_perceptron\s+6\s+6$", out, re.M), out
    report = (directory / "course" / "reports" / MODULE / "grading-report.md").read_text()
    suspicious = report.split("## Suspicious submissions", 1)[1]
    # the flag's text comes from student code, so the report escapes it (course_grader.report)
    assert "**dan**" in suspicious and r"numpy.testing.assert\_allclose" in suspicious, report
    for honest in ("ada", "ben", "cleo", "eve"):
        assert f"**{honest}**" not in suspicious, report
    rows = list(csv.DictReader(open(directory / "course" / "reports" / MODULE / "grading-report.csv")))
    assert {r["student"] for r in rows} == set(DEMO_STUDENTS)


@pytest.mark.slow
def test_demo_used_the_exchange_and_the_lms_zip(demo_class):
    directory, out = demo_class
    course = directory / "course"
    for student, (way, _, _) in DEMO_STUDENTS.items():
        folder = course / "submitted" / student / MODULE
        assert (folder / f"{MODULE}.ipynb").is_file(), student
        # exchange submissions carry nbgrader's submission secret; the zip's does not
        assert (folder / "submission_secret.txt").exists() == (way == "exchange"), student
    inbound = list((directory / "exchange" / "deep-learning-course" / "inbound").iterdir())
    assert len(inbound) == 4
    assert "  skipped " not in out  # every hand-in collected: each belongs to the user collecting (the demo's)
    # nbgrader's modes, with the sticky bit on the root and inbound/ (course_grader.exchange.EXCHANGE_MODES)
    modes = {str(p.relative_to(directory)): p.stat().st_mode & 0o7777 for p in
             [directory / "exchange", *(directory / "exchange").glob("*"), *(directory / "exchange").glob("*/*")]
             if p.is_dir()}
    assert modes == {"exchange": 0o1777, "exchange/deep-learning-course": 0o755,
                     "exchange/deep-learning-course/outbound": 0o755,
                     "exchange/deep-learning-course/inbound": 0o3733,
                     "exchange/deep-learning-course/feedback": 0o711}, modes
    released = list((directory / "exchange" / "deep-learning-course" / "feedback").glob("*.html"))
    assert len(released) == 4  # feedback for the exchange students; eve's goes back through the LMS


@pytest.mark.slow
def test_feedback_shows_no_hidden_tests(demo_class):
    directory, _ = demo_class
    hidden = []
    for cell in read(notebook_path(MODULE)).cells:
        source = cell.source
        while "### BEGIN HIDDEN TESTS" in source:
            block, source = source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)
            hidden += [line.strip() for line in block.splitlines() if len(line.strip()) > 20]
    visible = "\n".join(cell.source for cell in read(notebook_path(MODULE, student=True)).cells)
    hidden = [line for line in hidden if line not in visible]  # lines also in the visible tests may show
    assert hidden, "module 01 should have hidden tests"
    pages = sorted((directory / "course" / "feedback").glob(f"*/{MODULE}/*.html"))
    assert len(pages) == len(DEMO_STUDENTS)
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        assert "HIDDEN TESTS" not in text, page
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page} shows hidden test code: {leaked[:3]}"
    cleo = html.unescape(re.sub(r"<[^>]+>", "", (directory / "course" / "feedback" / "cleo" / MODULE /
                                                 f"{MODULE}.html").read_text()))
    assert "Perceptron failed" in cleo and "bias" in cleo  # the check's message reaches the student


@pytest.mark.slow
def test_export_writes_one_row_per_student(demo_class, tmp_path, capsys):
    directory, _ = demo_class
    target = tmp_path / "grades.csv"
    assert cli.main(["export", "--to", str(target), "--course", str(directory / "course")]) == 0
    grades = _read_grades(target)
    assert set(grades) == set(DEMO_STUDENTS)
    assert grades == _read_grades(directory / "course" / "grades.csv")
    assert {"student_id", "assignment", "score", "max_score", "first_name", "email"} <= set(grades["ada"])
    assert grades["ada"]["email"] == "ada@example.org"
    assert f"exported {len(grades)} rows" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# Roster, LMS zips, the sandbox refusal (module 01 in this process)
# ---------------------------------------------------------------------------

def test_roster_creates_and_updates_students(fresh_course, tmp_path, capsys):
    with fresh_course.gradebook() as gb:
        assert {s.id: s.email for s in gb.students} == {s: f"{s}@example.org" for s in DEMO_STUDENTS}
    roster = tmp_path / "update.csv"
    roster.write_text("id,first_name,last_name,email\nada,Ada,Lovelace,ada@new.example\nzoe,Zoe,New,zoe@x.example\n")
    assert cli.main(["roster", str(roster), "--course", str(fresh_course.root)]) == 0
    assert "2 students imported; the gradebook has 6 students" in capsys.readouterr().out
    with fresh_course.gradebook() as gb:
        ada = gb.find_student("ada")
        assert (ada.last_name, ada.email) == ("Lovelace", "ada@new.example")
    bad = tmp_path / "bad.csv"
    bad.write_text("student,name\nx,y\n")
    assert cli.main(["roster", str(bad), "--course", str(fresh_course.root)]) == 1
    assert "the columns must be id,first_name,last_name,email" in capsys.readouterr().err


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def _state(course: Course) -> list[str]:
    """Every file under submitted/ and downloaded/ (what a failed collect must leave alone)."""
    return sorted(str(p.relative_to(course.root)) for folder in ("submitted", "downloaded")
                  for p in (course.root / folder).rglob("*"))


class _StreamClosingHandler(logging.StreamHandler):
    """Closes its stream when closed, as absl's handler (imported with TensorFlow) does."""

    def close(self) -> None:
        self.stream.close()
        super().close()


def test_nbgrader_in_this_process_leaves_the_host_log_streams_open(fresh_course, tmp_path, capsys):
    stream = io.StringIO()
    handler = _StreamClosingHandler(stream)
    host = logging.getLogger("host_of_the_grader")
    host.addHandler(handler)
    try:
        roster = tmp_path / "one.csv"
        roster.write_text("id,first_name,last_name,email\nzoe,Zoe,New,zoe@x.example\n")
        assert cli.main(["roster", str(roster), "--course", str(fresh_course.root)]) == 0
        assert not stream.closed, "an nbgrader app closed a log stream of the process that runs it"
        assert handler in host.handlers
    finally:
        host.removeHandler(handler)


def test_lms_zip_collects_and_bad_zips_change_nothing(fresh_course, tmp_path, capsys):
    notebook = nbformat.writes(demo_submission(fresh_course, "ada"))
    collect = ["collect", MODULE, "--course", str(fresh_course.root), "--lms-zip"]
    bad = {
        "missing": (tmp_path / "missing.zip", "no such zip file"),
        "not a zip": (tmp_path / "text.zip", "is not a zip file"),
        "no notebooks": (_zip(tmp_path / "empty.zip", {"readme.txt": "hi", "__MACOSX/._ada_01_perceptron.ipynb": ""}),
                         "holds no notebooks"),
        "unknown student": (_zip(tmp_path / "unknown.zip", {"mallory_x_01_perceptron.ipynb": notebook,
                                                           "ada_x_01_perceptron.ipynb": notebook}),
                            "unknown student(s) mallory"),
        "renamed notebook": (_zip(tmp_path / "renamed.zip", {"ada_01_perceptron (1).ipynb": notebook}),
                             "does not match the file-name pattern"),
        "broken notebook": (_zip(tmp_path / "broken.zip", {"ada_01_perceptron.ipynb": "{not json"}),
                            "is not a readable notebook"),
        "zip in the zip": (_zip(tmp_path / "outer.zip", {
            "ada_01_perceptron.ipynb": notebook,
            "more.zip": _zip(tmp_path / "inner.zip", {"ben_01_perceptron.ipynb": notebook}).read_bytes()}),
            "is a zip inside the zip"),
    }
    (tmp_path / "text.zip").write_text("not a zip")
    for case, (path, message) in bad.items():
        capsys.readouterr()
        assert cli.main([*collect, str(path)]) == 1, case
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("error: ") == 1 and message in err, (case, err)
        assert _state(fresh_course) == [], case

    good = _zip(tmp_path / "lms.zip", {"submissions/ada_2025-03-01_01_perceptron.ipynb": notebook,
                                       "ben_01_perceptron.ipynb": notebook})
    assert cli.main([*collect, str(good)]) == 0
    assert "2 submission(s) from 1 zip(s): ada, ben" in capsys.readouterr().out
    for student in ("ada", "ben"):
        got = (fresh_course.root / "submitted" / student / MODULE / f"{MODULE}.ipynb").read_text()
        assert nbformat.reads(got, as_version=4) == nbformat.reads(notebook, as_version=4)

    before = _state(fresh_course)
    assert cli.main([*collect, str(good)]) == 1  # would replace what is collected
    assert "already collected for 01_perceptron: ada, ben" in capsys.readouterr().err
    assert _state(fresh_course) == before
    assert cli.main([*collect, str(good), "--force"]) == 0


def test_lms_zip_with_a_custom_name_pattern(fresh_course, tmp_path, capsys):
    # Canvas bulk downloads: <sortable name>_[late_]<canvas user id>_<submission id>_<file name>
    roster = tmp_path / "canvas.csv"
    roster.write_text("id,first_name,last_name,email\n4711,Ada,Lovelace,\n")
    assert cli.main(["roster", str(roster), "--course", str(fresh_course.root)]) == 0
    archive = _zip(tmp_path / "canvas.zip", {"lovelaceada_late_4711_99120_01_perceptron-1.ipynb":
                                             nbformat.writes(demo_submission(fresh_course, "eve"))})
    canvas = r".*/[a-z]+_(?:late_)?(?P<student_id>\d+)_\d+_(?P<file_id>01_perceptron)(?:-\d+)?\.ipynb$"
    args = ["collect", MODULE, "--course", str(fresh_course.root), "--lms-zip", str(archive)]
    assert cli.main([*args, "--name-regexp", r".*/(?P<student>\d+)\.ipynb"]) == 1
    assert "needs the groups (?P<student_id>...) and (?P<file_id>...)" in capsys.readouterr().err
    assert cli.main([*args, "--name-regexp", canvas]) == 0
    assert (fresh_course.root / "submitted" / "4711" / MODULE / f"{MODULE}.ipynb").is_file()


def test_autograde_refuses_to_run_student_code_without_a_sandbox(fresh_course, monkeypatch, capsys):
    marker = Path("/tmp") / f"instructor-cli-ran-{uuid.uuid4().hex}"
    folder = fresh_course.root / "submitted" / "ada" / MODULE
    folder.mkdir(parents=True)
    nb = demo_submission(fresh_course, "ada")
    for cell in nb.cells:
        if grade_id(cell) == "ex_step":
            cell.source = f"open({str(marker)!r}, 'w').close()  # runs if anything runs this cell\n" + cell.source
    nbformat.write(nb, folder / f"{MODULE}.ipynb")
    monkeypatch.setenv("COURSE_BWRAP", "/nonexistent/bwrap")
    assert cli.main(["autograde", MODULE, "--course", str(fresh_course.root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: not grading:") and "bubblewrap" in err and "--unsafe-no-sandbox" in err, err
    assert not marker.exists()
    assert not (fresh_course.root / "grading").exists() and not (fresh_course.root / "autograded").exists()


def test_commands_explain_what_is_missing(fresh_course, tmp_path, capsys):
    assert cli.main(["export", "--course", str(tmp_path / "nowhere")]) == 1
    assert "has no nbgrader_config.py" in capsys.readouterr().err
    assert cli.main(["autograde", MODULE, "--course", str(fresh_course.root)]) == 1
    assert "no submissions of 01_perceptron" in capsys.readouterr().err
    assert cli.main(["release", "09_nothing", "--no-exchange", "--course", str(fresh_course.root)]) == 1
    assert "no module '09_nothing'" in capsys.readouterr().err


def test_wrapper_asks_for_setup_without_an_environment(tmp_path):
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "instructor"
    script.write_bytes(SCRIPT.read_bytes())
    script.chmod(0o755)
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "run scripts/setup first" in proc.stderr


def test_gradebook_url_picks_the_installed_postgres_driver():
    import importlib.util

    driver = "postgresql" if importlib.util.find_spec("psycopg") else "postgresql+psycopg2"
    for scheme in ("postgresql", "postgres"):
        assert gradebook_url(f"{scheme}://course:pw@db:5432/grades") == f"{driver}://course:pw@db:5432/grades"
    for unchanged in ("sqlite:///gradebook.db", "postgresql+psycopg2://c@h/g"):
        assert gradebook_url(unchanged) == unchanged
