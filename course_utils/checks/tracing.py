"""What a call runs in Python: the instrument behind ``checks.trace_call``.

A test for "vectorised, no Python loop over pixels" that does not depend on the
machine's speed: count the lines of the student's own Python code that a call
executes (library code is not counted) and note the library functions it used.
Like the checks, it binds what it relies on when imported, so a student who
rebinds ``sys.settrace`` or builtins in a cell does not change it.
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Callable
from typing import Any

_settrace = sys.settrace
_gettrace = sys.gettrace
_setprofile = sys.setprofile
_getprofile = sys.getprofile
_realpath = os.path.realpath
_dirname = os.path.dirname
_getattr = builtins.getattr
_type = builtins.type
_set = builtins.set
_frozenset = builtins.frozenset
_tuple = builtins.tuple
#: code under these folders is library code: the Python installation, the environment and course_utils itself
_LIBRARY_ROOTS = _tuple(sorted({_realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
                               | {_realpath(_dirname(_dirname(__file__))) + os.sep}))


def _is_library_file(filename: str, cache: dict[str, bool]) -> bool:
    known = cache.get(filename)
    if known is None:
        if filename.startswith("<"):  # "<ipython-input-...>", "<string>": notebook code; "<frozen ...>": Python's
            known = filename.startswith("<frozen")
        else:
            known = _realpath(filename).startswith(_LIBRARY_ROOTS)
        cache[filename] = known
    return known


def trace(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, int, frozenset[str]]:
    """Call ``function(*args, **kwargs)``; return ``(result, lines, called)``.

    ``lines`` counts the lines executed in code outside installed packages and
    ``course_utils`` (the notebook's own functions, whichever cell defines
    them): a Python loop over every pixel of an image runs thousands of lines,
    a vectorised implementation a few dozen. ``called`` names the library
    functions the call used, as ``"module.function"`` (e.g. ``"torch.conv2d"``).
    Deterministic: nothing here depends on the machine's speed.
    """
    cache: dict[str, bool] = {}
    count = [0]
    called: set[str] = _set()

    def local(frame, event, arg):
        if event == "line":
            count[0] += 1
        return local

    def tracer(frame, event, arg):
        return None if _is_library_file(frame.f_code.co_filename, cache) else local

    def profiler(frame, event, arg):
        if event == "call":
            if _is_library_file(frame.f_code.co_filename, cache):
                called.add(f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_name}")
        elif event == "c_call":
            module = _getattr(arg, "__module__", None)
            if not module:
                module = _type(_getattr(arg, "__self__", None)).__module__
            called.add(f"{module}.{_getattr(arg, '__name__', '?')}")

    old_trace, old_profile = _gettrace(), _getprofile()
    _setprofile(profiler)
    _settrace(tracer)
    try:
        result = function(*args, **kwargs)
    finally:
        _settrace(old_trace)
        _setprofile(old_profile)
    called.discard("sys.settrace")
    called.discard("sys.setprofile")
    return result, count[0], _frozenset(called)
