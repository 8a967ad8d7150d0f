"""The grader's side of the channel: stand-ins for the student's functions and objects.

A test cell runs in the grader's process with the names it tests (``step``,
``Perceptron``, ``SimpleCNN``, ...) bound to :class:`Remote` objects. Calling
one, reading or setting an attribute, indexing or iterating it sends a request
to the student's process; arrays, tensors, numbers, strings and containers of
them come back by value (see :mod:`course_grader.channel`), anything else as
another :class:`Remote`. Arrays and tensors the test passes in are copies there;
if student code changes them in place, the change is copied back, so
``checks.call_without_mutation`` sees it. ``checks.build(factory, ...)`` builds an
object in the student's process (a model, a loader) and gives back its handle.

An exception in student code comes back as the same built-in kind with the
line of the answer cell, never its text. Comparisons of a :class:`Remote` never
run student code (``==`` is identity); ``isinstance`` sees the first class of
the object's MRO that the grader knows (a student's ``torch.nn.Module``
subclass is a ``torch.nn.Module``).
"""

from __future__ import annotations

import builtins
import socket
import sys
import time
import types
from typing import Any

from course_grader.channel import ChannelError, Codec, Endpoint

KNOWN_PACKAGES = ("torch", "numpy", "sklearn")


class ExerciseTimeout(BaseException):
    """The student's process did not answer within the exercise's time.

    A ``BaseException`` so that a test's ``except Exception`` cannot turn it into a wrong answer.
    """


class StudentError(Exception):
    """Marker mixed into exceptions that come from student code (see :func:`student_exception`)."""


def student_exception(error: Any) -> BaseException:
    """A local exception of the kind student code raised, carrying where (never the text)."""
    error = error if type(error) is dict else {}
    name = error.get("type")
    cls = getattr(builtins, name, None) if type(name) is str else None
    if not (isinstance(cls, type) and issubclass(cls, BaseException)) or cls in (KeyboardInterrupt, GeneratorExit):
        cls = Exception
    try:
        exc = cls()
    except TypeError:
        exc = Exception()
    line = error.get("line")
    exc.course_student = {"type": cls.__name__, "line": line if type(line) is int else None,  # type: ignore[attr-defined]
                          "stub": error.get("stub") is True, "protocol": str(error.get("protocol", ""))[:80]}
    return exc


class Client:
    """Makes requests to the student's process for one exercise; serves its callbacks."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.deadline = deadline
        self.sock = sock
        self.codec = Codec("g", self._remote, self._stand_in, _sendable)
        self.endpoint = Endpoint(sock, self.codec, self._serve)
        self._remotes: dict[int, Remote] = {}
        self.flags: list[str] = []
        _set_timeout(sock, deadline)

    # ------------------------------------------------------------ stand-ins
    def _remote(self, node: dict) -> Remote:
        if node["side"] != "s":
            raise ChannelError("a handle of the grader that it never gave out")
        found = self._remotes.get(node["id"])
        if found is None:
            found = self._remotes[node["id"]] = Remote(self, {"$": "h", "side": "s", "id": node["id"]})
            if node.get("eq") is True:
                name = "".join(ch for ch in str(node.get("cls", "?"))[:60] if ch.isalnum() or ch in "._")
                self.flags.append(f"returned an object of class {name} that defines its own == "
                                  "(compared as an object, never with its ==)")
        return found

    @staticmethod
    def _stand_in(value: Any) -> dict | None:
        return object.__getattribute__(value, "_node") if type(value) is Remote else None

    # ------------------------------------------------------------ requests
    def op(self, op: str, *args: Any) -> Any:
        """One request; the result decoded, or the student's exception raised here."""
        if time.monotonic() > self.deadline:
            raise ExerciseTimeout()
        blobs: list[bytes] = []
        self.codec.leaves = []
        body = {"op": op, "args": self.codec.encode(list(args), blobs)}
        sent = list(self.codec.leaves)
        try:
            reply, parts = self.endpoint.request(body, blobs)
        except TimeoutError as exc:
            raise ExerciseTimeout() from exc
        for item in reply.get("mutated", []) if type(reply.get("mutated")) is list else []:
            self._copy_back(sent, item, parts)
        if "err" in reply:
            raise student_exception(reply["err"])
        if "ok" not in reply:
            raise ChannelError("a reply without a result")
        self.codec.leaves = []
        return self.codec.decode(reply["ok"], parts)

    def _copy_back(self, sent: list, item: Any, parts: list) -> None:
        """Student code changed an array or tensor we passed: make the same change here."""
        if type(item) is not list or len(item) != 2 or type(item[0]) is not int or not 0 <= item[0] < len(sent):
            raise ChannelError("a malformed report of a changed argument")
        self.codec.leaves = []
        new = self.codec.decode(item[1], parts)
        original = sent[item[0]]
        import numpy as np

        if isinstance(original, np.ndarray):
            if isinstance(new, np.ndarray) and new.shape == original.shape:
                np.copyto(original, new, casting="unsafe")
            return
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(original, torch.Tensor) and isinstance(new, torch.Tensor) \
                and new.shape == original.shape:
            with torch.no_grad():
                original.copy_(new)

    def _serve(self, message: dict, parts: list) -> tuple[dict, list[bytes]]:
        """The student's process may only call back a function the test passed to it."""
        if message.get("op") != "callback":
            return {"err": {"type": "PermissionError"}}, []
        self.codec.leaves = []
        try:
            function = self.codec.decode(message.get("h"), parts)
            args = self.codec.decode(message.get("args"), parts)
            kwargs = self.codec.decode(message.get("kwargs"), parts)
            if not callable(function) or type(args) is not list or type(kwargs) is not dict \
                    or not all(type(k) is str for k in kwargs):
                raise ChannelError("a malformed callback")
        except ChannelError:
            return {"err": {"type": "TypeError"}}, []
        blobs: list[bytes] = []
        try:
            result = function(*args, **kwargs)
            self.codec.leaves = []
            return {"ok": self.codec.encode(result, blobs)}, blobs
        except Exception as exc:  # noqa: BLE001 - the test's function raised: student code sees the kind
            kind = type(exc).__name__ if type(exc).__module__ == "builtins" else "Exception"
            return {"err": {"type": kind}}, []

    def names(self, names: list[str]) -> dict[str, Any]:
        found = self.op("names", names)
        if type(found) is not dict:
            raise ChannelError("a malformed list of names")
        return found

    def type_of(self, remote: Remote) -> dict:
        info = self.op("type", remote)
        if type(info) is not dict or type(info.get("mro")) is not list:
            raise ChannelError("a malformed type description")
        return info


