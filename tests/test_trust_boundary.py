"""The trust boundary: hidden tests run in the grader's process, student code in its own.

Each attack is graded in the real sandbox with the static notes out of the way
(they never decide points): whatever an answer does in its own process, it can
neither forge a result, nor change how the test judges, nor read a hidden test
or the reference of the exercise it is graded on. Module 01 has ``step`` (2
points) and ``Perceptron`` (4 points); most attacks come with a wrong ``step``,
so a grader they fooled would give 6 instead of the honest 4.
"""

from __future__ import annotations

import functools
import time

import pytest

from course_grader import notebook, runner
from course_grader.runner import GradingOptions
from nbtools import notebook_path

pytestmark = pytest.mark.slow   # every test grades module 01 in the real sandbox

MODULE = "01_perceptron"
OPTIONS = GradingOptions(exercise_timeout_s=5, submission_timeout_s=240)
WRONG_STEP = "def step(z):\n    return (np.asarray(z) > 0).astype(int)\n"  # step(0) must be 1
RIGHT_STEP = ("def step(z):\n    out = (np.asarray(z) >= 0).astype(int)\n"
              "    return int(out) if out.ndim == 0 else out\n")
# Found only in the hidden part of test_step and in the reference of step; an attack
# that can read either passes step (6 points), one that cannot keeps the wrong step (4).
# Each secret is written in two halves, so that the attack's own code never holds it whole.
SECRETS = "[('BEGIN HIDDEN', ' TESTS'), ('result = (np.asarray(z) >= 0).astype(int)', chr(10) + '    if result.ndim')]"


def _grade(answer: str, exercise: str = "step", options: GradingOptions = OPTIONS) -> dict[str, runner.ExerciseResult]:
    """Grade module 01 with ``answer`` in place of one exercise (the other answered right)."""
    source = notebook.read_source(notebook_path(MODULE))
    answers = {e.name: e.reference for e in source.exercises}
    answers[exercise] = answer
    return runner._run_exercises(source.setup, source.exercises, source.exercises, answers, [], options, 0,
                                 time.monotonic())


def _if_found(search: str) -> str:
    """An answer whose step is right only if ``search`` (code that sets ``found``) saw a secret."""
    return ("halves = " + SECRETS + "\ndef hit(text):\n    return any(a + b in text for a, b in halves)\n" + search +
            "\ndef step(z):\n    if found:\n        out = (np.asarray(z) >= 0).astype(int)\n"
            "        return int(out) if out.ndim == 0 else out\n    return (np.asarray(z) > 0).astype(int)\n")


SPY = {
    "garbage_collector": "import gc\nfound = any(hit(o) for o in gc.get_objects() if isinstance(o, str))\n"
                         "found = found or any(hit(repr(o)) for o in gc.get_objects() if isinstance(o, (dict, list, tuple)) "
                         "and o is not halves)\n",
    "frames": "import sys\nf, found = sys._getframe(), False\nwhile f is not None:\n"
              "    found = found or any(hit(v) for v in list(f.f_locals.values()) + list(f.f_globals.values()) "
              "if isinstance(v, str))\n    f = f.f_back\n",
    "proc_mem": "import os\nfound = False\n"
                "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n    try:\n"
                "        maps = open(f'/proc/{pid}/maps').read().splitlines()\n"
                "        mem = open(f'/proc/{pid}/mem', 'rb', 0)\n    except OSError:\n        continue\n"
                "    for line in maps:\n        lo, hi = (int(x, 16) for x in line.split()[0].split('-'))\n"
                "        if 'rw' not in line.split()[1] or hi - lo > 256 * 2**20:\n            continue\n"
                "        try:\n            mem.seek(lo)\n            chunk = mem.read(hi - lo)\n"
                "        except (OSError, ValueError, OverflowError):\n            continue\n"
                "        for a, b in halves:\n            start = chunk.find(a.encode())\n"
                "            while start >= 0 and not found:\n"
                "                found = chunk[start + len(a): start + len(a) + len(b)] == b.encode()\n"
                "                start = chunk.find(a.encode(), start + 1)\n",
    "files": "import os\nfound = False\nfor top in ('/', '/tmp', os.path.expanduser('~')):\n"
             "    for root, dirs, files in os.walk(top):\n        if root.startswith(('/proc', '/sys', '/usr', '/dev')):\n"
             "            dirs[:] = []\n            continue\n        for name in files:\n            try:\n"
             "                text = open(os.path.join(root, name), errors='ignore').read(2_000_000)\n"
             "            except OSError:\n                continue\n            found = found or hit(text)\n",
}


def test_the_spies_find_a_secret_when_there_is_one():
    """The spying answers work: given the secret in their own process, they find it."""
    plant = "planted = 'BEGIN HIDDEN' + ' TESTS'\n"
    for how in ("garbage_collector", "frames"):
        graded = _grade(plant + _if_found(SPY[how]).replace("def step", "found = found or hit(planted)\ndef step", 1)
                        if how == "garbage_collector" else plant + _if_found(SPY[how]))
        assert graded["step"].passed, f"{how}: {graded['step']}"


@pytest.mark.parametrize("how", sorted(SPY))
def test_hidden_tests_and_the_reference_under_test_cannot_be_read(how):
    graded = _grade(_if_found(SPY[how]))
    assert not graded["step"].passed, f"{how}: the answer found a hidden test or the reference of step"
    assert graded["Perceptron"].passed, graded["Perceptron"]


