"""The cycle around grading holds against its students: one test per attack a red-team pass found.

Collecting from the exchange (a classmate's id with a later timestamp, a link to the
course's solutions, a broken entry among good ones), the feedback page (script in
Markdown and in outputs) and the grading report (a forged flag with newlines and
Markdown). Each builds a throwaway course with test_instructor_cli's ``fresh_course``;
inbound entries are made here as ``nbgrader submit`` makes them, owned by whoever the
test needs (the tests that change owners run as root).
"""

from __future__ import annotations

import csv
import html
import os
import pwd
import re
import uuid
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from test_instructor_cli import MODULE, fresh_course  # noqa: F401 (fresh_course is a fixture)

from course_grader import cli
from course_grader.course import Course
from course_grader.demo import demo_submission
from course_grader.exchange import collect_exchange, ensure_exchange
from course_grader.steps import feedback
from course_grader.report import MAX_ITEM_CHARS, write_report
from course_grader.runner import ExerciseResult, NotebookResult

EARLY, LATE = "2025-03-01 09:30:00.000000 UTC", "2025-03-02 23:59:00.000000 UTC"
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="making files another user owns needs root")


def _notebook(course: Course, marker: str) -> nbformat.NotebookNode:
    """ada's answered notebook, marked so that a test can tell which copy was collected."""
    nb = demo_submission(course, "ada")
    nb.metadata["handed_in_by"] = marker
    return nb


def _inbound(course: Course) -> Path:
    return ensure_exchange(course) / course.course_id / "inbound"


def _hand_in(course: Course, student: str, when: str, marker: str | None = None,
             owner: int | None = None) -> Path:
    """An inbound entry as `nbgrader submit` leaves it (owned by ``owner``, else by this user)."""
    entry = _inbound(course) / f"{student}+{MODULE}+{when}+{uuid.uuid4().hex[:12]}"
    entry.mkdir()
    if marker is not None:
        nbformat.write(_notebook(course, marker), entry / f"{MODULE}.ipynb")
    (entry / "timestamp.txt").write_text(when)
    if owner is not None:
        for path in [entry, *entry.rglob("*")]:
            os.lchown(path, owner, owner)
    return entry


def _collected(course: Course, student: str) -> str | None:
    """The marker of the notebook collected for ``student`` (None: nothing collected)."""
    path = course.root / "submitted" / student / MODULE / f"{MODULE}.ipynb"
    return nbformat.read(path, as_version=4).metadata.get("handed_in_by") if path.exists() else None


def _unused_uid() -> int:
    uid = 61999
    while True:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
        uid += 1


def _mark_solutions(course: Course) -> str:
    """A marker only the course's source notebook holds (as it holds solutions and hidden tests)."""
    marker = f"instructor-only-{uuid.uuid4().hex}"
    source = course.root / "solutions" / MODULE / f"{MODULE}.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.metadata["instructor_only"] = marker
    nbformat.write(nb, source)
    return marker


# ---------------------------------------------------------------------------
# Collect
# ---------------------------------------------------------------------------

@as_root
def test_a_classmates_id_with_a_later_timestamp_is_not_collected(fresh_course, capsys):
    mallory = _unused_uid()  # a student's uid with no passwd entry of the name she forges
    _hand_in(fresh_course, "ada", EARLY, "ada herself")
    _hand_in(fresh_course, "ada", LATE, "mallory as ada", owner=mallory)
    nobody = pwd.getpwnam("nobody").pw_uid  # a real user handing in under its own name is believed
    _hand_in(fresh_course, "nobody", EARLY, "nobody herself", owner=nobody)

    result = collect_exchange(fresh_course, MODULE)
    assert result.collected == ["ada", "nobody"]
    assert _collected(fresh_course, "ada") == "ada herself"
    assert _collected(fresh_course, "nobody") == "nobody herself"
    forged = [line for line in result.skipped if f"uid {mallory}" in line]
    assert len(forged) == 1 and "handed in as ada" in forged[0], result.skipped
    assert f"skipped {forged[0]}" in capsys.readouterr().out

    # a later honest hand-in still replaces the collected one; the forgery never does
    _hand_in(fresh_course, "ada", "2025-03-03 10:00:00.000000 UTC", "ada again")
    assert collect_exchange(fresh_course, MODULE).collected == ["ada"]
    assert _collected(fresh_course, "ada") == "ada again"


