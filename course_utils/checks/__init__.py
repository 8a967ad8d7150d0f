"""Assertion helpers for graded test cells.

Every check raises ``AssertionError`` whose message starts with a *hint* that
names the likely mistake, followed by what was expected and what was found.
Test cells use them as ``checks.<name>``:

- values: :func:`check_close`, :func:`check_scalar_close`, :func:`check_equal`,
  :func:`check_shape`, :func:`check_dtype_kind`, :func:`check_type`,
  :func:`check_true`, :func:`is_close`, :func:`to_array`;
- calls: :func:`call_without_mutation`, :func:`call_without_warnings`,
  :func:`check_raises`, :func:`trace_call` (what a call runs in Python, to test
  "vectorised"; the instrument is in :mod:`course_utils.checks.tracing`);
- for the grader: :func:`build` (objects a test hands to student code) and
  :func:`run_instrumented` (instruments run where the student's code runs).

Every check that fails raises from this file: the grader tells a failed check
(whose hint the student sees) from a test that broke by the traceback ending
here, in ``checks.__file__``. A new check that fails a test therefore goes in
this file; what it measures (like :mod:`~course_utils.checks.tracing`) may live
in a module of its own that returns plain data.

Everything these checks rely on (NumPy's ufuncs, ``copy``, ``warnings`` and
the builtins) is bound when this module is imported, so a student who rebinds
``np.allclose``, ``numpy.testing.*``, ``isinstance`` or ``abs`` in their own
cells does not change how a test is judged. Comparisons use NumPy ufuncs (C
objects that cannot be monkeypatched), never the student's ``__eq__``.
"""

from __future__ import annotations

import builtins
import copy
import warnings
from collections.abc import Callable
from typing import Any

import numpy

from course_utils.checks.tracing import trace as _trace

# --- bound at import time: see the module docstring -------------------------
_isinstance = builtins.isinstance
_hasattr = builtins.hasattr
_getattr = builtins.getattr
_len = builtins.len
_repr = builtins.repr
_type = builtins.type
_tuple = builtins.tuple
_int = builtins.int
_float = builtins.float
_bool = builtins.bool
_range = builtins.range
_zip = builtins.zip
_dict = builtins.dict
_list = builtins.list
_str = builtins.str
_AssertionError = builtins.AssertionError
_FloatingPointError = builtins.FloatingPointError
_all = builtins.all
_enumerate = builtins.enumerate
_Exception = builtins.Exception
_NotImplementedError = builtins.NotImplementedError
_MemoryError = builtins.MemoryError
_deepcopy = copy.deepcopy
_catch_warnings = warnings.catch_warnings
_simplefilter = warnings.simplefilter
_asarray = numpy.asarray
_ndarray = numpy.ndarray
_generic = numpy.generic
_errstate = numpy.errstate
_array2string = numpy.array2string
_subtract = numpy.subtract
_absolute = numpy.absolute
_multiply = numpy.multiply
_add = numpy.add
_less_equal = numpy.less_equal
_equal = numpy.equal
_isfinite = numpy.isfinite
_isnan = numpy.isnan
_logical_and = numpy.logical_and
_logical_not = numpy.logical_not
_maximum = numpy.maximum
_nonzero = numpy.nonzero
_float64 = numpy.float64
_bool_ = numpy.bool_
_number = numpy.number
_issubdtype = numpy.issubdtype
_integer = numpy.integer
_floating = numpy.floating
_bool_dtype = numpy.dtype(bool)


def _fail(hint: str, *details: str) -> None:
    raise _AssertionError("\n  ".join((hint,) + _tuple(d for d in details if d)))


def _show(value: Any) -> str:
    """Short printable form of a value for a failure message."""
    if _isinstance(value, _ndarray):
        return _array2string(value, precision=6, threshold=20, edgeitems=3)
    text = _repr(value)
    return text if _len(text) <= 200 else text[:197] + "..."


def to_array(value: Any, name: str = "result") -> numpy.ndarray:
    """Convert a result (array, list, scalar, torch tensor) to a NumPy array.

    Raises an ``AssertionError`` naming ``name`` when the value is ``None`` or
    not numeric (for example a function that forgot to ``return``).
    """
    if value is None:
        _fail(f"{name} is None - did you forget to `return` it?")
    if _hasattr(_type(value), "detach") and _hasattr(_type(value), "cpu"):
        value = value.detach().cpu().numpy()
    try:
        array = _asarray(value)
    except _Exception as exc:  # ragged lists and other odd objects
        _fail(f"{name} cannot be turned into a NumPy array ({_type(exc).__name__}: {exc}).")
    if not (_issubdtype(array.dtype, _number) or array.dtype == _bool_dtype):
        _fail(
            f"{name} must be numeric, got an array of dtype {array.dtype} "
            f"from a value of type {_type(value).__name__}."
        )
    return array


