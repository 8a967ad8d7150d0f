"""The narrow channel between the grader's process and the student's process.

Messages are length-framed: ``<4-byte length><4-byte JSON length><JSON><blobs>``,
at most :data:`MAX_MESSAGE` bytes. Values travel by value in formats that cannot
run code when read: JSON for numbers, strings and containers (tagged with ``"$"``),
NumPy's ``.npy`` format without pickle for arrays, NumPy scalars and tensors (a
tensor is its array, dtype, ``requires_grad`` and ``.grad``). Anything else is a
*handle*: ``{"$": "h", "side": "s" | "g", "id": N}``, an object that stays in the
process that made it (``s``: the student's, ``g``: the grader's) and is used
through further messages.

Both ends are :class:`Endpoint`\\ s: ``request`` sends one request and, while
waiting for its reply, serves the requests the other side sends meanwhile (a
student function calling back a test's lambda). A message that cannot be read,
is too large or too deep raises :class:`ChannelError`; the grader turns that
into a failed exercise, never a crash.
"""

from __future__ import annotations

import io
import json
import math
import socket
import struct
from collections.abc import Callable
from typing import Any

import numpy as np

MAX_MESSAGE = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_ITEMS = 1_000_000
_HEADER = struct.Struct(">II")


class ChannelError(RuntimeError):
    """A message that is malformed, too large or too deep, or a closed channel."""


class ChannelClosed(ChannelError):
    """The other process went away (it crashed, exited or was killed)."""


def _torch():  # torch is imported only where a tensor is seen
    import sys

    return sys.modules.get("torch")