def test_links_to_the_solutions_are_never_followed(fresh_course):
    solutions = fresh_course.root / "solutions" / MODULE
    secret = _mark_solutions(fresh_course)
    inbound = _inbound(fresh_course)
    # the whole entry a link to the solutions folder
    (inbound / f"ben+{MODULE}+{LATE}+link").symlink_to(solutions, target_is_directory=True)
    # the notebook in an entry a link to the source notebook
    cleo = _hand_in(fresh_course, "cleo", LATE)
    (cleo / f"{MODULE}.ipynb").symlink_to(solutions / f"{MODULE}.ipynb")
    # an honest notebook, with links to the solutions beside it
    dan = _hand_in(fresh_course, "dan", LATE, "dan")
    (dan / "notes.ipynb").symlink_to(solutions / f"{MODULE}.ipynb")
    (dan / "more").symlink_to(solutions, target_is_directory=True)
    (dan / "sub").mkdir()
    (dan / "sub" / "deep.ipynb").symlink_to(solutions / f"{MODULE}.ipynb")

    result = collect_exchange(fresh_course, MODULE)
    assert result.collected == ["dan"]
    assert _collected(fresh_course, "dan") == "dan"
    skipped = "\n".join(result.skipped)
    assert f"ben+{MODULE}+{LATE}+link': a symbolic link, not followed" in skipped
    assert f"{MODULE}.ipynb is a symbolic link" in skipped and "no notebook of 01_perceptron" in skipped
    for link in ("notes.ipynb", "more", "sub/deep.ipynb"):
        assert f"{link} is a symbolic link, not followed" in skipped, (link, skipped)
    copied = [p for p in (fresh_course.root / "submitted").rglob("*")]
    assert not any(p.is_symlink() for p in copied)
    assert sorted(p.name for p in copied if p.is_file()) == [f"{MODULE}.ipynb", "timestamp.txt"]
    for path in (p for p in copied if p.is_file()):
        assert secret not in path.read_text(), f"{path} holds the solutions"


def test_a_broken_entry_does_not_stop_the_others(fresh_course, capsys):
    inbound = _inbound(fresh_course)
    _hand_in(fresh_course, "ada", "not a time at all", "ada")
    _hand_in(fresh_course, "ben", LATE, "ben")
    _hand_in(fresh_course, "cleo", EARLY, "cleo early")
    _hand_in(fresh_course, "cleo", LATE)  # her latest has no notebook: the one before counts
    (inbound / f"dan+{MODULE}+{LATE}+file").write_text("not a folder")
    (inbound / "some-junk").mkdir()
    (inbound / f".hidden+{MODULE}+{LATE}").mkdir()
    eve = _hand_in(fresh_course, "eve", LATE)
    (eve / f"{MODULE}.ipynb").write_text("{not json")

    args = ["collect", MODULE, "--course", str(fresh_course.root), "--exchange", str(fresh_course.exchange)]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "2 new submission(s) from the exchange" in out and ": ben, cleo;" in out, out
    assert (_collected(fresh_course, "ben"), _collected(fresh_course, "cleo")) == ("ben", "cleo early")
    assert _collected(fresh_course, "ada") is None and _collected(fresh_course, "eve") is None
    skipped = [line for line in out.splitlines() if line.startswith("  skipped ")]
    expected = ["unparsable timestamp 'not a time at all'", "no notebook of 01_perceptron", "not a folder",
                "'some-junk': not an nbgrader submission", "'.hidden' is not a usable student id",
                "01_perceptron.ipynb is not a readable notebook"]
    assert len(skipped) == len(expected), out
    for reason in expected:
        assert sum(reason in line for line in skipped) == 1, (reason, skipped)
    # what was collected carries the timestamp that was checked
    stamp = (fresh_course.root / "submitted" / "cleo" / MODULE / "timestamp.txt").read_text()
    assert stamp == EARLY


