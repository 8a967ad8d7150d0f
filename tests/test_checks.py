"""course_utils.checks: messages, strictness, and resistance to a student's rebinding."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import numpy.testing
import pytest

from course_utils import checks


def fails(function, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        function(*args, **kwargs)
    return str(info.value)


def test_check_close_passes_and_reports_mismatch_with_hint():
    checks.check_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]), "hint")
    message = fails(checks.check_close, [1.0, 2.5], [1.0, 2.0], "did you forget the bias?")
    assert message.startswith("did you forget the bias?")
    assert "index (1,)" in message and "2.5" in message


def test_check_close_reports_shape_and_nan():
    assert "shape (3,)" in fails(checks.check_close, [1, 2, 3], [[1, 2, 3]], "shape hint")
    assert "NaN or infinity" in fails(checks.check_close, [np.nan], [1.0], "stability hint")


def test_none_and_non_numeric_results_are_explained():
    assert "forget to `return`" in fails(checks.check_close, None, [1.0], "h")
    assert "numeric" in fails(checks.check_equal, ["a", "b"], [1, 2], "h")


def test_object_claiming_equality_does_not_pass():
    class Liar:
        def __eq__(self, other):
            return True

        def __bool__(self):
            return True

    assert "numeric" in fails(checks.check_equal, Liar(), [1, 2], "h")
    fails(checks.check_true, Liar(), "a truthy object is not True")
    fails(checks.check_true, np.array([True]), "an array is not a bool")


def test_ndarray_subclass_with_lying_eq_is_compared_by_value():
    class Always(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, dtype=bool)

        def __array_ufunc__(self, *args, **kwargs):
            return np.ones(3, dtype=bool)

    fake = np.array([9, 9, 9]).view(Always)
    fails(checks.check_equal, fake, [1, 2, 3], "values differ")


STUDENT_REBINDS_EVERYTHING = """
import builtins, sys
import numpy as np, numpy.testing
from course_utils import checks
real_assertion_error = AssertionError
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
np.all = lambda *a, **k: True
np.asarray = lambda *a, **k: np.zeros(2)
numpy.testing.assert_allclose = lambda *a, **k: None
builtins.isinstance = lambda *a: True
builtins.abs = lambda x: 0
builtins.AssertionError = ValueError
outcomes = []
for call in (lambda: checks.check_close([1.0, 3.0], [1.0, 2.0], "h"),
             lambda: checks.check_equal([1, 3], [1, 2], "h"),
             lambda: checks.check_type(1.5, int, "h")):
    try:
        call()
        outcomes.append("passed")
    except real_assertion_error:
        outcomes.append("failed")
sys.stdout.write(",".join(outcomes))
"""


def test_rebinding_numpy_testing_and_builtins_changes_nothing():
    """A student's cell rebinding NumPy, numpy.testing and builtins cannot make checks pass."""
    proc = subprocess.run([sys.executable, "-c", STUDENT_REBINDS_EVERYTHING], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "failed,failed,failed"


def test_call_without_mutation_detects_in_place_changes():
    def adds_in_place(x):
        x += 1
        return x

    message = fails(checks.call_without_mutation, adds_in_place, np.zeros(3), name="relu")
    assert "relu modified its argument number 1 in place" in message
    assert checks.call_without_mutation(lambda x: x + 1, np.zeros(3)).tolist() == [1, 1, 1]
    fails(checks.call_without_mutation, lambda d: d.update(a=2), {"a": np.ones(2)})


def test_call_without_warnings_catches_overflow_even_if_student_silenced_numpy():
    old = np.seterr(all="ignore")
    try:
        message = fails(checks.call_without_warnings, lambda z: 1 / (1 + np.exp(-z)),
                        np.array([-1000.0]), hint="sigmoid overflows: use a stable formula")
    finally:
        np.seterr(**old)
    assert "stable formula" in message and "overflow" in message
    stable = checks.call_without_warnings(lambda z: np.exp(-np.abs(z)), np.array([1000.0]))
    assert stable[0] == 0.0


def test_is_close_matches_numpy_allclose():
    for a, b in [([1.0, 2.0], [1.0, 2.0 + 1e-9]), ([1.0, 2.5], [1.0, 2.0]), ([[1.0], [2.0]], [1.0, 2.0]),
                 ([np.nan], [np.nan]), (0.0, [0.0, 0.0])]:
        assert checks.is_close(a, b) is bool(np.allclose(a, b))
    assert checks.is_close([1.0, 1.1], [1.0, 1.0], rtol=0.2) is True


def test_dtype_scalar_and_raises_helpers():
    checks.check_dtype_kind(np.array([1, 0]), "i", "h")
    assert "integer" in fails(checks.check_dtype_kind, np.array([1.0]), "i", "return ints")
    checks.check_scalar_close(np.float64(0.5), 0.5, "h")
    assert "0.75" in fails(checks.check_scalar_close, 0.75, 0.5, "wrong value")
    assert "single number" in fails(checks.check_scalar_close, [0.5], 0.5, "h")
    checks.check_raises(ValueError, int, "x", hint="h")
    assert "nothing was raised" in fails(checks.check_raises, ValueError, int, "3", hint="h")


def test_torch_tensors_are_accepted():
    import torch

    checks.check_close(torch.tensor([1.0, 2.0], requires_grad=True) * 1, [1.0, 2.0], "h")
