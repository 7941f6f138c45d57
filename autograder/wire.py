"""The only format that crosses between the student's worker and the grader: plain data.

Plain data is None, bool, int, float, str, lists, tuples, dicts with str or int keys,
torch.dtype, torch.device and dense torch.Tensor objects (exact type, no subclass).
Frames are `torch.save` bytes read back with `torch.load(weights_only=True)`, so no
pickle of an arbitrary class ever runs in the grader. Whatever the worker sends is
validated again here: the worker runs student code and may send anything.

Objects that are not plain data travel as `Opaque(type_name)`, so a check can tell the
student "expected a tensor, got numpy.ndarray" instead of crashing.
"""
from __future__ import annotations

import io
import os
import select
import struct
import time

import torch

HEADER = struct.Struct(">Q")
MAX_DEPTH = 32
MAX_ITEMS = 100_000
OPAQUE_KEY = "__kit_opaque__"
HANDLE_KEY = "__kit_handle__"


class WireError(Exception):
    """A frame that is not valid plain data, or a broken pipe."""


class WireTimeout(WireError):
    """No frame arrived in time."""


class Opaque:
    """Stands for an object that is not plain data; only its type name crossed."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Opaque) and other.type_name == self.type_name

    __hash__ = None


class Handle:
    """Names an object that stays in the worker (a model, a tensor whose identity matters)."""

    __slots__ = ("id", "path", "type_name")

    def __init__(self, id: int, type_name: str = "object", path: tuple = ()):
        self.id, self.type_name, self.path = id, type_name, tuple(path)

    def attr(self, name: str) -> "Handle":
        """The attribute `name` of this object, resolved in the worker when used."""
        return Handle(self.id, self.type_name, self.path + (name,))

    def __repr__(self) -> str:
        return f"<remote {self.type_name}{''.join('.' + p for p in self.path)}>"


def type_name(obj) -> str:
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", "__main__") else f"{module}.{cls.__qualname__}"


# --- the worker side: turn any object into plain data, in good faith -----------------

def to_plain(obj, _depth: int = 0):
    """Plain data for `obj`; what is not plain becomes an Opaque marker."""
    if _depth > MAX_DEPTH:
        return {OPAQUE_KEY: "too deeply nested data"}
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    if isinstance(obj, torch.Tensor):
        if obj.layout != torch.strided or obj.is_meta:
            return {OPAQUE_KEY: f"torch.Tensor with layout {obj.layout}"}
        plain = obj.detach()
        if type(plain) is not torch.Tensor:
            plain = plain.as_subclass(torch.Tensor)
        return plain
    if isinstance(obj, (torch.dtype, torch.device)):
        return obj
    if isinstance(obj, torch.Size):
        return tuple(int(n) for n in obj)
    for base in (bool, int, float):  # subclasses such as IntEnum or numpy.float64
        if isinstance(obj, base):
            return base(obj)
    if isinstance(obj, (list, tuple)):  # subclasses such as named tuples become plain ones
        return (list if isinstance(obj, list) else tuple)(to_plain(x, _depth + 1) for x in obj)
    if isinstance(obj, dict):  # OrderedDict (a state_dict) becomes a plain dict
        return {k: to_plain(v, _depth + 1) for k, v in obj.items() if type(k) in (str, int)}
    return {OPAQUE_KEY: type_name(obj)}


# --- the grader side: accept only plain data -----------------------------------------

def from_plain(obj):
    """Validate data loaded from a frame; Opaque and Handle markers become objects."""
    count = [0]

    def walk(x, depth):
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS:
            raise WireError("the data is nested too deeply or has too many items")
        kind = type(x)
        if x is None or kind in (bool, int, float, str, torch.dtype, torch.device):
            return x
        if kind is torch.Tensor:
            if x.layout != torch.strided:
                raise WireError(f"a tensor with layout {x.layout} is not plain data")
            return x
        if kind is list:
            return [walk(v, depth + 1) for v in x]
        if kind is tuple:
            return tuple(walk(v, depth + 1) for v in x)
        if kind is dict:
            if set(x) == {OPAQUE_KEY} and type(x[OPAQUE_KEY]) is str:
                return Opaque(x[OPAQUE_KEY][:200])
            if HANDLE_KEY in x:
                return Handle(int(x[HANDLE_KEY]), str(x.get("type", "object"))[:200])
            if not all(type(k) in (str, int) for k in x):
                raise WireError("a dict key is not a str or an int")
            return {k: walk(v, depth + 1) for k, v in x.items()}
        raise WireError(f"{type_name(x)} is not plain data")

    return walk(obj, 0)


def handle_ref(handle: Handle) -> dict:
    """How a Handle travels to the worker as an argument."""
    return {HANDLE_KEY: handle.id, "path": list(handle.path)}


def dumps(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def loads(data: bytes):
    try:
        return torch.load(io.BytesIO(data), weights_only=True)
    except Exception as exc:  # any corrupt or forbidden frame is the same failure
        raise WireError(f"the data could not be read as plain data ({type(exc).__name__}: {str(exc)[:300]})") from None


# --- framing over pipes ---------------------------------------------------------------

def send(fd: int, obj) -> None:
    data = dumps(obj)
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WireTimeout("no answer in time")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise WireError("the pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, timeout: float | None = None, max_bytes: int = 1 << 30):
    """The next frame from `fd`, loaded as plain data (not yet validated by from_plain)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    (size,) = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    if size > max_bytes:
        raise WireError(f"a message of {size} bytes is over the limit of {max_bytes} bytes")
    return loads(_read_exactly(fd, size, deadline))