def _check_same_shape(actual: numpy.ndarray, expected: numpy.ndarray, hint: str, name: str) -> None:
    if actual.shape != expected.shape:
        _fail(
            hint,
            f"{name} has shape {actual.shape}, expected shape {expected.shape}.",
        )


def check_shape(actual: Any, shape: tuple[int, ...], hint: str, name: str = "result") -> None:
    """Check that ``actual`` (converted to an array) has exactly ``shape``."""
    array = to_array(actual, name)
    if array.shape != _tuple(shape):
        _fail(hint, f"{name} has shape {array.shape}, expected shape {_tuple(shape)}.")


def is_close(actual: Any, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """``numpy.allclose`` built from the ufuncs bound here: for a test that picks its hint.

    Shapes broadcast as in NumPy; NaN is never close to anything.
    """
    with _errstate(all="ignore"):
        got = _asarray(actual, dtype=_float64)
        want = _asarray(expected, dtype=_float64)
        close = _less_equal(_absolute(_subtract(got, want)), _add(atol, _multiply(rtol, _absolute(want))))
    return _bool(close.all())


def check_close(
    actual: Any,
    expected: Any,
    hint: str,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    name: str = "result",
) -> None:
    """Check shape and values of ``actual`` against ``expected`` within tolerance.

    NaN or infinity in ``actual`` where ``expected`` is finite always fails,
    with a message that points at numerical instability.
    """
    got = to_array(actual, name).astype(_float64)
    want = _asarray(expected, dtype=_float64)
    _check_same_shape(got, want, hint, name)
    bad_finite = _logical_and(_logical_not(_isfinite(got)), _isfinite(want))
    if bad_finite.any():
        _fail(
            hint,
            f"{name} contains NaN or infinity where a finite value was expected "
            "(an overflow or 0/0 somewhere? check the formula's numerical stability).",
            f"got:      {_show(got)}",
        )
    with _errstate(all="ignore"):
        diff = _absolute(_subtract(got, want))
        allowed = _add(atol, _multiply(rtol, _absolute(want)))
        ok = _logical_and(_less_equal(diff, allowed), _isfinite(want))
        ok = ok | _equal(got, want)  # equal infinities
    if not ok.all():
        detail = ""
        if got.ndim:
            first = _tuple(_int(axis[0]) for axis in _nonzero(_logical_not(ok)))
            detail = f"first mismatch at index {first}: got {_float(got[first])!r}, expected {_float(want[first])!r}"
        _fail(
            hint,
            f"expected: {_show(want)}",
            f"got:      {_show(got)}",
            detail,
        )


def check_equal(actual: Any, expected: Any, hint: str, name: str = "result") -> None:
    """Exact element-wise equality (for integers, labels, counts)."""
    got = to_array(actual, name)
    want = _asarray(expected)
    _check_same_shape(got, want, hint, name)
    if not _equal(got, want).all():
        _fail(hint, f"expected: {_show(want)}", f"got:      {_show(got)}")


def check_dtype_kind(actual: Any, kind: str, hint: str, name: str = "result") -> None:
    """Check the NumPy dtype kind: ``"i"`` integer, ``"f"`` float, ``"b"`` bool."""
    array = to_array(actual, name)
    kinds = {"i": _integer, "f": _floating}
    ok = array.dtype == _bool_dtype if kind == "b" else _issubdtype(array.dtype, kinds[kind])
    if not ok:
        names = {"i": "an integer", "f": "a float", "b": "a boolean"}
        _fail(hint, f"{name} has dtype {array.dtype}, expected {names[kind]} dtype.")


def check_type(value: Any, expected_type: type | tuple[type, ...], hint: str, name: str = "result") -> None:
    """Check ``isinstance(value, expected_type)`` (with the real ``isinstance``)."""
    if not _isinstance(value, expected_type):
        _fail(hint, f"{name} is of type {_type(value).__name__}.")


def check_true(condition: Any, hint: str, *details: str) -> None:
    """Check a condition computed by the test itself.

    Only a real ``bool`` or ``numpy.bool_`` that is true passes: an object that
    merely claims to be truthy does not.
    """
    if _type(condition) not in (_bool, _bool_) or not _bool(condition):
        _fail(hint, *details)


def check_scalar_close(actual: Any, expected: float, hint: str, *, rtol: float = 1e-6, atol: float = 1e-8,
                       name: str = "result") -> None:
    """Check a single number (a Python or NumPy scalar, or a 0-d array)."""
    array = to_array(actual, name)
    if array.shape != ():
        _fail(hint, f"{name} must be a single number, got an array of shape {array.shape}.")
    check_close(array, expected, hint, rtol=rtol, atol=atol, name=name)


def _snapshot(value: Any) -> Any:
    if _hasattr(_type(value), "detach") and _hasattr(_type(value), "clone"):
        return value.detach().clone()
    return _deepcopy(value)


def _same(before: Any, after: Any) -> bool:
    if _isinstance(before, (_ndarray, _generic)) or (_hasattr(_type(before), "detach")):
        a, b = to_array(before, "input"), to_array(after, "input")
        if a.shape != b.shape:
            return False
        both_nan = _isnan(a.astype(_float64)) & _isnan(b.astype(_float64))
        return _bool((_equal(a, b) | both_nan).all())
    if _isinstance(before, _dict):
        return _isinstance(after, _dict) and before.keys() == after.keys() and _all(
            _same(before[k], after[k]) for k in before
        )
    if _isinstance(before, (_list, _tuple)):
        return _len(before) == _len(after) and _all(_same(x, y) for x, y in _zip(before, after))
    return _type(before) is _type(after) and _bool(before == after)


def call_without_mutation(function: Callable[..., Any], *args: Any, name: str = "your function", hint: str = "",
                          **kwargs: Any) -> Any:
    """Call ``function(*args, **kwargs)`` and fail if it changed any argument in place.

    Returns the function's result. Array, tensor, list and dict arguments are
    compared with deep copies taken before the call. With a ``hint``, an error
    the call raises fails the check with that hint (an unanswered exercise's
    ``NotImplementedError`` and a ``MemoryError`` still propagate as they are).
    """
    before = [_snapshot(a) for a in args]
    before_kw = {k: _snapshot(v) for k, v in kwargs.items()}
    try:
        result = function(*args, **kwargs)
    except (_AssertionError, _NotImplementedError, _MemoryError):
        raise
    except _Exception as error:
        if not hint:
            raise
        _fail(hint, f"{name} raised {_type(error).__name__}: {_str(error)}")
    for position, (old, new) in _enumerate(_zip(before, args)):
        if not _same(old, new):
            _fail(
                f"{name} modified its argument number {position + 1} in place. "
                "Work on a copy (e.g. `x = x.copy()` or `x = x + ...` instead of `x += ...`)."
            )
    for key, old in before_kw.items():
        if not _same(old, kwargs[key]):
            _fail(f"{name} modified its argument `{key}` in place. Work on a copy instead.")
    return result


def call_without_warnings(function: Callable[..., Any], *args: Any, name: str = "your function", hint: str = "",
                          **kwargs: Any) -> Any:
    """Call ``function`` and fail on any floating-point overflow or warning.

    Overflow, invalid operations and division by zero raise inside the call
    (underflow to 0 is fine); Python warnings are recorded and reported. The
    student's own ``np.seterr`` settings do not matter here.
    """
    result, floating_point_error, warned = run_instrumented("warnings", function, args, kwargs)
    if floating_point_error:
        _fail(hint or f"{name} is numerically unstable.",
              f"NumPy reported a floating-point error: {floating_point_error}.")
    if warned:
        _fail(hint or f"{name} raised a warning.", warned[0])
    return result


def _watch_warnings(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str, list[str]]:
    """``(result, floating-point error or "", ["Category: message", ...])`` of one call."""
    with _catch_warnings(record=True) as caught:
        _simplefilter("always")
        try:
            with _errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                result = function(*args, **kwargs)
        except _FloatingPointError as exc:
            return None, _str(exc) or "floating-point error", []
    return result, "", [f"{w.category.__name__}: {w.message}" for w in caught]


def run_instrumented(kind: str, function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """Run ``function`` under an instrument (``"warnings"`` or ``"trace"``) where the function's code runs.

    In a notebook that is here. Under grading, the function lives in the
    student's process and its stand-in (which has ``course_instrumented_call``)
    asks that process to run the instrument; either way the result is plain data.
    """
    remote = _getattr(_type(function), "course_instrumented_call", None)
    if remote is not None:
        return remote(function, kind, args, kwargs)
    instrument = {"warnings": _watch_warnings, "trace": _trace}[kind]
    return instrument(function, *args, **kwargs)


def trace_call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, int, frozenset[str]]:
    """Call ``function(*args, **kwargs)``; return ``(result, lines, called)``.

    ``lines`` counts the lines of the notebook's own Python code the call ran
    and ``called`` names the library functions it used (see
    :func:`course_utils.checks.tracing.trace`): a test for "vectorised, no
    Python loop over pixels" that does not depend on the machine's speed.
    """
    return run_instrumented("trace", function, args, kwargs)


def build(factory: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """An object a test hands to the student's code: ``factory(*args, **kwargs)``.

    ``factory`` is a function or class importable by name (``torch.nn.Linear``,
    ``pretrained.tiny_efficientnet``, ``copy.deepcopy``). In a notebook this just
    calls it; under grading the object is built in the student's process, so a
    test can give student code a model, a loader or an optimizer to work on.
    """
    return factory(*args, **kwargs)


def check_raises(exception: type[BaseException], function: Callable[..., Any], *args: Any, hint: str,
                 **kwargs: Any) -> None:
    """Check that ``function(*args, **kwargs)`` raises ``exception``."""
    try:
        function(*args, **kwargs)
    except exception:
        return
    _fail(hint, f"expected {exception.__name__} to be raised, but nothing was raised.")
