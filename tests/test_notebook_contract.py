"""The notebook contract (course_grader.notebook) and the advisory gate (course_grader.scan).

Source notebooks: every module's exercises, in order, with what their references
define. Submissions: what the grader runs (the first answer cell per exercise, the
helpers a student defines) and what no notebook may do to it: duplicated cells,
metadata and sources of the wrong type, parser bombs and huge files are notes or a
clear NotebookError, never a crash. The gate's findings are intent only: honest code
(imports, local names that shadow modules, setattr on one's own objects) has none.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat
import pytest

from course_grader import notebook, scan
from course_grader.notebook import NotebookError, read_notebook, read_source, read_submission
from nbtools import completed_notebook, exercises, module_ids, notebook_path, read

MODULE = "01_perceptron"  # ex_step (2 points), then ex_Perceptron (4 points)
WRONG_STEP = "def step(z):\n    return (np.asarray(z) > 0).astype(int)\n"
BOMB = "-" * 3000 + "1"
NESTED = "(" * 300 + "1" + ")" * 300


@pytest.fixture(scope="module")
def source():
    return read_source(notebook_path(MODULE))


def _index(nb, gid: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if notebook.grade_id(c) == gid)


def _write(tmp_path: Path, nb, name: str = "submission.ipynb") -> Path:
    path = tmp_path / name
    if isinstance(nb, (dict, list)) and not isinstance(nb, nbformat.NotebookNode):
        path.write_text(json.dumps(nb))
    else:
        nbformat.write(nb, path)
    return path


def _submit(tmp_path: Path, nb, source, released: bool = True):
    return read_submission(_write(tmp_path, nb), notebook_path(MODULE, student=True) if released else None, source)


def _raw(nb) -> dict:
    """The notebook as plain JSON data, to break it in ways nbformat would not write."""
    return json.loads(nbformat.writes(nb))


# ---------------------------------------------------------------------------
# Source notebooks
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("module", module_ids())
def test_read_source_finds_every_exercise_with_its_defines(module):
    nb = read(notebook_path(module))
    ids = [notebook.grade_id(c) for c in nb.cells if (notebook.grade_id(c) or "").startswith("ex_")]
    found = read_source(notebook_path(module))
    assert [f"ex_{e.name}" for e in found.exercises] == ids and ids
    for e in found.exercises:
        # section 4 of the spec: each answer cell defines exactly its function or class
        assert e.defines == [e.name], (module, e.name, e.defines)
        assert e.points > 0 and "BEGIN HIDDEN TESTS" in e.test and e.reference.strip()
    assert "import course_utils" in found.setup
    released = read_source(notebook_path(module, student=True))
    assert [(e.name, e.points, e.defines) for e in released.exercises] == \
        [(e.name, e.points, e.defines) for e in found.exercises]
    assert set(released.cells) == set(found.cells)  # demo cells keep their ids in the release


def _source_nb(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for gid, source, meta in cells:
        cell = nbformat.v4.new_code_cell(source)
        if gid:
            cell.metadata["nbgrader"] = {"grade_id": gid, "grade": False, "solution": False, "locked": True,
                                         "schema_version": 3, **meta}
        nb.cells.append(cell)
    return nb


def test_read_source_says_what_breaks_the_contract(tmp_path):
    setup = ("setup", "import numpy as np", {})
    answer = ("ex_f", "def f():\n    return 1\nHELPER = 2\n", {"solution": True, "locked": False})
    test = ("test_f", "assert f() == 1", {"grade": True, "points": 3})
    ok = read_source(_write(tmp_path, _source_nb(setup, answer, test)))
    assert ok.exercises[0].defines == ["f", "HELPER"] and ok.exercises[0].points == 3.0
    broken = {
        "no setup code cell": _source_nb(answer, test),
        "has no test_f code cell": _source_nb(setup, answer),
        "appears more than once": _source_nb(setup, answer, test, test),
        "not a graded cell with points": _source_nb(setup, answer, ("test_f", "pass", {"grade": True})),
    }
    for message, nb in broken.items():
        with pytest.raises(ValueError, match=message):
            read_source(_write(tmp_path, nb))
    (tmp_path / "junk.ipynb").write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_source(tmp_path / "junk.ipynb")


def test_nbtools_uses_the_contract():
    nb = read(notebook_path(MODULE))
    assert [(e.name, e.solution, e.points) for e in exercises(nb)] == \
        [(e.name, e.reference, e.points) for e in read_source(notebook_path(MODULE)).exercises]


# ---------------------------------------------------------------------------
# Submissions: answers and helpers
# ---------------------------------------------------------------------------

def test_a_completed_notebook_gives_its_answers_and_nothing_else(tmp_path, source):
    got = _submit(tmp_path, completed_notebook(MODULE), source)
    assert got.answers == {e.name: e.reference for e in source.exercises}
    assert got.helpers == [] and got.notes == []
    blank = _submit(tmp_path, read(notebook_path(MODULE, student=True)), source)
    assert set(blank.answers) == {"step", "Perceptron"} and "NotImplementedError" in blank.answers["step"]
    assert blank.helpers == [] and blank.notes == []


@pytest.mark.parametrize("released", [True, False])
def test_the_first_of_duplicated_answer_cells_is_graded(tmp_path, source, released):
    nb = completed_notebook(MODULE)
    index = _index(nb, "ex_step")
    pasted = copy.deepcopy(nb.cells[index])  # JupyterLab keeps the metadata of a copied cell
    pasted.id, pasted.source = "pasted01", WRONG_STEP
    nb.cells.insert(index + 1, pasted)
    got = _submit(tmp_path, nb, source, released)
    assert got.answers["step"] == nb.cells[index].source != WRONG_STEP
    assert any("ex_step appears 2 times" in n for n in got.notes), got.notes
    assert WRONG_STEP not in got.helpers  # a copy of an answer cell is no helper
    nb.cells.insert(index, nb.cells.pop(index + 1))  # now the wrong copy comes first
    assert _submit(tmp_path, nb, source, released).answers["step"] == WRONG_STEP


def test_helpers_above_and_below_the_answers_in_notebook_order(tmp_path, source):
    nb = completed_notebook(MODULE)
    above = "import scipy.special as sp\nEPS = 1e-12\n\ndef _above(z):\n    '''a helper'''\n    return sp.expit(z)\n"
    below = "# helpers for later\nfrom math import isclose\nLIMITS = (-1, 2 ** 3, {'a': [1.5, None]})\n" \
            "class _Below:\n    pass\n"
    nb.cells.insert(_index(nb, "ex_step"), nbformat.v4.new_code_cell(above))
    nb.cells.append(nbformat.v4.new_code_cell(below))
    got = _submit(tmp_path, nb, source)
    assert got.helpers == [above, below] and got.notes == []
    assert got.answers["step"] == source.exercises[0].reference


@pytest.mark.parametrize("cell, helper", [
    ("def f(x):\n    return x\n\nprint(f(1))\n", False),  # runs code: a scratch cell
    ("X = np.zeros(3)\n", False),  # not a constant
    ("W = [i for i in range(3)]\n", False),
    ("from numpy import *\n", False),  # what it binds is unknown
    ("np.testing.x = 1\n", False),  # writes to an object
    ("if True:\n    def g():\n        pass\n", False),
    ('"""docstring"""\nA = -1\nB = (1, 2) + (3,)\nC: int = 4\nD = {"k": {1, 2}}\npass\n', True),
    ("import torch\nasync def h():\n    return 1\n", True),
    ("@staticmethod\ndef decorated():\n    pass\n", True),
])
def test_only_cells_of_definitions_are_helpers(tmp_path, source, cell, helper):
    nb = completed_notebook(MODULE)
    nb.cells.append(nbformat.v4.new_code_cell(cell))
    got = _submit(tmp_path, nb, source)
    assert got.helpers == ([cell] if helper else [])
    if not helper and cell.startswith("def f"):
        assert any("defines `f` but also runs other code" in n for n in got.notes), got.notes


def test_helpers_never_shadow_an_exercise(tmp_path, source):
    nb = completed_notebook(MODULE)
    nb.cells.append(nbformat.v4.new_code_cell("def step(z):\n    return 0\n\ndef _mine():\n    return 1\n"))
    got = _submit(tmp_path, nb, source)
    assert got.helpers == ["def _mine():\n    return 1"]
    assert any("defines `step`, which an exercise defines" in n for n in got.notes), got.notes


def test_definitions_next_to_an_answer_are_helpers(tmp_path, source):
    answer = ("import scipy.special\nTHRESHOLD = 0  # comment kept\n\n\ndef _as_int(a):\n    return a.astype(int)\n\n"
              "def step(z):\n    out = _as_int(np.asarray(z) >= THRESHOLD)\n"
              "    return int(out) if out.ndim == 0 else out\n"
              "\nprint(step(0))\n")
    got = _submit(tmp_path, completed_notebook(MODULE, {"step": answer}), source)
    assert got.answers["step"] == answer  # the answer runs whole
    assert got.helpers == ["import scipy.special\nTHRESHOLD = 0  # comment kept\n"
                           "def _as_int(a):\n    return a.astype(int)"]
    one_line = "X = 1; import os\ndef step(z): return z\n"  # statements sharing a line
    assert _submit(tmp_path, completed_notebook(MODULE, {"step": one_line}), source).helpers == ["X = 1\nimport os"]


@pytest.mark.parametrize("module", module_ids())
def test_answers_written_in_other_styles_keep_their_helpers_apart(tmp_path, module):
    from corpus import all_alternatives

    found = read_source(notebook_path(module))
    taken = {n for e in found.exercises for n in [e.name, *e.defines]}
    for alternative in all_alternatives().get(module, []):
        nb = completed_notebook(module, {alternative.exercise: alternative.source})
        path = _write(tmp_path, nb)
        got = read_submission(path, notebook_path(module, student=True), found)
        assert got.answers[alternative.exercise] == alternative.source and got.notes == []
        for helper in got.helpers:  # definitions only, and none of an exercise's names
            assert notebook.definitions_only(helper), (alternative.style, helper)
            bound = {n for s in scan.parse(helper).body for n in notebook._definition_binds(s)}
            assert not bound & taken, (alternative.style, bound & taken)


def test_demo_cells_edited_or_copied_are_ignored(tmp_path, source):
    nb = completed_notebook(MODULE)
    demo = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not notebook.grade_id(c)
                and notebook.definitions_only(c.source) is False)
    original = nb.cells[demo].source
    nb.cells[demo].source = "# my comment\n" + original + "\nimport tempfile\ndef mine():\n    pass\n"  # same id
    copied = nbformat.v4.new_code_cell("# a copy\n" + original)  # new id, same code
    nb.cells.append(copied)
    nb.cells.append(nbformat.v4.new_markdown_cell("def not_code(): pass"))
    got = _submit(tmp_path, nb, source)
    assert got.helpers == [] and got.notes == []
    # without the released notebook the source's cells tell demo cells apart
    assert _submit(tmp_path, nb, source, released=False).helpers == []


def test_sources_that_do_not_parse_are_never_fatal(tmp_path, source):
    for bad in (BOMB, NESTED, "def step(z)\n    return z\n", "%timeit 1\n" + WRONG_STEP, "x = 1\0"):
        nb = completed_notebook(MODULE, {"step": bad})
        nb.cells.append(nbformat.v4.new_code_cell(bad))
        nb.cells.append(nbformat.v4.new_code_cell("def helper():\n    return " + BOMB))
        got = _submit(tmp_path, nb, source)
        assert got.answers["step"] == bad and got.helpers == []
        assert any("is not valid Python" in n for n in got.notes), got.notes
        assert scan.gate(bad, {"np"}) == [] and scan.syntax_error(bad)


# ---------------------------------------------------------------------------
# Malformed notebooks
# ---------------------------------------------------------------------------

def test_non_string_sources_are_repaired(tmp_path, source):
    nb = _raw(completed_notebook(MODULE))
    step = _index(nbformat.from_dict(nb), "ex_step")
    perceptron = _index(nbformat.from_dict(nb), "ex_Perceptron")
    nb["cells"][step]["source"] = 12
    nb["cells"][perceptron]["source"] = ["class Perceptron:\n", 5, "    pass\n", None]
    nb["cells"][0]["source"] = {"not": "text"}
    got = _submit(tmp_path, nb, source)
    assert got.answers == {"step": "", "Perceptron": "class Perceptron:\n    pass\n"}
    assert any(f"cell {step + 1}: its source was not text but a JSON number" in n for n in got.notes), got.notes
    assert any("lines that are not text" in n for n in got.notes)


@pytest.mark.parametrize("metadata", [["x"], "ex_step", 3, None])
def test_nbgrader_metadata_that_is_not_a_dict(tmp_path, source, metadata):
    nb = _raw(completed_notebook(MODULE))
    step = _index(nbformat.from_dict(nb), "ex_step")
    nb["cells"][step]["metadata"]["nbgrader"] = metadata
    got = _submit(tmp_path, nb, source)
    assert set(got.answers) == {"Perceptron"}  # an ordinary cell now: step is unanswered
    assert any("nbgrader metadata was a JSON" in n for n in got.notes) and \
        any("ex_step was deleted" in n for n in got.notes), got.notes
    assert got.helpers == []  # it defines step: never a helper


@pytest.mark.parametrize("gid", [7, 7.5, True, ["ex_step"], "", "ex step"])
def test_grade_ids_that_are_not_grade_ids(tmp_path, source, gid):
    nb = _raw(completed_notebook(MODULE))
    step = _index(nbformat.from_dict(nb), "ex_step")
    nb["cells"][step]["metadata"]["nbgrader"]["grade_id"] = gid
    got = _submit(tmp_path, nb, source)
    assert set(got.answers) == {"Perceptron"}
    assert any("had the grade_id" in n for n in got.notes), got.notes


def test_other_malformed_parts_are_repaired(tmp_path, source):
    nb = _raw(completed_notebook(MODULE))
    nb["metadata"] = ["not", "a", "dict"]
    nb["cells"].insert(1, "not a cell")
    nb["cells"].insert(2, {"cell_type": "widget", "source": "?", "metadata": {}})
    nb["cells"][3]["metadata"] = 5
    code = next(c for c in nb["cells"][3:] if isinstance(c, dict) and c.get("cell_type") == "code")
    code["outputs"] = [{"output_type": "stream"}, 3]  # missing name and text; not an output
    code["execution_count"] = "one"
    test = nb["cells"][_index(nbformat.from_dict({**nb, "cells": [c for c in nb["cells"] if isinstance(c, dict)]}),
                              "test_step") + 1]
    test["metadata"]["nbgrader"]["points"] = "lots"
    test["metadata"]["nbgrader"]["grade"] = "yes"
    for cell in nb["cells"][4:]:
        if isinstance(cell, dict):
            cell["id"] = "same-id"
    notes: list[str] = []
    path = _write(tmp_path, nb)
    repaired = read_notebook(path, notes)
    nbformat.validate(repaired, relax_add_props=True)
    assert len({c.id for c in repaired.cells}) == len(repaired.cells)
    assert "cell 2 was not a cell" in " | ".join(notes) and "unknown cell type 'widget'" in " | ".join(notes)
    assert any("`points` was 'lots' (removed)" in n for n in notes), notes
    got = read_submission(path, notebook_path(MODULE, student=True), source)
    assert set(got.answers) == {"step", "Perceptron"}
    assert all("\n" not in n and len(n) < 300 for n in got.notes), got.notes


@pytest.mark.parametrize("content, reason", [
    (b"{", "not valid JSON (line 1"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[1, 2]", "no list of cells"),
    (b'{"cells": {}}', "no list of cells"),
    (b'{"cells": [], "nbformat": 3}', "format version 3"),
    (b'{"cells": [], "nbformat": "4"}', "format version '4'"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
])
def test_files_that_are_not_notebooks_say_why(tmp_path, source, content, reason):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError, match=re.escape(reason)) as error:
        read_submission(path, notebook_path(MODULE, student=True), source)
    assert "\n" not in error.value.reason and len(error.value.reason) < 200


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, source):
    nb = completed_notebook(MODULE)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * (notebook.MAX_BYTES + 1))]
    path = _write(tmp_path, nb)
    with pytest.raises(NotebookError, match=r"the notebook is 20\.\d MB, more than the 20 MB"):
        read_submission(path, None, source)
    with pytest.raises(NotebookError, match="cannot be opened"):
        read_notebook(tmp_path / "missing.ipynb")


def test_grade_id_and_compare_on_malformed_cells():
    for cell in ({}, {"metadata": None}, {"metadata": {"nbgrader": []}}, {"metadata": {"nbgrader": {"grade_id": 3}}},
                 {"metadata": {"nbgrader": {"grade_id": ""}}}, "text", None):
        assert notebook.grade_id(cell) is None and scan.grade_id(cell) is None
    released = read(notebook_path(MODULE, student=True))
    submitted = completed_notebook(MODULE)
    test = submitted.cells[_index(submitted, "test_step")]
    test.source = 12
    test.metadata.nbgrader["points"] = 100
    notes = notebook.compare(submitted, released)
    assert "test cell test_step was edited (the original was used)" in notes
    assert any("`points` (2 -> 100" in n for n in notes), notes


# ---------------------------------------------------------------------------
# The advisory gate
# ---------------------------------------------------------------------------

SETUP_NAMES = {"np", "plt", "torch", "course_utils", "checks", "data", "plots", "results", "training", "copy"}

HONEST = {
    "imports": "import scipy\nimport scipy.special as sp\nimport torch\nfrom torch import nn\nimport tempfile\n",
    "results rebound": "results = {}\nresults[0] = 1\nresults['a'] = [2]\n",
    "data rebound": "data = np.zeros(3)\ndata[0] = 1\n",
    "plots as a parameter": "def f(plots):\n    plots[0] = 1\n    plots.x = 2\n",
    "checks rebound": "checks = []\nchecks.append(1)\n",
    "copy rebound": "copy = x.copy()\ncopy[0] = 1\n",
    "copy used": "y = copy.deepcopy(x)\n",
    "local in a function": "def f():\n    data = {}\n    data['x'] = 1\n    data.y = 2\n",
    "input as a variable": "input = np.ones(3)\noutput = input * 2\n",
    "setattr with constants": "setattr(self, 'w_', w)\nsetattr(obj, 'b_', 0.0)\ngetattr(model, 'fc')\n",
    "help dir print": "help(np.sum)\ndir(np)\nprint(1)\n",
    "relative open": "open('notes.txt').read()\n",
    "library settings": "plt.rcParams['figure.figsize'] = (8, 4)\ntorch.backends.cudnn.deterministic = True\n",
    "own class": "class A(torch.nn.Module):\n    __hash__ = object.__hash__\nA.forward = lambda self, x: x\n",
    "model internals": "def f(model):\n    return list(model.modules()), model._fc, model._modules\n",
    "reading sys.modules": "import sys as s\ndef f():\n    return s.modules.get('os')\n",
    "stderr": "import sys\nprint('x', file=sys.stderr)\n",
    "exceptions": "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    raise ValueError(f'inputs: {e!r}') from e\n",
    "comprehension": "[checks for checks in range(3)]\n",
}

INTENT = {
    "np.testing.assert_allclose = lambda *a, **k: None": "changes `np.testing.assert_allclose`",
    "torch.Tensor.__eq__ = lambda a, b: True": "changes `torch.Tensor.__eq__`",
    "checks.check_equal = lambda *a, **k: None": "changes `checks.check_equal`",
    "import numpy.testing\nnumpy.testing.assert_allclose = f": "line 2: changes `numpy.testing.assert_allclose`",
    "t = np.testing\nt.assert_allclose = f": "changes `t.assert_allclose`",
    "def f():\n    np.testing.assert_allclose = g\n": "line 2: changes",
    "setattr(np.testing, 'assert_allclose', f)": "with setattr",
    "del np.testing.assert_allclose": "changes `np.testing.assert_allclose`",
    "import builtins\nbuiltins.isinstance = lambda *a: True": "rebinds `builtins.isinstance`",
    "__builtins__['AssertionError'] = KeyError": "uses `__builtins__`",
    "import sys\nleak = sys._getframe(0)": "`sys._getframe`",
    "import inspect\nf = inspect.currentframe()": "`inspect.currentframe`",
    "try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__.tb_frame": "line 4: walks frames",
    "g = (i for i in [1])\ng.gi_frame.f_globals": "walks frames",
    "import gc\ngc.get_referrers(x)": "`gc.get_referrers`",
    "from gc import get_objects": "`gc.get_objects`",
    "import ctypes": "imports `ctypes`",
    "open('/proc/self/mem', 'rb')": "names a /proc path",
    "x = ().__class__.__bases__[0].__subclasses__()": "uses `.__subclasses__`",
    "f.__code__ = g.__code__": "uses `.__code__`",
    "def f(): pass\nf.__globals__['x'] = 1": "line 2: uses `.__globals__`",
    "import sys\nsys.modules['numpy'] = fake": "writes to `sys.modules`",
    "import sys\nsys.modules.pop('numpy')": "writes to `sys.modules`",
    "import atexit\natexit.register(print)": "registers an exit handler",
    "import signal\nsignal.signal(signal.SIGALRM, h)": "installs a signal handler",
    "import sys\nsys.settrace(lambda *a: None)": "`sys.settrace`",
    "import sys\nsys.addaudithook(h)": "`sys.addaudithook`",
    "s = '{0.__init__.__globals__}'.format(step)": "format string that reaches `.__globals__`",
    "get_ipython().showtraceback = None": "changes IPython's `showtraceback`",
    "get_ipython().input_transformers_post.append(f)": "IPython's input handling",
}


@pytest.mark.parametrize("name", HONEST)
def test_the_gate_has_no_findings_for_honest_code(name):
    assert scan.gate(HONEST[name], SETUP_NAMES) == []


@pytest.mark.parametrize("code", INTENT)
def test_the_gate_notes_intent_with_a_line_number(code):
    found = scan.gate(code, SETUP_NAMES)
    assert any(INTENT[code] in f for f in found), found
    assert all(re.match(r"line \d+: ", f) and "\n" not in f and len(f) < 160 for f in found), found


def test_gate_findings_are_bounded():
    long_name = "a" * 5000
    found = scan.gate(f"np.{long_name}.x = lambda: 0\nimport sys\nsys.modules['{long_name}\\n'] = 1\n", SETUP_NAMES)
    assert len(found) == 2 and all(len(f) < 160 and "\n" not in f for f in found), found
    for deep in ("x = a" + ".b" * 900, "x = " + "-" * 180 + "1", "x = " + "[" * 90 + "]" * 90):
        # as deep as the parser takes: the gate walks it without recursion
        assert scan.gate(deep + "\nnp.testing.y = f\n", SETUP_NAMES) == \
            ["line 2: changes `np.testing.y`, which belongs to a library"]
    assert scan.gate(12, SETUP_NAMES) == [] and scan.syntax_error(12) == "the cell's source is not text"


@pytest.mark.parametrize("module", module_ids())
def test_the_gate_has_no_findings_for_solutions_alternatives_and_known_mistakes(module):
    from corpus import all_alternatives
    from mutants import all_mutants

    found = read_source(notebook_path(module))
    names = scan._imported_names(scan.parse(found.setup))
    answers = [(e.name, e.reference) for e in found.exercises]
    answers += [(f"{a.exercise} ({a.style})", a.source) for a in all_alternatives().get(module, [])]
    answers += [(f"{m.exercise} ({m.mistake})", m.source) for m in all_mutants().get(module, [])]
    for name, code in answers:
        assert scan.gate(code, names) == [], (module, name)