def _sendable(value: Any) -> bool:
    """What the grader lets student code hold a handle to: the test's own functions, nothing else."""
    return callable(value) and not isinstance(value, (type, types.ModuleType))


def _set_timeout(sock: socket.socket, deadline: float) -> None:
    sock.settimeout(max(0.05, deadline - time.monotonic()))


def _resolve(module: str, qualname: str) -> type | None:
    """A class the grader has already imported, by name (nothing is imported for the student)."""
    if type(module) is not str or type(qualname) is not str or module.split(".")[0] not in KNOWN_PACKAGES:
        return None
    found: Any = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None) if found is not None else None
    return found if isinstance(found, type) else None


class Remote:
    """An object in the student's process (see the module docstring)."""

    __slots__ = ("_client", "_node", "_info", "__weakref__")

    def __init__(self, client: Client, node: dict) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_node", node)
        object.__setattr__(self, "_info", None)

    def _op(self, op: str, *args: Any) -> Any:
        return object.__getattribute__(self, "_client").op(op, self, *args)

    def _type(self) -> dict:
        info = object.__getattribute__(self, "_info")
        if info is None:
            info = object.__getattribute__(self, "_client").type_of(self)
            object.__setattr__(self, "_info", info)
        return info

    def _name(self) -> str:
        mro = self._type()["mro"]
        first = mro[0] if mro and type(mro[0]) is list and len(mro[0]) == 2 else ["?", "?"]
        return "".join(ch for ch in str(first[1])[:60] if ch.isalnum() or ch in "._")

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: D105 - isinstance() sees the student's class by its known bases
        for entry in self._type()["mro"]:
            if type(entry) is list and len(entry) == 2:
                found = _resolve(*entry)
                if found is not None and found is not object:
                    return found
        return Remote

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._op("getattr", name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._op("setattr", name, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._op("call", list(args), dict(kwargs))

    def __getitem__(self, key: Any) -> Any:
        return self._op("getitem", key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._op("setitem", key, value)

    def __len__(self) -> int:
        value = self._op("len")
        if type(value) is not int or value < 0:
            raise TypeError("len() of the student's object is not a non-negative int")
        return value

    def __iter__(self) -> Any:
        iterator = self._op("iter")
        return iterator if type(iterator) is Remote else iter(iterator)

    def __next__(self) -> Any:
        return self._op("next")

    def __contains__(self, item: Any) -> bool:
        return self._op("contains", item) is True

    def __bool__(self) -> bool:
        return self._op("bool") is True

    def _convert(self, kind: str, wanted: type) -> Any:
        value = self._op("convert", kind)
        if type(value) is not wanted:
            raise TypeError(f"the student's object did not convert to {wanted.__name__}")
        return value

    def __int__(self) -> int:
        return self._convert("int", int)

    def __index__(self) -> int:
        return self._convert("index", int)

    def __float__(self) -> float:
        return self._convert("float", float)

    def __enter__(self) -> Any:
        return self._op("getattr", "__enter__")()

    def __exit__(self, *exc: Any) -> Any:
        return self._op("getattr", "__exit__")(None, None, None)

    def __repr__(self) -> str:
        return f"<{self._name()} object from your code>"

    __str__ = __repr__

    def __eq__(self, other: Any) -> bool:
        return self is other

    def __ne__(self, other: Any) -> bool:
        return self is not other

    def __hash__(self) -> int:
        return id(self)

    def course_instrumented_call(self, kind: str, args: tuple, kwargs: dict) -> Any:
        """``checks.run_instrumented`` in the student's process (warnings and tracing happen where the code runs)."""
        return object.__getattribute__(self, "_client").op("instrument", kind, self, list(args), dict(kwargs))


def builder(client: Client) -> Any:
    """``checks.build`` for a test under grading: the object is made in the student's process."""

    def build(factory: Any, *args: Any, **kwargs: Any) -> Any:
        module, qualname = getattr(factory, "__module__", None), getattr(factory, "__qualname__", None)
        found: Any = sys.modules.get(module) if type(module) is str else None
        for part in (qualname or "").split("."):
            found = getattr(found, part, None) if found is not None else None
        if found is not factory or "<" in str(qualname):
            raise TypeError(f"checks.build needs a function or class importable by name, not {factory!r}")
        return client.op("build", module, qualname, list(args), dict(kwargs))

    return build