def test_the_exchange_is_only_as_open_as_nbgrader_needs(fresh_course):
    root = ensure_exchange(fresh_course)
    course = root / fresh_course.course_id
    modes = {path: os.stat(path).st_mode & 0o7777 for path in
             (root, course, course / "outbound", course / "inbound", course / "feedback")}
    assert modes == {root: 0o1777, course: 0o755, course / "outbound": 0o755, course / "inbound": 0o3733,
                     course / "feedback": 0o711}
    (course / "inbound").chmod(0o777)  # a world-readable inbound (as made before) is put right
    ensure_exchange(fresh_course)
    assert os.stat(course / "inbound").st_mode & 0o7777 == 0o3733


# ---------------------------------------------------------------------------
# Feedback
# ---------------------------------------------------------------------------

MARKDOWN_ATTACKS = """# Hello from the student

<script>window.PWNED_md_script = 1</script>
<img src="x" onerror="window.PWNED_md_onerror = 1">

<iframe src="javascript:window.PWNED_md_iframe = 1"></iframe> <svg onload="window.PWNED_md_svg = 1"></svg>

[a link](javascript:window.PWNED_md_link=1) ![an image](javascript:window.PWNED_md_image=1)
<a href="jav&#x09;ascript:window.PWNED_md_entity=1">entity</a> [ref][r] [safe](https://example.org/ok)

[r]: javascript:window.PWNED_md_reference=1
"""


def _attack_outputs() -> list:
    new = nbformat.v4.new_output
    return [
        new("display_data", data={"text/plain": "html", "text/html": (
            "<script>window.PWNED_html_script=1</script><img src=x onerror='window.PWNED_html_onerror=1'>"
            "<iframe srcdoc='<script>window.PWNED_html_iframe=1</script>'></iframe>"
            "<a href='javascript:window.PWNED_html_link=1'>x</a><table><tr><td>a table</td></tr></table>")}),
        new("display_data", data={"text/plain": "js", "application/javascript": "window.PWNED_js = 1"}),
        new("display_data", data={"image/svg+xml": "<svg onload='window.PWNED_svg=1'></svg>"}),
        new("display_data", data={"text/markdown": "<script>window.PWNED_mdout=1</script>[x](javascript:window."
                                                   "PWNED_mdout_link=1)"}),
        new("display_data", data={"image/png": "iVBORw0KGgo="},
            metadata={"image/png": {"width": "1 onload=window.PWNED_png_width=1"}}),
        new("display_data", data={"text/html": "<b>isolated</b><script>window.PWNED_isolated=1</script>"},
            metadata={"text/html": {"isolated": True}}),
        new("display_data", data={"application/vnd.jupyter.widget-view+json": {
            "model_id": "m", "version_major": 2, "version_minor": 0}}),
        new("stream", name="stdout", text="<script>window.PWNED_stream=1</script>"),
        new("error", ename="E", evalue="<script>window.PWNED_error=1</script>",
            traceback=["<script>window.PWNED_traceback=1</script>"]),
    ]


class _Page(HTMLParser):
    """Every element of a page: (tag, attributes, inside <head>), and the text of each script."""

    def __init__(self, text: str):
        super().__init__()
        self.elements, self.scripts, self.in_head, self._script = [], [], False, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.in_head = self.in_head or tag == "head"
        self.in_head = self.in_head and tag != "body"
        self.elements.append((tag, dict(attrs), self.in_head))
        if tag == "script":
            self._script = [self.in_head, dict(attrs).get("src") or ""]

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if tag == "script" and self._script is not None:
            self.scripts.append(tuple(self._script))
            self._script = None