class Codec:
    """Encodes values for the other side and decodes what it sends; keeps this side's handles.

    ``side`` is ``"s"`` (the student's process) or ``"g"`` (the grader's).
    ``foreign(node)`` turns the other side's handle into a local stand-in, and
    ``stand_in(value)`` gives back the handle node of such a stand-in (or None).
    ``handle_ok(value)``: whether an object that is not a value may be sent as a
    handle (the grader sends only callables that way; the student's process anything).
    """

    def __init__(self, side: str, foreign: Callable[[dict], Any], stand_in: Callable[[Any], dict | None],
                 handle_ok: Callable[[Any], bool], describe: Callable[[Any], dict] | None = None) -> None:
        self.side = side
        self.describe = describe
        self.foreign = foreign
        self.stand_in = stand_in
        self.handle_ok = handle_ok
        self.objects: dict[int, Any] = {}
        self._ids: dict[int, int] = {}
        self.leaves: list[Any] = []  # arrays and tensors met while encoding or decoding (copy-back)

    # ------------------------------------------------------------------ handles
    def handle(self, obj: Any) -> dict:
        key = id(obj)
        number = self._ids.get(key)
        if number is None or self.objects.get(number) is not obj:
            number = len(self.objects) + 1
            self.objects[number] = obj
            self._ids[key] = number
        node = {"$": "h", "side": self.side, "id": number}
        return dict(self.describe(obj), **node) if self.describe is not None else node

    def local(self, number: Any) -> Any:
        if type(number) is not int or number not in self.objects:
            raise ChannelError("a handle that this side never gave out")
        return self.objects[number]

    # ------------------------------------------------------------------ encode
    def encode(self, value: Any, blobs: list[bytes], depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ChannelError("a value nested too deeply to send")
        kind = type(value)
        if value is None or kind in (bool, int, str):
            return value
        node = self.stand_in(value)  # before any isinstance(): a stand-in's class is the other side's
        if node is not None:
            return node
        if kind is float:
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        if kind in (list, tuple, set, frozenset):
            return {"$": kind.__name__, "v": [self.encode(v, blobs, depth + 1) for v in value]}
        if kind is dict:
            return {"$": "dict", "k": [self.encode(k, blobs, depth + 1) for k in value],
                    "v": [self.encode(v, blobs, depth + 1) for v in value.values()]}
        if kind is complex:
            return {"$": "complex", "v": [repr(value.real), repr(value.imag)]}
        if kind is bytes:
            blobs.append(value)
            return {"$": "bytes", "b": len(blobs) - 1}
        if kind is slice:
            parts = (value.start, value.stop, value.step)
            return {"$": "slice", "v": [self.encode(v, blobs, depth + 1) for v in parts]}
        if value is Ellipsis:
            return {"$": "ellipsis"}
        if kind is range:
            return {"$": "range", "v": [value.start, value.stop, value.step]}
        if kind is np.ndarray and value.dtype.kind in "biufcUSmM" and value.dtype.fields is None:
            self.leaves.append(value)
            return {"$": "nd", "b": _npy(value, blobs), "leaf": len(self.leaves) - 1}
        if isinstance(value, np.generic) and kind.__module__ == "numpy" and value.dtype.kind in "biufcUSmM":
            return {"$": "np", "b": _npy(np.asarray(value), blobs)}
        if kind is np.dtype:
            return {"$": "dtype", "v": value.str}
        torch = _torch()
        if torch is not None:
            if kind in (torch.Tensor, torch.nn.Parameter):
                self.leaves.append(value)
                return self._tensor(value, blobs, depth)
            if kind is torch.dtype:
                return {"$": "tdtype", "v": str(value).removeprefix("torch.")}
            if kind is torch.Size:
                return {"$": "tsize", "v": [int(v) for v in value]}
            if kind is torch.device:
                return {"$": "tdevice", "v": str(value)}
        if self.handle_ok(value):
            return self.handle(value)
        raise TypeError(f"a {kind.__name__} cannot be passed between the grader and the student's code")

    def _tensor(self, value: Any, blobs: list[bytes], depth: int) -> dict:
        torch = _torch()
        data = value.detach().cpu()
        dtype = str(data.dtype).removeprefix("torch.")
        if data.dtype == torch.bfloat16:
            array = data.view(torch.int16).numpy()
        else:
            array = data.resolve_conj().resolve_neg().numpy()
        node = {"$": "tensor", "dtype": dtype, "b": _npy(array, blobs), "rg": bool(value.requires_grad),
                "param": type(value) is torch.nn.Parameter, "leaf": len(self.leaves) - 1}
        grad = value.grad if value.is_leaf else None
        if grad is not None and type(grad) is torch.Tensor:
            node["grad"] = self._tensor_plain(grad, blobs)
        return node

    def _tensor_plain(self, value: Any, blobs: list[bytes]) -> dict:
        data = value.detach().cpu()
        return {"$": "tensor", "dtype": str(data.dtype).removeprefix("torch."), "b": _npy(data.numpy(), blobs),
                "rg": False, "param": False}

    # ------------------------------------------------------------------ decode
    def decode(self, node: Any, blobs: list[memoryview], depth: int = 0, count: list[int] | None = None) -> Any:
        count = count if count is not None else [0]
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS:
            raise ChannelError("a message nested too deeply or with too many items")
        if node is None or type(node) in (bool, int, str, float):
            return node
        if type(node) is not dict or type(node.get("$")) is not str:
            raise ChannelError("a value of an unknown form")
        tag = node["$"]
        if tag in ("list", "tuple", "set", "frozenset"):
            items = [self.decode(v, blobs, depth + 1, count) for v in _list(node, "v")]
            try:
                return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
            except TypeError as exc:
                raise ChannelError("a set of unhashable values") from exc
        if tag == "dict":
            keys = [self.decode(k, blobs, depth + 1, count) for k in _list(node, "k")]
            values = [self.decode(v, blobs, depth + 1, count) for v in _list(node, "v")]
            if len(keys) != len(values):
                raise ChannelError("a dict with as many keys as values expected")
            try:
                return dict(zip(keys, values))
            except TypeError as exc:
                raise ChannelError("a dict with unhashable keys") from exc
        if tag == "float":
            return float(_str(node, "v"))
        if tag == "complex":
            re_, im = _list(node, "v")
            return complex(float(re_), float(im))
        if tag == "bytes":
            return bytes(_blob(node, blobs))
        if tag == "slice":
            return slice(*[self.decode(v, blobs, depth + 1, count) for v in _list(node, "v")][:3])
        if tag == "ellipsis":
            return Ellipsis
        if tag == "range":
            args = _list(node, "v")
            if len(args) != 3 or not all(type(a) is int for a in args):
                raise ChannelError("a malformed range")
            return range(*args)
        if tag == "nd":
            array = _load_npy(_blob(node, blobs))
            self.leaves.append(array)
            return array
        if tag == "np":
            array = _load_npy(_blob(node, blobs))
            if array.ndim != 0:
                raise ChannelError("a NumPy scalar must be 0-d")
            return array[()]
        if tag == "dtype":
            return _dtype(_str(node, "v"))
        if tag in ("tensor", "tdtype", "tsize", "tdevice"):
            return self._decode_torch(node, blobs, depth, count)
        if tag == "h":
            side = node.get("side")
            if side == self.side:
                return self.local(node.get("id"))
            if side in ("s", "g") and type(node.get("id")) is int:
                return self.foreign(node)
        raise ChannelError(f"a value of an unknown kind {tag[:20]!r}")

    def _decode_torch(self, node: dict, blobs: list[memoryview], depth: int, count: list[int]) -> Any:
        torch = _torch()
        if torch is None:
            import torch  # noqa: F811 - a tensor arrived before the setup imported torch
        tag = node["$"]
        if tag == "tdtype":
            dtype = getattr(torch, _str(node, "v"), None)
            if type(dtype) is not torch.dtype:
                raise ChannelError("an unknown torch dtype")
            return dtype
        if tag == "tsize":
            return torch.Size([int(v) for v in _list(node, "v") if type(v) is int])
        if tag == "tdevice":
            return torch.device(_str(node, "v")[:20])
        dtype = getattr(torch, _str(node, "dtype"), None)
        if type(dtype) is not torch.dtype:
            raise ChannelError("an unknown torch dtype")
        array = _load_npy(_blob(node, blobs))
        tensor = torch.from_numpy(array.copy())
        tensor = tensor.view(dtype) if dtype == torch.bfloat16 else tensor.to(dtype)
        wants_grad = node.get("rg") is True and (tensor.is_floating_point() or tensor.is_complex())
        if node.get("param") is True:
            tensor = torch.nn.Parameter(tensor, requires_grad=wants_grad)
        elif wants_grad:
            tensor.requires_grad_(True)
        grad = node.get("grad")
        if grad is not None:
            value = self._decode_torch(grad, blobs, depth + 1, count)
            if tensor.is_leaf and value.shape == tensor.shape:
                tensor.grad = value.to(tensor.dtype)
        if "leaf" in node:
            self.leaves.append(tensor)
        return tensor


def _list(node: dict, key: str) -> list:
    value = node.get(key)
    if type(value) is not list:
        raise ChannelError("a malformed container")
    return value


def _str(node: dict, key: str) -> str:
    value = node.get(key)
    if type(value) is not str or len(value) > 64:
        raise ChannelError("a malformed value")
    return value


def _blob(node: dict, blobs: list[memoryview]) -> memoryview:
    index = node.get("b")
    if type(index) is not int or not 0 <= index < len(blobs):
        raise ChannelError("a reference to missing data")
    return blobs[index]


def _dtype(text: str) -> np.dtype:
    try:
        dtype = np.dtype(text)
    except TypeError as exc:
        raise ChannelError("an unknown dtype") from exc
    if dtype.kind not in "biufcUSmM" or dtype.fields is not None:
        raise ChannelError("only plain numeric or text dtypes can be sent")
    return dtype


def _npy(array: np.ndarray, blobs: list[bytes]) -> int:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    blobs.append(buffer.getvalue())
    return len(blobs) - 1


def _load_npy(blob: memoryview) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - any malformed .npy
        raise ChannelError("malformed array data") from exc
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biufcUSmM":
        raise ChannelError("only plain numeric or text arrays can be sent")
    return array


# ---------------------------------------------------------------------- framing
def pack(header: dict, blobs: list[bytes]) -> bytes:
    """One frame: the JSON header (with the blobs' sizes) and the blobs."""
    header = dict(header, blobs=[len(b) for b in blobs])
    text = json.dumps(header, allow_nan=False).encode()
    body = b"".join(blobs)
    if _HEADER.size + len(text) + len(body) > MAX_MESSAGE:
        raise ChannelError(f"a message larger than {MAX_MESSAGE // 2**20} MB")
    return _HEADER.pack(len(text) + len(body), len(text)) + text + body


def _recv_exact(sock: socket.socket, size: int) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:], size - got)
        if n == 0:
            raise ChannelClosed("the other process closed the channel")
        got += n
    return buffer


