"""The student's process: runs inside the sandbox and holds nothing secret.

Run as ``python -I -m course_grader.student_side CONTROL_FD`` with one JSON job on
stdin::

    {"setup": "<setup cell>", "helpers": ["<definitions the student added>", ...],
     "exercise_timeout_s": 60,
     "exercises": [{"name": "step", "student": "<answer>" | null}, ...]}

The job holds no reference solution and no test. After the setup cell it reports
``{"event": "ready"}`` on the control socket (a ``SOCK_SEQPACKET`` socket pair
with the grader's process) and waits for ``{"op": "run", "index": i,
"references": [...]}`` messages (the references of the exercises before ``i``
only, sent in notebook order, so no process ever holds the reference of the
exercise it is graded on), each carrying one end of a fresh channel
(:mod:`course_grader.channel`). For each, a forked child runs the student's
helper definitions, the references of the exercises before ``i`` and the
student's answer cell, then answers the grader's requests on the channel (calls,
attributes, items, iteration) until the grader says ``bye``. The parent reports
``{"event": "ended", "index": i, "status": ...}``. A child that crashes, exits,
runs out of memory or spends more than ``exercise_timeout_s`` seconds of CPU
time costs only its own exercise.
"""

from __future__ import annotations

import ast
import importlib
import json
import operator
import os
import resource
import select
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from course_grader.channel import ChannelError, Codec, Endpoint

ANSWER_FILE = "<answer cell ex_{}>"
# Libraries an answer may import that take seconds to load. The student's process loads those its cells
# name once, after the setup cell, so that the child of each exercise does not load them again. Only
# these: they start no thread on import (safe to fork after), and loading them runs no student code.
WARM_IMPORTS = frozenset({"torch", "torchvision", "sklearn", "scipy", "pandas", "statsmodels"})
HELPER_FILE = "<cell you added>"
STUDENT_FILES = ("<answer cell", "<cell you added")



