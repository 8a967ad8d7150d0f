"""Submissions that try to cheat, break or spy on the grader, each with its exact expected score.

Module 01 has two exercises: ``step`` (2 points) and ``Perceptron`` (4 points). Most
attacks come with a wrong ``step``, so a grader that the attack fooled would give 6
instead of the honest 4. Every submission is graded in the real sandbox, through the
whole of ``grade_notebook``. Static findings are only notes for the instructor: what
an attack scores is decided by the process boundary (see test_trust_boundary.py);
what it shows the instructor is checked here.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbtools import completed_notebook, grade_id, notebook_path, read

from course_grader import runner, scan
from course_grader.runner import GradingOptions, grade_notebook

MODULE = "01_perceptron"
OPTIONS = GradingOptions(exercise_timeout_s=5, submission_timeout_s=240)
# Modules 07-11: the honest exercises beside an attack include first uses of Keras (09's copy_dense_weights
# imports it, > 5 s on a busy CI machine); the real grader allows 60 s.
MODULE_OPTIONS = GradingOptions(exercise_timeout_s=20, submission_timeout_s=400)
WRONG_STEP = "def step(z):\n    return (np.asarray(z) > 0).astype(int)\n"  # step(0) must be 1
HIDDEN_MARKER = "BEGIN HIDDEN TESTS"


def _notebook(step: str | None = WRONG_STEP, demo: str | None = None):
    nb = completed_notebook(MODULE, {"step": step} if step is not None else None)
    if demo is not None:
        nb.cells.insert(3, nbformat.v4.new_code_cell(demo))
    return nb


def _edit(nb, gid: str, how):
    for index, cell in enumerate(nb.cells):
        if grade_id(cell) == gid:
            how(nb, index, cell)
            return nb
    raise AssertionError(gid)


def _grade(tmp_path: Path, nb) -> runner.NotebookResult:
    path = tmp_path / "submission.ipynb"
    if isinstance(nb, str):
        path.write_text(nb)
    else:
        nbformat.write(nb, path)
    return grade_notebook(path, notebook_path(MODULE), notebook_path(MODULE, student=True), options=OPTIONS)


def _by_name(result):
    return {e.name: e for e in result.exercises}


def _flags(result) -> str:
    return " | ".join(result.suspicious)


def _notes(result) -> str:
    return " | ".join(result.notes)


# (id, notebook factory, exact score, fragment the report's flags must contain or None if it must be clean;
#  a fragment starting with "note:" must be among the notes, which never mark a submission suspicious)
ATTACKS = [
    ("honest_wrong_step", lambda: _notebook(), 4, None),
    ("rebind_numpy_testing_in_answer", lambda: _notebook(
        WRONG_STEP + "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"),
     4, "belongs to a library"),
    ("rebind_checks_in_answer", lambda: _notebook(
        WRONG_STEP + "checks.check_equal = lambda *a, **k: None\n"), 4, "belongs to a library"),
    ("rebind_numpy_in_demo_cell", lambda: _notebook(
        demo="import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
             "np.array_equal = lambda *a, **k: True\n"), 4, "belongs to a library"),
    ("input_transformer_blanks_asserts", lambda: _notebook(
        demo="ip = get_ipython()\nip.input_transformers_post.append("
             "lambda lines: [] if any('check' in l for l in lines) else lines)\n"), 4, "get_ipython"),
    ("showtraceback_patched", lambda: _notebook(
        WRONG_STEP + "get_ipython().showtraceback = lambda *a, **k: None\n"), 4, "get_ipython"),
    ("builtins_rebound", lambda: _notebook(
        WRONG_STEP + "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.len = lambda x: 5\n"),
     4, "rebinds `builtins.isinstance`"),
    ("dunder_builtins", lambda: _notebook(
        WRONG_STEP + "__builtins__['AssertionError'] = KeyError\n"), 4, "__builtins__"),
    ("always_equal_object", lambda: _notebook(
        "class Always:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
        "    def __array__(self, dtype=None, copy=None):\n        return np.zeros(5, dtype=int)\n"
        "def step(z):\n    return Always()\n"), 4, "defines its own =="),
    ("frame_walk_to_read_tests", lambda: _notebook(
        WRONG_STEP + "import sys\nleak = sys._getframe(0)\n"), 4, "sys._getframe"),
    ("os_exit_in_answer", lambda: _notebook("import os\nos._exit(0)\n"), 4, None),
    ("forge_result_channel", lambda: _notebook(   # a forged result on every descriptor, the channel's included
        "import os, json\ndef step(z):\n    for fd in [int(f) for f in os.listdir('/proc/self/fd') if f not in ('1', '2')]:\n"
        "        try:\n            os.write(fd, json.dumps({'event': 'result', 'exercise': 'step', 'passed': True, "
        "'message': '', 'flags': [], 'notes': []}).encode() + b'\\n')\n        except OSError:\n            pass\n"
        "    os._exit(0)\n"),
     4, "malformed message on the channel"),
    ("read_solutions_from_disk", lambda: _notebook(
        WRONG_STEP + "print(open('../../solutions/01_perceptron/01_perceptron.ipynb').read())\n"), 4, None),
    ("eval_obfuscation", lambda: _notebook(
        WRONG_STEP + "eval(''.join(['__im', 'port__(\"os\")']))\n"), 4, None),
    ("getattr_obfuscation", lambda: _notebook(
        WRONG_STEP + "g = getattr(np, 'te' + 'sting')\n"), 4, None),
    ("format_string_escape", lambda: _notebook(
        WRONG_STEP + "s = '{0.__class__.__init__.__globals__}'.format(step)\n"), 4, "format string"),
    ("subclasses_escape", lambda: _notebook(
        WRONG_STEP + "x = ().__class__.__bases__[0].__subclasses__()\n"), 4, "__subclasses__"),
    ("test_cell_edited", lambda: _edit(_notebook(), "test_step",
                                       lambda nb, i, c: setattr(c, "source", "pass")), 4, "note:test_step was edited"),
    ("test_cell_deleted", lambda: _edit(_notebook(), "test_step", lambda nb, i, c: nb.cells.pop(i)),
     4, "note:test_step was deleted"),
    ("test_cell_deleted_right_answer", lambda: _edit(_notebook(step=None), "test_step",
                                                     lambda nb, i, c: nb.cells.pop(i)), 6, "note:test_step was deleted"),
    ("test_cell_retyped", lambda: _edit(_notebook(), "test_step", lambda nb, i, c: nb.cells.__setitem__(
        i, nbformat.v4.new_markdown_cell(c.source, metadata=c.metadata))), 4, "note:changed to a markdown cell"),
    ("points_raised", lambda: _edit(_notebook(), "test_step", lambda nb, i, c: c.metadata.nbgrader.__setitem__(
        "points", 100)), 4, "note:points"),
    ("answer_cell_deleted", lambda: _edit(_notebook(step=None), "ex_step", lambda nb, i, c: nb.cells.pop(i)),
     4, "note:ex_step was deleted"),
    ("duplicate_answer_cell", lambda: _edit(_notebook(step=None), "ex_step", lambda nb, i, c: nb.cells.insert(
        i, nbformat.v4.new_code_cell(WRONG_STEP, metadata=c.metadata))), 4, "note:appears 2 times"),
    ("endless_loop_ignoring_interrupts", lambda: _notebook(
        "def step(z):\n    while True:\n        try:\n            pass\n        except KeyboardInterrupt:\n"
        "            pass\n"), 4, None),
    ("memory_bomb", lambda: _notebook("def step(z):\n    big = np.ones((80_000, 80_000))\n    return big\n"),
     4, None),
    ("exit_call", lambda: _notebook("def step(z):\n    exit(0)\n"), 4, None),
    ("library_warning_with_right_answer", lambda: _notebook(
        "def step(z):\n    np.in1d([1], [1])\n    torch_free = np.asarray(z)\n"
        "    out = (torch_free >= 0).astype(int)\n    return int(out) if out.ndim == 0 else out\n"), 6, None),
    ("own_stderr_output", lambda: _notebook(
        "import sys\ndef step(z):\n    print('debugging step', file=sys.stderr)\n    out = (np.asarray(z) >= 0).astype(int)\n"
        "    return int(out) if out.ndim == 0 else out\n"), 6, None),   # an honest answer's output costs nothing
    ("own_warning", lambda: _notebook(
        "import warnings\ndef step(z):\n    warnings.warn('step is slow')\n    out = (np.asarray(z) >= 0).astype(int)\n"
        "    return int(out) if out.ndim == 0 else out\n"), 6, None),
    ("fake_result_on_stdout", lambda: _notebook(
        WRONG_STEP + "print('{\"event\": \"result\", \"exercise\": \"step\", \"passed\": true}')\n"), 4, None),
    ("leak_inputs_through_error", lambda: _notebook("def step(z):\n    raise ValueError(f'inputs: {z!r}')\n"),
     4, None),
    ("syntax_error_in_answer", lambda: _notebook("def step(z)\n    return z\n"), 4, None),
    ("magic_in_answer", lambda: _notebook("%timeit 1\n" + WRONG_STEP), 4, None),
    ("broken_notebook_file", lambda: '{"cells": [', 0, "cannot be read"),
]


@pytest.mark.slow
@pytest.mark.parametrize("attack,build,score,flag", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_attack_gets_exactly_its_score(tmp_path, attack, build, score, flag):
    result = _grade(tmp_path, build())
    assert result.score == score, f"{attack}: scored {result.score}, expected {score}: {result.exercises}"
    if flag is None:
        assert not result.suspicious, f"{attack}: unexpected flags {result.suspicious}"
    elif flag.startswith("note:"):
        assert not result.suspicious, f"{attack}: a habit or harmless edit is not suspicious: {result.suspicious}"
        assert flag[5:] in _notes(result), f"{attack}: the report must note it ({flag!r}); got {_notes(result)!r}"
    else:
        assert flag in _flags(result), f"{attack}: the report must flag it ({flag!r}); got {_flags(result)!r}"
    for exercise in result.exercises:
        assert HIDDEN_MARKER not in exercise.message and "hand.w_" not in exercise.message


# Modules 07-11: attacks through arrays, tensors, callbacks and student classes, each on one exercise whose
# points it must lose (07: 15 points, 08: 11, 09: 9, 10: 8, 11: 9).
# (id, {exercise: answer}, exact score, fragment the report's flags must contain or None if it must be clean)
SEQUENCE_ATTACKS = [
    ("lstm_reads_expected_values_from_frames", {"lstm_cell_forward": (
        "import sys\ndef lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n"
        "    frame = sys._getframe(1)\n    while 'want_h' not in frame.f_locals:\n        frame = frame.f_back\n"
        "    return frame.f_locals['want_h'], frame.f_locals['want_c']\n")}, 12, "sys._getframe"),
    ("clip_rebinds_the_norm", {"clip_grad_norm": (
        "np.linalg.norm = lambda *args, **kwargs: 0.0\ndef clip_grad_norm(grads, max_norm):\n"
        "    return [np.asarray(g, dtype=float).copy() for g in grads], 0.0\n")}, 13, "belongs to a library"),
    ("windows_equal_to_anything", {"make_windows": (
        "class Anything(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
        "def make_windows(series, window):\n    return np.zeros((1, window)).view(Anything), np.zeros(1).view(Anything)\n")},
     13, "its own =="),
    ("rnn_cell_zeroes_the_tests_weights", {"rnn_cell_forward": (
        "def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):\n    Wx[...] = 0\n    Wh[...] = 0\n    b[...] = 0\n"
        "    return np.zeros((len(x_t), len(b)))\n")}, 14, None),
    ("forecast_feeds_the_callback_an_object", {"forecast": (
        "class Probe:\n    def __array__(self, dtype=None, copy=None):\n        import os\n        os.system('touch /tmp/pwned')\n"
        "        return np.zeros(3)\n"
        "def forecast(predict_next, history, steps):\n    return np.array([predict_next(Probe()) for _ in range(steps)])\n")},
     13, None),
    ("gru_memory_bomb", {"gru_cell_forward": (
        "def gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    return np.ones((60_000, 60_000))\n")}, 12, None),
    ("rnn_forward_endless_loop", {"rnn_forward": (
        "def rnn_forward(X, h0, Wx, Wh, b):\n    while True:\n        pass\n")}, 13, None),
]
NLP_ATTACKS = [
    ("top_k_reads_the_test_from_frames", {"top_k_similar": (
        "import sys\ndef top_k_similar(query, matrix, k):\n    return sys._getframe(1).f_locals['want'][:k]\n")},
     9, "sys._getframe"),
    ("masked_mean_rebinds_torch", {"masked_mean": (
        "torch.allclose = lambda *args, **kwargs: True\ndef masked_mean(embedded, mask):\n"
        "    return embedded.mean(dim=1)\n")}, 9, "belongs to a library"),
    ("pad_sequences_memory_bomb", {"pad_sequences": (
        "def pad_sequences(seqs, maxlen, padding='pre', truncating='pre', value=0):\n"
        "    return np.ones((60_000, 60_000))\n")}, 9, None),
    ("tokenize_endless_loop", {"tokenize": "def tokenize(text):\n    while True:\n        pass\n"}, 10, None),
]
AUTOGRAD_ATTACKS = [
    ("sgd_step_reads_the_test_from_frames", {"sgd_step": (
        "import sys\ndef sgd_step(params, lr):\n    frame = sys._getframe(1)\n"
        "    for p in params:\n        p.data, p.grad = frame.f_locals.get('want', 0.0), 0.0\n")}, 8, "sys._getframe"),
    ("copy_dense_rebinds_torch_linear", {"copy_dense_weights": (
        "torch.nn.functional.linear = lambda x, w, b=None: x\n"
        "def copy_dense_weights(keras_dense, torch_linear):\n    return torch_linear\n")}, 7, "belongs to a library"),
]
GENERATIVE_ATTACKS = [
    ("kl_reads_the_test_from_frames", {"kl_divergence": (
        "import sys\ndef kl_divergence(mu, log_var):\n    frame = sys._getframe(1)\n"
        "    while 'reference' not in frame.f_locals:\n        frame = frame.f_back\n"
        "    return torch.tensor(frame.f_locals['reference'], requires_grad=True)\n")}, 7, "sys._getframe"),
    ("generator_loss_rebinds_softplus", {"generator_loss": (
        "import torch.nn.functional as F\nF.softplus = lambda x, *args, **kwargs: x * 0\n"
        "def generator_loss(fake_logits):\n    return fake_logits.mean() * 0\n")}, 7, "belongs to a library"),
    ("reconstruction_errors_memory_bomb", {"reconstruction_errors": (
        "def reconstruction_errors(model, x):\n    return torch.ones((60_000, 60_000))\n")}, 6, None),
    ("vae_loss_endless_loop", {"vae_loss": (
        "def vae_loss(x, logits, mu, log_var):\n    while True:\n        pass\n")}, 6, None),
]
ATTENTION_ATTACKS = [   # module 11: 9 points
    ("attention_reads_the_test_from_frames", {"scaled_dot_product_attention": (
        "import sys\ndef scaled_dot_product_attention(Q, K, V, mask=None):\n    frame = sys._getframe(1)\n"
        "    return frame.f_locals['want_out'], frame.f_locals['want_w']\n")}, 6, "sys._getframe"),
    ("split_heads_rebinds_torch", {"split_heads": (
        "torch.allclose = lambda *args, **kwargs: True\ndef split_heads(x, n_heads):\n"
        "    return x.unsqueeze(1)\n")}, 7, "belongs to a library"),
    ("positional_encoding_memory_bomb", {"positional_encoding": (
        "def positional_encoding(T, d):\n    return torch.as_tensor(np.ones((60_000, 60_000)))\n")}, 7, None),
    ("causal_mask_endless_loop", {"causal_mask": "def causal_mask(T):\n    while True:\n        pass\n"}, 8, None),
]
MODULE_ATTACKS = ([("07_sequence_models", *a) for a in SEQUENCE_ATTACKS] + [("08_nlp", *a) for a in NLP_ATTACKS]
                  + [("09_frameworks_autograd", *a) for a in AUTOGRAD_ATTACKS]
                  + [("10_generative_models", *a) for a in GENERATIVE_ATTACKS]
                  + [("11_attention_transformers", *a) for a in ATTENTION_ATTACKS])


@pytest.mark.slow
@pytest.mark.parametrize("module,attack,answers,score,flag", MODULE_ATTACKS, ids=[a[1] for a in MODULE_ATTACKS])
def test_module_attack_gets_exactly_its_score(tmp_path, module, attack, answers, score, flag):
    path = tmp_path / f"{module}.ipynb"
    nbformat.write(completed_notebook(module, answers), path)
    result = grade_notebook(path, notebook_path(module), notebook_path(module, student=True), options=MODULE_OPTIONS)
    attacked = _by_name(result)[next(iter(answers))]
    assert result.score == score and not attacked.passed, f"{attack}: {result.score}, {result.exercises}"
    if flag is None:
        assert not result.suspicious, f"{attack}: flagged {_flags(result)!r}"
    else:
        assert flag in _flags(result), f"{attack}: the report must flag it ({flag!r}); got {_flags(result)!r}"
    assert not Path("/tmp/pwned").exists(), "a callback ran student code in the grader's process"


@pytest.mark.slow
def test_feedback_messages_say_what_is_wrong(tmp_path):
    result = _by_name(_grade(tmp_path, _notebook()))
    assert "use z >= 0, not z > 0" in result["step"].message
    loop = _by_name(_grade(tmp_path, ATTACKS[[a[0] for a in ATTACKS].index("endless_loop_ignoring_interrupts")][1]()))
    assert "took longer than 5 s" in loop["step"].message and loop["Perceptron"].passed
    memory = _by_name(_grade(tmp_path, _notebook("def step(z):\n    return np.ones((80_000, 80_000))\n")))
    assert "out of memory" in memory["step"].message
    leak = _by_name(_grade(tmp_path, _notebook("def step(z):\n    raise ValueError(f'inputs: {z!r}')\n")))
    assert "ValueError" in leak["step"].message and "inputs" not in leak["step"].message
    syntax = _by_name(_grade(tmp_path, _notebook("def step(z)\n    return z\n")))
    assert "not valid Python: line 1" in syntax["step"].message


@pytest.mark.slow
def test_right_answers_with_the_gate_are_clean(tmp_path):
    for module in ("01_perceptron", "02_building_blocks", "03_mlp_backprop"):
        path = tmp_path / f"{module}.ipynb"
        nbformat.write(completed_notebook(module), path)
        result = grade_notebook(path, notebook_path(module), notebook_path(module, student=True), options=OPTIONS)
        assert result.score == result.max_score and not result.suspicious, (module, result)


@pytest.mark.slow
def test_results_round_trip_through_the_cache(tmp_path):
    result = _grade(tmp_path, _notebook())
    again = runner.NotebookResult.from_json(result.to_json())
    assert again == result and json.loads(result.to_json())["exercises"][0]["name"] == "step"


def test_the_gate_lets_every_honest_answer_through():
    """Solutions and the known wrong answers of every module are graded normally, never refused."""
    from mutants import all_mutants
    from nbtools import exercises, module_ids, setup_source

    for module in module_ids():
        nb = read(notebook_path(module))
        modules = runner._module_names(setup_source(nb))
        answers = [(e.name, e.solution) for e in exercises(nb)]
        answers += [(f"{m.exercise} ({m.mistake})", m.source) for m in all_mutants().get(module, [])]
        for name, source in answers:
            assert not scan.gate(source, modules), f"{module} {name}: {scan.gate(source, modules)}"


@pytest.mark.parametrize("source, refused", [
    ("def f(model):\n    return [m for m in model.modules()]\n", False),          # torch's Module.modules()
    ("def f(model):\n    return model._fc, model._blocks[-1]\n", False),          # EfficientNet-Lite's parts
    ("import sys as s\ndef f():\n    return s.modules\n", False),                 # reading is no intent
    ("def f(model):\n    return model._modules\n", False),
    ("results = {}\nresults[0] = 1\n", False),                                  # a local that shadows a module
    ("import sys as s\ns.modules['numpy'] = None\n", True),                     # writing sys.modules is
    ("np.testing.assert_allclose = lambda *a, **k: None\n", True),               # rebinding a library is
    ("import sys\nf = sys._getframe(1)\n", True),                                # reaching frames is
])
def test_the_gate_notes_intent_not_style(source, refused):
    assert bool(scan.gate(source, {"torch", "np", "results"})) == refused, scan.gate(source, {"torch", "np"})
