"""The grader inside the sandbox: grades each exercise of one submission in a forked child.

Run as ``python -I -m course_grader.harness RESULT_FD`` with one JSON job on stdin::

    {"setup": "<setup cell>", "exercise_timeout_s": 60, "isolated": true,
     "exercises": [{"name": "step", "reference": "<solution cell>", "student": "<student cell>" | null,
                    "test": "<test cell with hidden tests>"}, ...]}

The setup cell runs once (imports are the slow part); then, for each exercise, a
forked child runs the reference solutions of the exercises before it, the
student's cell, and the test. A child that crashes, exits or hangs costs only its
own exercise. Results are JSON lines on RESULT_FD:

    {"event": "setup", "ok": true, "message": ""}
    {"event": "begin", "exercise": "step"}
    {"event": "result", "exercise": "step", "passed": false, "message": "...", "flags": [...], "notes": [...]}
    {"event": "end", "exercise": "step", "status": "exit 0" | "signal SIGKILL" | "timeout"}

Inside the child, student code runs under an audit hook that blocks the ways
around the test (frames, tracing, ctypes, gc walks, new code objects, processes,
network, /proc), checks and builtins are the ones bound before the student's cell
ran, and library functions it rebinds are restored and reported.
"""

from __future__ import annotations

import builtins
import dis
import importlib
import io
import json
import os
import signal
import sys
import time
import types
import warnings
from typing import Any

# The harness's own builtins, bound here so that a student rebinding builtins cannot change the harness.
from builtins import (BaseException, Exception, KeyError, PermissionError, any, callable, dict, getattr,  # noqa: E402
                      isinstance, len, list, max, print, set, str, type)

STUDENT_FILE = "<student cell ex_{}>"
TEST_FILE = "<test cell test_{}>"
STUDENT_PREFIX = "<student cell"
WATCHED_MODULES = ("builtins", "math", "numpy", "numpy.testing", "numpy.linalg", "numpy.random", "torch",
                   "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.optim", "torch.testing",
                   "sklearn.metrics", "sklearn.model_selection", "course_utils.checks", "warnings", "json")
WATCHED_CLASSES = ("torch.Tensor", "torch.nn.Module", "torch.nn.Parameter", "torch.optim.Optimizer")
BLOCKED_ANYWHERE = ("ctypes.", "socket.", "subprocess.", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn",
                    "os.exec", "os.system", "os.kill", "os.killpg", "signal.pthread_kill", "gc.get_referrers",
                    "gc.get_referents", "gc.get_objects", "sys._current_frames", "sys.settrace", "sys.setprofile",
                    "sys.addaudithook", "code.__new__", "function.__new__", "marshal.load", "pickle.find_class",
                    "urllib.", "http.", "shutil.", "os.remove", "os.rmdir", "os.rename", "os.truncate",
                    "os.chmod", "os.symlink", "os.link", "sqlite3.", "os.chdir", "resource.setrlimit",
                    "os.setpgid", "os.setsid")
BLOCKED_BY_CALLER = ("compile", "exec", "sys._getframe", "builtins.input")
GUARDED_ATTRIBUTES = ("__code__", "__defaults__", "__kwdefaults__", "__closure__", "__globals__", "tb_frame",
                      "gi_frame", "cr_frame", "ag_frame", "f_back", "f_globals", "f_locals", "__builtins__")
BLOCKED_PATHS = ("/proc/", "/dev/fd", "/dev/std", "/dev/mem", "/sys/")
RAISE_OPCODE = dis.opmap["RAISE_VARARGS"]