def describe_exception(exc: BaseException) -> dict:
    """What the grader may know of an exception in student code: its kind and the line, never its text."""
    kind = next(c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins")  # its built-in kind
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(STUDENT_FILES):
            line = tb.tb_lineno
        tb = tb.tb_next
    return {"type": kind, "line": line, "stub": type(exc) is NotImplementedError and not exc.args}


class GraderCallable:
    """A function of the test (e.g. the ``f`` given to ``numerical_gradient``): calling it asks the grader."""

    def __init__(self, server: StudentServer, node: dict) -> None:
        self._server, self._node = server, node

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._server.call_grader(self._node, args, kwargs)

    def __repr__(self) -> str:
        return "<a function of the test>"


class StudentServer:
    """Answers the grader's requests about the objects in the student's namespace."""

    def __init__(self, namespace: dict, sock: socket.socket) -> None:
        self.namespace = namespace
        self.codec = Codec("s", lambda node: GraderCallable(self, node), self._stand_in, lambda value: True,
                           describe=_describe_handle)
        self.endpoint = Endpoint(sock, self.codec, self.serve)

    @staticmethod
    def _stand_in(value: Any) -> dict | None:
        return value._node if type(value) is GraderCallable else None

    # -------------------------------------------------------------- callbacks
    def call_grader(self, node: dict, args: tuple, kwargs: dict) -> Any:
        blobs: list[bytes] = []
        self.codec.leaves = []
        body = {"op": "callback", "h": node, "args": self.codec.encode(list(args), blobs),
                "kwargs": self.codec.encode(dict(kwargs), blobs)}
        reply, parts = self.endpoint.request(body, blobs)
        if "err" in reply:
            error = reply["err"] if type(reply["err"]) is dict else {}
            raise _builtin_exception(error.get("type"))("raised by a function of the test")
        self.codec.leaves = []
        return self.codec.decode(reply.get("ok"), parts)

    # -------------------------------------------------------------- requests
    def serve(self, message: dict, parts: list) -> tuple[dict, list[bytes]]:
        op = message.get("op")
        handler = getattr(self, f"op_{op}", None) if type(op) is str and op.isidentifier() else None
        if handler is None:
            return {"err": {"type": "TypeError", "line": None, "stub": False, "protocol": "unknown request"}}, []
        self.codec.leaves = []
        try:
            args = self.codec.decode(message.get("args", {"$": "list", "v": []}), parts)
        except ChannelError:
            return {"err": {"type": "TypeError", "line": None, "stub": False, "protocol": "unreadable request"}}, []
        pristine = [_copy(leaf) for leaf in self.codec.leaves]
        leaves = list(self.codec.leaves)
        blobs: list[bytes] = []
        try:
            result = handler(*args)
            reply: dict = {"ok": self._encode(result, blobs)}
        except BaseException as exc:  # noqa: BLE001 - anything student code raises goes back as its kind
            if isinstance(exc, (KeyboardInterrupt,)):
                raise
            reply = {"err": describe_exception(exc)}
        changed = [[i, self._encode(leaf, blobs)] for i, (leaf, old) in enumerate(zip(leaves, pristine))
                   if not _same(leaf, old)]
        if changed:
            reply["mutated"] = changed
        return reply, blobs

    def _encode(self, value: Any, blobs: list[bytes]) -> Any:
        self.codec.leaves = []
        return self.codec.encode(value, blobs)

    def op_names(self, names: list) -> dict:
        return {name: self.namespace[name] for name in names if type(name) is str and name in self.namespace}

    def op_getattr(self, obj: Any, name: str) -> Any:
        return getattr(obj, name)

    def op_setattr(self, obj: Any, name: str, value: Any) -> None:
        setattr(obj, name, value)

    def op_call(self, obj: Any, args: list, kwargs: dict) -> Any:
        return obj(*args, **kwargs)

    def op_getitem(self, obj: Any, key: Any) -> Any:
        return obj[key]

    def op_setitem(self, obj: Any, key: Any, value: Any) -> None:
        obj[key] = value

    def op_len(self, obj: Any) -> int:
        return int(len(obj))

    def op_iter(self, obj: Any) -> Any:
        return iter(obj)

    def op_next(self, obj: Any) -> Any:
        return next(obj)

    def op_contains(self, obj: Any, item: Any) -> bool:
        return bool(item in obj)

    def op_bool(self, obj: Any) -> bool:
        return bool(obj)

    def op_convert(self, obj: Any, kind: str) -> Any:
        conversions: dict[str, Callable[[Any], Any]] = {"int": int, "float": float, "index": operator.index,
                                                        "str": str}
        return conversions[kind](obj)

    def op_type(self, obj: Any) -> dict:
        """The class of a handle's object, by names only: for the grader's isinstance checks."""
        cls = type(obj)
        return {"mro": [[str(c.__module__)[:100], str(c.__qualname__)[:100]] for c in cls.__mro__][:30],
                "callable": callable(obj)}

    def op_build(self, module: str, qualname: str, args: list, kwargs: dict) -> Any:
        factory: Any = importlib.import_module(module)
        for part in qualname.split("."):
            factory = getattr(factory, part)
        return factory(*args, **kwargs)

    def op_instrument(self, kind: str, obj: Any, args: list, kwargs: dict) -> Any:
        from course_utils import checks

        return checks.run_instrumented(kind, obj, tuple(args), kwargs)


def _describe_handle(value: Any) -> dict:
    """What the grader learns with a handle: whether its class defines its own ``==``."""
    custom = any("__eq__" in vars(c) for c in type(value).__mro__
                 if c.__module__.split(".")[0] not in ("builtins", "numpy", "torch", "abc", "collections", "enum"))
    return {"eq": True, "cls": type(value).__qualname__[:60]} if custom else {}


def _builtin_exception(name: Any) -> type[BaseException]:
    import builtins

    cls = getattr(builtins, name, None) if type(name) is str else None
    return cls if isinstance(cls, type) and issubclass(cls, Exception) else RuntimeError


def _copy(leaf: Any) -> Any:
    if isinstance(leaf, np.ndarray):
        return leaf.copy()
    return leaf.detach().clone()


def _same(leaf: Any, old: Any) -> bool:
    if isinstance(leaf, np.ndarray):
        return leaf.shape == old.shape and leaf.dtype == old.dtype and bool(
            np.array_equal(leaf, old, equal_nan=leaf.dtype.kind in "fc"))
    import torch

    now = leaf.detach()
    return now.shape == old.shape and now.dtype == old.dtype and bool(torch.equal(now, old) or (
        now.is_floating_point() and torch.allclose(now, old, rtol=0, atol=0, equal_nan=True)))


# ---------------------------------------------------------------------- process
def warm_imports(sources: list[str]) -> list[str]:
    """Import the modules of :data:`WARM_IMPORTS` that ``sources`` import; return their names.

    A module that fails to load is skipped: the exercise's child meets the same error in the student's cell.
    """
    loaded = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.split(".")[0] in WARM_IMPORTS and name not in loaded:
                    try:
                        importlib.import_module(name)
                        loaded.append(name)
                    except Exception:  # noqa: BLE001, S112 - the child reports it where the student wrote it
                        continue
    return loaded


def _send(ctl: socket.socket, record: dict) -> None:
    ctl.send(json.dumps(record).encode())


def _run_child(namespace: dict, job: dict, index: int, references: list, channel_fd: int) -> None:
    """In the forked child: helpers, earlier references, the answer; then serve the grader."""
    limit = max(1, int(job.get("exercise_timeout_s", 60)))
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 2))
    sock = socket.socket(fileno=channel_fd)
    server = StudentServer(namespace, sock)
    exercises = job["exercises"]
    for source in job.get("helpers", []):
        try:
            exec(compile(source, HELPER_FILE, "exec"), namespace)
        except BaseException:  # noqa: BLE001 - a helper that fails is as if it were not there
            pass
    for earlier, reference in zip(exercises[:index], references):
        exec(compile(str(reference), f"<reference ex_{earlier['name']}>", "exec"), namespace)
    current = exercises[index]
    status: dict = {"event": "ready", "ok": True}
    try:
        exec(compile(current["student"], ANSWER_FILE.format(current["name"]), "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001 - whatever the answer cell does
        status = {"event": "ready", "ok": False, "err": describe_exception(exc)}
    server.endpoint.send(status)
    server.endpoint.serve_forever()


def _wait(pid: int, ctl: socket.socket, backstop_s: float) -> str:
    """Wait for the child; kill it when the grader asks or the wall-clock backstop passes."""
    deadline = time.monotonic() + backstop_s
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if os.WIFSIGNALED(status):
                return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
            return f"exit {os.WEXITSTATUS(status)}"
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        readable, _, _ = select.select([ctl], [], [], 0.02)
        if readable:
            message = ctl.recv(4096)
            if not message or json.loads(message).get("op") == "kill":
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return "killed by the grader" if message else "grader gone"


def main() -> None:
    ctl = socket.socket(fileno=int(sys.argv[1]))
    job = json.loads(sys.stdin.buffer.read())
    os.close(0)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - printing is allowed and not graded
    namespace: dict[str, Any] = {"__name__": "__main__"}
    try:
        exec(compile(job["setup"], "<setup cell>", "exec"), namespace)
        warm_imports(list(job.get("helpers", [])) + [e["student"] for e in job["exercises"] if e.get("student")])
        _send(ctl, {"event": "ready", "ok": True})
    except BaseException as exc:  # noqa: BLE001
        _send(ctl, {"event": "ready", "ok": False, "message": f"{type(exc).__name__}: {exc}"[:500]})
        return
    backstop = 3 * float(job.get("exercise_timeout_s", 60)) + 10
    while True:
        message, fds, _, _ = socket.recv_fds(ctl, 65536, 1)
        if not message:
            return
        request = json.loads(message)
        if request.get("op") != "run" or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            return
        index = int(request["index"])
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                ctl.close()
                _run_child(namespace, job, index, list(request.get("references", [])), fds[0])
            except BaseException:  # noqa: BLE001 - the child never returns into the parent's loop
                code = 3
            finally:
                sys.stdout.flush()
                os._exit(code)
        os.close(fds[0])
        _send(ctl, {"event": "ended", "index": index, "status": _wait(pid, ctl, backstop)})


if __name__ == "__main__":
    main()