def receive(sock: socket.socket) -> tuple[dict, list[memoryview]]:
    """Read one frame; ChannelError if it is malformed or too large."""
    total, text_size = _HEADER.unpack(bytes(_recv_exact(sock, _HEADER.size)))
    if total > MAX_MESSAGE or text_size > total:
        raise ChannelError("a message that is too large or malformed")
    data = _recv_exact(sock, total)
    try:
        header = json.loads(bytes(data[:text_size]))
    except (ValueError, RecursionError) as exc:
        raise ChannelError("a message that is not valid JSON") from exc
    if type(header) is not dict or type(header.get("blobs")) is not list:
        raise ChannelError("a message of an unknown form")
    sizes = header["blobs"]
    if not all(type(s) is int and s >= 0 for s in sizes) or text_size + sum(sizes) != total:
        raise ChannelError("a message whose parts do not add up")
    blobs, offset, view = [], text_size, memoryview(data)
    for size in sizes:
        blobs.append(view[offset: offset + size])
        offset += size
    return header, blobs


class Endpoint:
    """One side of the channel: requests with replies, serving the other side's requests meanwhile."""

    def __init__(self, sock: socket.socket, codec: Codec,
                 serve: Callable[[dict, list[memoryview]], tuple[dict, list[bytes]]]) -> None:
        self.sock = sock
        self.codec = codec
        self.serve = serve
        self._next = 0

    def send(self, header: dict, blobs: list[bytes] | None = None) -> None:
        self.sock.sendall(pack(header, blobs or []))

    def request(self, header: dict, blobs: list[bytes] | None = None) -> tuple[dict, list[memoryview]]:
        """Send a request and return its reply (serving nested requests until it comes)."""
        self._next += 1
        seq = self._next
        self.send(dict(header, seq=seq), blobs)
        while True:
            message, parts = receive(self.sock)
            if "re" in message:
                if message["re"] != seq:
                    raise ChannelError("a reply to a request that was not made")
                return message, parts
            self.answer(message, parts)

    def answer(self, message: dict, parts: list[memoryview]) -> None:
        reply, blobs = self.serve(message, parts)
        self.send(dict(reply, re=message.get("seq")), blobs)

    def serve_forever(self) -> None:
        """Answer requests until the other side says ``bye`` or closes the channel."""
        while True:
            try:
                message, parts = receive(self.sock)
            except ChannelClosed:
                return
            if message.get("op") == "bye":
                return
            self.answer(message, parts)