def _is_student(frame: types.FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith(STUDENT_PREFIX):
            return True
        frame = frame.f_back
    return False


def install_audit_hook(blocked: list[str]) -> None:
    """Block (and record in ``blocked``) sensitive operations whenever student code is on the stack."""
    getframe = sys._getframe
    busy: list[bool] = []

    def hook(event: str, args: tuple) -> None:
        if busy or not (event.startswith(BLOCKED_ANYWHERE) or event in BLOCKED_BY_CALLER
                        or event in ("open", "object.__setattr__", "object.__getattr__", "object.__delattr__")):
            return
        busy.append(True)
        try:
            caller = getframe(1)
            if event == "open":
                path = args[0] if isinstance(args[0], str) else str(args[0])
                deny = isinstance(args[0], int) or path.startswith(BLOCKED_PATHS)
                deny = deny and _is_student(caller)
            elif event in ("object.__setattr__", "object.__delattr__"):
                deny = len(args) > 1 and args[1] in GUARDED_ATTRIBUTES and _is_student(caller)
            elif event == "object.__getattr__":
                deny = len(args) > 1 and args[1] in GUARDED_ATTRIBUTES and \
                    caller.f_code.co_filename.startswith(STUDENT_PREFIX)
            elif event in BLOCKED_BY_CALLER:
                deny = caller.f_code.co_filename.startswith(STUDENT_PREFIX)
            else:
                deny = _is_student(caller)
        finally:
            busy.clear()
        if deny:
            what = f"{event} {args[1]}" if event.startswith("object.") else event
            blocked.append(what)
            raise PermissionError(f"the grader does not allow student code to use {what}")

    sys.addaudithook(hook)


class _StderrGuard(io.TextIOBase):
    """sys.stderr during a test: keeps what student code writes, drops what libraries write."""

    def __init__(self) -> None:
        self.student: list[str] = []
        self.library_chars = 0

    def write(self, text: str) -> int:
        if _is_student_caller(sys._getframe(1)):
            self.student.append(str(text))
        else:
            self.library_chars += len(text)
        return len(text)

    def writable(self) -> bool:
        return True


def _is_student_caller(frame: types.FrameType | None) -> bool:
    """Whether the code writing is the student's own (print and TextIO frames skipped)."""
    return frame is not None and frame.f_code.co_filename.startswith(STUDENT_PREFIX)


class _Sink(io.TextIOBase):
    """sys.stdout during grading: output is not graded; keep memory bounded."""

    def write(self, text: str) -> int:
        return len(text)

    def writable(self) -> bool:
        return True


def _watched(load: bool = False) -> list[tuple[str, dict]]:
    found = []
    for name in WATCHED_MODULES:
        if load and name.split(".")[0] in sys.modules and name not in sys.modules:
            try:
                importlib.import_module(name)  # watch numpy.testing even if the setup did not import it
            except ImportError:
                pass
        module = sys.modules.get(name)
        if module is not None:
            found.append((name, vars(module)))
    for dotted in WATCHED_CLASSES:
        module_name, _, attr = dotted.rpartition(".")
        module = sys.modules.get(module_name)
        cls = getattr(module, attr, None) if module is not None else None
        if isinstance(cls, type):
            found.append((dotted, cls.__dict__))
    return found


def snapshot() -> dict[str, dict[str, Any]]:
    """The functions, classes and modules that watched modules and classes bind."""
    taken = {}
    for name, namespace in _watched(load=True):
        taken[name] = {k: v for k, v in namespace.items()
                       if callable(v) or isinstance(v, (types.ModuleType, staticmethod, classmethod, property))}
    return taken


def changes(before: dict[str, dict[str, Any]], restore: bool) -> list[str]:
    """What student code rebound or deleted since ``before``; put it back if ``restore``."""
    found = []
    for name, namespace in _watched():
        for key, value in before.get(name, {}).items():
            if namespace.get(key, _MISSING) is not value:
                found.append(f"{'rebinds' if key in namespace else 'deletes'} {name}.{key}")
                if restore:
                    if isinstance(namespace, types.MappingProxyType):
                        type.__setattr__(_class(name), key, value)
                    else:
                        namespace[key] = value
    return found


_MISSING = object()


def _class(dotted: str) -> type:
    module_name, _, attr = dotted.rpartition(".")
    return getattr(sys.modules[module_name], attr)


def describe_error(exc: BaseException, test_file: str, checks_file: str) -> tuple[str, bool]:
    """A feedback message for ``exc`` and whether it is a check failing (the answer is wrong).

    A check's message is shown when the test cell itself called the check; for errors
    in student code the message names the exception and the line in the student's
    cell, never the test's source; a message the student's own ``raise`` wrote is
    not repeated (it could carry what the hidden test passed in).
    """
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append((tb.tb_frame.f_code, tb.tb_lineno, tb.tb_lasti))
        tb = tb.tb_next
    files = [code.co_filename for code, _, _ in frames]
    if test_file in files:
        after = files[files.index(test_file) + 1:]
        if type(exc) is AssertionError and after and all(f == checks_file for f in after) \
                and exc.args and type(exc.args[0]) is str:
            return exc.args[0], True
    kind = type(exc).__name__ if type(exc).__module__ == "builtins" else "an exception"
    if isinstance(exc, SystemExit):
        return "your code called exit() (or sys.exit()) during the test", False
    if isinstance(exc, NotImplementedError) and _is_stub(exc):
        return "not answered yet (the cell still raises NotImplementedError)", False
    if isinstance(exc, MemoryError):
        return "your code ran out of memory (the grader's memory limit)", False
    student = [(code, line, lasti) for code, line, lasti in frames if code.co_filename.startswith(STUDENT_PREFIX)]
    if student:
        code, line, lasti = student[-1]
        where = f"line {line} of your answer cell"
        explicit = 0 <= lasti < len(code.co_code) and code.co_code[lasti] == RAISE_OPCODE and student[-1] == frames[-1]
        detail = "" if explicit or type(exc).__module__ != "builtins" else f": {_short(exc)}"
        return f"your code raised {kind} at {where}{detail}", False
    detail = f": {_short(exc)}" if type(exc).__module__ == "builtins" else ""
    return f"the test stopped with {kind}{detail} - check what your function returns", False


def _is_stub(exc: BaseException) -> bool:
    """The ``raise NotImplementedError()`` that nbgrader puts in place of a solution."""
    return type(exc) is NotImplementedError and not exc.args


def _short(exc: BaseException) -> str:
    try:
        text = " ".join(str(arg) for arg in exc.args if isinstance(arg, (str, int, float)))
    except Exception:  # noqa: BLE001 - a student's object may fail to print
        text = ""
    return text if len(text) <= 300 else text[:297] + "..."


def run_exercise(namespace: dict, setup_names: set[str], exercise: dict, earlier: list[dict]) -> dict:
    """In the child: reference cells before this exercise, the student's cell, then the test."""
    import course_utils.checks as checks

    name = exercise["name"]
    result = {"event": "result", "exercise": name, "passed": False, "message": "", "flags": [], "notes": []}
    for ref in earlier:
        exec(compile(ref["reference"], f"<reference ex_{ref['name']}>", "exec"), namespace)
    trusted = dict(namespace)
    pristine_builtins = dict(vars(builtins))
    before = snapshot()
    blocked: list[str] = []
    install_audit_hook(blocked)
    sys.stdout = _Sink()
    student_file, test_file = STUDENT_FILE.format(name), TEST_FILE.format(name)
    try:
        exec(compile(exercise["student"], student_file, "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001 - anything the student's cell does
        result["message"], _ = describe_error(exc, test_file, checks.__file__)
        result["message"] = "your answer cell failed to run: " + result["message"]
    result["flags"] += [f"{what} in the answer cell (restored for the test)" for what in changes(before, True)]
    if not result["message"]:
        test_globals = {**namespace, **{k: trusted[k] for k in setup_names | {e["name"] for e in earlier}
                                        if k in trusted}}
        test_globals["__builtins__"] = pristine_builtins
        guard = _StderrGuard()
        student_warnings: list[str] = []
        original_warn = warnings.warn

        def warn(message: Any, *args: Any, **kwargs: Any) -> None:
            if sys._getframe(1).f_code.co_filename.startswith(STUDENT_PREFIX):
                student_warnings.append(str(message))
            original_warn(message, *args, **kwargs)

        sys.stderr = guard
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                warnings.warn = warn
                try:
                    exec(compile(exercise["test"], test_file, "exec"), test_globals)
                finally:
                    warnings.warn = original_warn
            result["passed"] = True
        except BaseException as exc:  # noqa: BLE001
            result["message"], _ = describe_error(exc, test_file, checks.__file__)
        sys.stderr = sys.__stderr__
        during = changes(before, False)
        if during:
            result["passed"] = False
            result["message"] = "your code changed library functions while the test ran: " + ", ".join(during)
            result["flags"] += [f"{what} during the test (scored 0)" for what in during]
        own_output = "".join(guard.student).strip()
        if result["passed"] and (own_output or student_warnings):
            result["passed"] = False
            text = (own_output or student_warnings[0]).splitlines()[0][:200]
            result["message"] = f"your code wrote to stderr during the test (nbgrader scores that 0): {text!r}"
        library = [w for w in caught if not str(w.filename).startswith(STUDENT_PREFIX)]
        if library or guard.library_chars:
            result["notes"].append(f"ignored {len(caught)} warning(s) and {guard.library_chars} characters "
                                   "of stderr from libraries")
    if blocked:
        result["passed"] = False
        result["flags"] += [f"blocked: {what}" for what in dict.fromkeys(blocked)]
        if not result["message"] or result["message"].startswith("your"):
            result["message"] = ("the grader blocked " + ", ".join(dict.fromkeys(blocked)) +
                                 " - answers may not inspect or change the grader")
    return result


def main() -> None:
    out_fd = int(sys.argv[1])
    write = os.write

    def emit(record: dict) -> None:
        write(out_fd, (json.dumps(record) + "\n").encode())

    job = json.loads(sys.stdin.buffer.read())
    os.close(0)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    try:
        exec(compile(job["setup"], "<setup cell>", "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001
        emit({"event": "setup", "ok": False, "message": f"{type(exc).__name__}: {exc}"})
        os._exit(2)
    emit({"event": "setup", "ok": True, "message": ""})
    setup_names = set(namespace) - {"__builtins__"}
    timeout = float(job.get("exercise_timeout_s", 60))
    exercises = job["exercises"]
    for index, exercise in enumerate(exercises):
        if exercise["student"] is None:
            continue  # only a reference for the exercises after it
        emit({"event": "begin", "exercise": exercise["name"]})
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)
            try:
                record = run_exercise(namespace, setup_names, exercise, exercises[:index])
            except BaseException as exc:  # noqa: BLE001 - a bug here must not pass anything
                record = {"event": "result", "exercise": exercise["name"], "passed": False,
                          "message": f"grader error: {type(exc).__name__}: {exc}",
                          "flags": [f"the grader failed on this answer ({type(exc).__name__}); review it"],
                          "notes": []}
            record["seconds"] = round(time.monotonic() - start, 3)
            emit(record)
            os._exit(0)
        status = _wait(pid, timeout)
        emit({"event": "end", "exercise": exercise["name"], "status": status})
        if job.get("isolated") and _strays():
            os._exit(3)  # the child left processes behind: the runner starts a fresh sandbox
    os._exit(0)


def _wait(pid: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            _killpg(pid)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.01)
    _killpg(pid)
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit {os.WEXITSTATUS(status)}"


def _killpg(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _strays() -> bool:
    """Processes other than this one (and the sandbox's init) still alive in the sandbox."""
    me = os.getpid()
    alive = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    return any(p not in (1, me) and p != os.getppid() for p in alive)


if __name__ == "__main__":
    main()