ATTACKS = [
    # the checks, NumPy's testing and builtins changed in the student's process: the test runs elsewhere
    ("rebind_checks", WRONG_STEP + "import course_utils.checks as c\nc.check_equal = c.check_true = "
     "c.check_dtype_kind = c.check_type = c.check_shape = lambda *a, **k: None\n"),
    ("rebind_numpy_testing", WRONG_STEP + "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
     "np.array_equal = lambda *a, **k: True\n"),
    ("rebind_builtins", WRONG_STEP + "import builtins\nbuiltins.isinstance = lambda *a: True\n"
     "builtins.len = lambda x: 5\n"),
    ("shadow_builtins_in_answer", WRONG_STEP + "def range(*a):\n    return ()\nint = object\nlen = lambda x: 0\n"),
    ("rebind_during_the_test", "import course_utils.checks as c\ndef step(z):\n"
     "    c.check_equal = c.check_type = c.check_dtype_kind = lambda *a, **k: None\n    return 0\n"),
    ("always_equal_object", "class Always:\n    def __eq__(self, other):\n        return True\n"
     "    __hash__ = object.__hash__\n    def __array__(self, dtype=None, copy=None):\n"
     "        return np.zeros(5, dtype=int)\n    def __int__(self):\n        return 1\n"
     "def step(z):\n    return Always()\n"),
    ("settrace_and_frames", "import sys\ndef step(z):\n    sys.settrace(lambda *a: None)\n"
     "    return sys._getframe(1).f_locals\n"),
    ("forge_on_every_descriptor", "import os, json\ndef step(z):\n    for fd in [int(f) for f in os.listdir('/proc/self/fd') if f not in ('1', '2')]:\n        try:\n"
     "            os.write(fd, json.dumps({'event': 'result', 'exercise': 'step', 'passed': True}).encode() + b'\\n')\n"
     "        except OSError:\n            pass\n    os._exit(0)\n"),
    ("malformed_message", "import os, socket, struct\ndef step(z):\n    for fd in [int(f) for f in os.listdir('/proc/self/fd') if f not in ('1', '2')]:\n        try:\n"
     "            s = socket.socket(fileno=os.dup(fd))\n            s.sendall(struct.pack('>II', 20, 20) + b'{\"re\": 1, \"ok\": [')\n"
     "        except OSError:\n            pass\n    return 1\n"),
    ("huge_message", "import os, socket, struct\ndef step(z):\n    for fd in [int(f) for f in os.listdir('/proc/self/fd') if f not in ('1', '2')]:\n        try:\n"
     "            s = socket.socket(fileno=os.dup(fd))\n            s.sendall(struct.pack('>II', 2**31, 10))\n"
     "        except OSError:\n            pass\n    return 1\n"),
    ("crash_near_the_deadline", "import os, time\ndef step(z):\n    time.sleep(4.5)\n    os._exit(1)\n"),
    ("busy_until_killed", "def step(z):\n    while True:\n        try:\n            pass\n"
     "        except BaseException:\n            pass\n"),
    ("sleep_past_the_deadline", "import time\ndef step(z):\n    time.sleep(600)\n"),
    ("fork_then_exit", "import os\ndef step(z):\n    if os.fork() == 0:\n        import time\n        time.sleep(30)\n"
     "    os._exit(0)\n"),
    ("kill_the_parent", "import os, signal\ndef step(z):\n    os.kill(os.getppid(), signal.SIGKILL)\n    return 0\n"),
    ("leak_inputs_in_exception", "def step(z):\n    raise ValueError(f'inputs: {z!r}')\n"),
    ("leak_inputs_in_returned_text", "def step(z):\n    return 'inputs: ' + repr(z)\n"),
]


@functools.cache
def _graded_attack(attack: str) -> dict[str, runner.ExerciseResult]:
    """Each attack is graded once (several seconds in the sandbox); two tests read the result."""
    return _grade(dict(ATTACKS)[attack])


@pytest.mark.parametrize("attack", [a[0] for a in ATTACKS])
def test_attacks_in_the_students_process_change_nothing(attack):
    graded = _graded_attack(attack)
    assert not graded["step"].passed, f"{attack}: step passed: {graded['step']}"
    assert graded["Perceptron"].passed, f"{attack} cost another exercise: {graded['Perceptron']}"
    message = graded["step"].message
    assert "inputs" not in message and "BEGIN HIDDEN" not in message and len(message) < 2500, message


def test_messages_say_what_happened():
    messages = {attack: _graded_attack(attack)["step"].message for attack, _ in ATTACKS}
    assert "took longer than 5 s" in messages["busy_until_killed"]
    assert "took longer than 5 s" in messages["sleep_past_the_deadline"]
    assert "exited" in messages["forge_on_every_descriptor"] or "cannot read" in messages["forge_on_every_descriptor"]
    assert "cannot read" in messages["malformed_message"] and "cannot read" in messages["huge_message"]
    assert "ValueError at line 2 of your answer cell" in messages["leak_inputs_in_exception"]
    memory = _grade("def step(z):\n    return np.ones((80_000, 80_000))\n")["step"].message
    assert "out of memory" in memory or "MemoryError" in memory, memory


def test_a_hidden_check_reports_its_hint_only():
    """The details of a failing hidden check (its inputs and expected values) stay out of the feedback."""
    hidden_only = ("def step(z):\n    out = (np.asarray(z) >= 0).astype(int)\n"
                   "    if out.ndim == 2:\n        return out.ravel()\n    return int(out) if out.ndim == 0 else out\n")
    message = _grade(hidden_only)["step"].message
    assert message.startswith("step must keep the shape") and "\n" not in message, message


def test_an_honest_answer_that_prints_and_warns_keeps_its_points():
    answer = ("import sys, warnings\n" + RIGHT_STEP.replace("    out =", "    print('debug', z, file=sys.stderr)\n"
                                                            "    warnings.warn('slow')\n    out =", 1))
    graded = _grade(answer)
    assert graded["step"].passed and not graded["step"].flags, graded["step"]