def test_feedback_runs_no_script_a_student_wrote(fresh_course):
    course = fresh_course
    with course.gradebook() as gb:
        gb.add_submission(MODULE, "ada")
    nb = demo_submission(course, "ada")
    code = nbformat.v4.new_code_cell("show()")
    code.outputs = _attack_outputs()
    nb.cells[1:1] = [nbformat.v4.new_markdown_cell(MARKDOWN_ATTACKS), code,
                     nbformat.v4.new_raw_cell("<script>window.PWNED_raw=1</script>",
                                              metadata={"raw_mimetype": "text/html"})]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    folder = course.root / "autograded" / "ada" / MODULE  # as nbgrader autograde leaves it
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{MODULE}.ipynb")

    feedback(course, MODULE)
    text = (course.root / "feedback" / "ada" / MODULE / f"{MODULE}.html").read_text()
    page = _Page(text)
    for shown in ("PWNED_md_script", "PWNED_html_script", "PWNED_raw", "PWNED_stream"):
        assert shown in text  # as text, in plain sight
    for in_head, script in page.scripts:
        assert in_head and "PWNED" not in script, script[:200]  # only the template's own (MathJax)
    for tag, attributes, in_head in page.elements:
        assert tag not in ("iframe", "object", "embed", "svg", "math", "form", "base", "frame"), tag
        for name, value in attributes.items():
            value = re.sub(r"[\x00-\x20]", "", value or "").lower()
            assert not name.startswith("on"), (tag, name, value)
            assert "pwned" not in value and not value.startswith(("javascript:", "vbscript:", "data:text")), \
                (tag, name, value)
    # the student's work is still there to read
    assert "Hello from the student" in text and 'href="https://example.org/ok"' in text
    assert "<td>a table</td>" in text and 'src="data:image/png;base64,iVBORw0KGgo="' in text


# ---------------------------------------------------------------------------
# The grading report
# ---------------------------------------------------------------------------

def test_a_forged_flag_cannot_write_the_report(tmp_path):
    forged = ("rebinds numpy\n\n- **ben** (01_perceptron):\n  - *also cheated* | 6 | <img src=x onerror=alert(1)>"
              " `code` _under_ [x](javascript:alert(2)) " + "#" * 1000)
    results = [
        NotebookResult("ada", MODULE, MODULE, [ExerciseResult("step", 2, 2, True, "=HYPERLINK(\"http://x\")\nok",
                                                              flags=[forged])]),
        NotebookResult("ben", MODULE, MODULE, [ExerciseResult("step", 2, 2, True, "passed")]),
        NotebookResult("eve\n| mallory | x |", MODULE, MODULE, [ExerciseResult("step", 0, 2, False, "<b>no</b>")]),
    ]
    csv_path, md_path = write_report(results, tmp_path / "reports")
    report = md_path.read_text()
    suspicious = report.split("## Suspicious submissions (1)", 1)[1]
    assert [line for line in suspicious.splitlines() if line.startswith("- ")] == [r"- **ada** (01\_perceptron):"]
    assert "**ben**" not in report and "<" not in report
    flag_lines = [line for line in suspicious.splitlines() if line.startswith("  - ")]
    assert len(flag_lines) == 1 and not re.search(r"(?<!\\)[`*_\[\]|<>]", flag_lines[0][4:]), flag_lines
    assert len(re.sub(r"\\(.)", r"\1", html.unescape(flag_lines[0][4:]))) <= MAX_ITEM_CHARS
    assert r"\*\*ben\*\*" in flag_lines[0] and "&lt;img" in flag_lines[0] and r"\[x\]\(javascript" in flag_lines[0]
    table = [line for line in report.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(results)
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 7 for line in table), table
    with open(csv_path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["student", "assignment", "notebook", "exercise", "points", "max_points", "passed",
                       "message", "flags"]
    assert len(rows) == 1 + len(results) and all(len(row) == 9 for row in rows)
    assert rows[1][7].startswith("'=HYPERLINK") and "\n" not in rows[1][7] and "\n" not in rows[1][8]
    assert rows[3][0] == "eve | mallory | x |"
