"""The codec of what crosses between the student process and the grader: plain data, as bytes.

Plain data is None, bool, int, float, str, lists, tuples, dicts with str or int keys,
torch.dtype, torch.device and dense torch.Tensor objects (exact type, no subclass).
A frame is JSON for the structure followed by the raw bytes of its tensors, so nothing
the student process sends is ever unpickled or executed in the grader; decoding builds only the
types above. Whatever the student process sends is validated again here: it runs student
code and may send anything.

Objects that are not plain data travel as `Opaque(type_name)`, so a check can tell the
student "expected a tensor, got numpy.ndarray" instead of crashing. How a frame travels over a
pipe is wire.py's.
"""
from __future__ import annotations

import json
import math
import struct
import time

import torch

JSON_SIZE = struct.Struct(">Q")  # size of the frame's JSON part; tensor bytes follow it
KIT_KEY = "__kit__"  # marks the JSON objects that stand for tuples, tensors, dtypes, devices, int-keyed dicts
DTYPES = {str(dtype).removeprefix("torch."): dtype for dtype in (
    torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16,
    torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128)}
DEVICE_TYPES = ("cpu", "cuda", "mps", "meta")  # meta: shapes and dtypes without values, on any machine
MAX_DEPTH = 32
MAX_ITEMS = 100_000
# Bounds on what the grader spends decoding one frame, whatever the frame holds: its JSON part
# (text the grader parses), the JSON objects in it, and the seconds decoding may take. Tensor
# bytes are bounded by the frame: each byte of the frame may stand for one tensor only.
MAX_JSON_BYTES = 8 << 20
MAX_OBJECTS = 200_000
DECODE_SECONDS = 10.0
OPAQUE_KEY = "__kit_opaque__"
HANDLE_KEY = "__kit_handle__"


class WireError(Exception):
    """A frame that is not valid plain data, or a broken pipe."""


class WireInvalid(WireError):
    """A frame arrived whole but is not valid plain data, or is over the decoder's bounds."""


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
    """Names an object that stays in the student process (a model, a tensor whose identity matters)."""

    __slots__ = ("id", "path", "type_name")

    def __init__(self, id: int, type_name: str = "object", path: tuple = ()):
        self.id, self.type_name, self.path = id, type_name, tuple(path)

    def attr(self, name: str) -> "Handle":
        """The attribute `name` of this object, resolved in the student process when used."""
        return Handle(self.id, self.type_name, self.path + (name,))

    def __repr__(self) -> str:
        return f"<remote {self.type_name}{''.join('.' + p for p in self.path)}>"


def type_name(obj) -> str:
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", "__main__") else f"{module}.{cls.__qualname__}"


# --- the student process's side: turn any object into plain data, in good faith -----------------

def to_plain(obj, _depth: int = 0):
    """Plain data for `obj`; what is not plain becomes an Opaque marker."""
    if _depth > MAX_DEPTH:
        return {OPAQUE_KEY: "too deeply nested data"}
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    if isinstance(obj, torch.Tensor):
        if obj.layout != torch.strided:
            return {OPAQUE_KEY: f"torch.Tensor with layout {obj.layout}"}
        if obj.dtype not in DTYPES.values():
            return {OPAQUE_KEY: f"torch.Tensor of dtype {obj.dtype}"}
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
    """Validate data loaded from a frame; Opaque and Handle markers become objects.

    Any failure is a WireError: whatever the student process sent, the grader only ever sees
    plain data or that one exception. Strings that are not valid UTF-8 (lone surrogates)
    are repaired here, so nothing downstream (notebook files, feedback) fails on them.
    """
    count = [0]

    def walk(x, depth):
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS:
            raise WireError("the data is nested too deeply or has too many items")
        kind = type(x)
        if kind is str:
            return valid_text(x)
        if x is None or kind in (bool, int, float, torch.dtype, torch.device):
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
                return Opaque(valid_text(x[OPAQUE_KEY][:200]))
            if HANDLE_KEY in x:
                handle, name = x[HANDLE_KEY], x.get("type", "object")
                if type(handle) is not int or type(name) is not str:
                    raise WireError("a handle is not an int with a type name")
                return Handle(handle, valid_text(name[:200]))
            if not all(type(k) in (str, int) for k in x):
                raise WireError("a dict key is not a str or an int")
            return {valid_text(k) if type(k) is str else k: walk(v, depth + 1) for k, v in x.items()}
        raise WireError(f"{type_name(x)} is not plain data")

    try:
        return walk(obj, 0)
    except WireError as exc:
        raise WireInvalid(str(exc)) from None
    except Exception as exc:  # RecursionError, MemoryError, anything a forged value provokes
        raise WireInvalid(f"the data is not valid plain data ({type(exc).__name__})") from None


def valid_text(text: str) -> str:
    """`text` as valid UTF-8: lone surrogates (which no file or page can hold) become "?"."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def handle_ref(handle: Handle) -> dict:
    """How a Handle travels to the student process as an argument."""
    return {HANDLE_KEY: handle.id, "path": list(handle.path)}


def _encode(obj, blobs: bytearray):
    """JSON-ready form of plain data; tensor bytes are appended to `blobs`."""
    kind = type(obj)
    if obj is None or kind in (bool, int, float, str):
        return obj
    if isinstance(obj, list):
        return [_encode(v, blobs) for v in obj]
    if isinstance(obj, tuple):  # named tuples too
        return {KIT_KEY: "tuple", "items": [_encode(v, blobs) for v in obj]}
    if isinstance(obj, dict):  # an OrderedDict (a state_dict) too
        if KIT_KEY not in obj and all(type(k) is str for k in obj):
            return {k: _encode(v, blobs) for k, v in obj.items()}
        return {KIT_KEY: "dict", "items": [[k, _encode(v, blobs)] for k, v in obj.items()]}
    if isinstance(obj, torch.Tensor) and obj.dtype in DTYPES.values() and obj.is_meta:  # no values to send
        return {KIT_KEY: "tensor", "dtype": str(obj.dtype).removeprefix("torch."), "shape": list(obj.shape),
                "device": "meta", "requires_grad": obj.requires_grad, "at": 0, "size": 0}
    if isinstance(obj, torch.Tensor) and obj.dtype in DTYPES.values():
        flat = obj.detach().resolve_conj().resolve_neg().to("cpu").contiguous().reshape(-1)
        data = flat.view(torch.uint8).numpy().tobytes()
        at = len(blobs)
        blobs += data
        return {KIT_KEY: "tensor", "dtype": str(obj.dtype).removeprefix("torch."), "shape": list(obj.shape),
                "device": str(obj.device), "requires_grad": obj.requires_grad, "at": at, "size": len(data)}
    if kind is torch.dtype:
        return {KIT_KEY: "dtype", "name": str(obj).removeprefix("torch.")}
    if kind is torch.device:
        return {KIT_KEY: "device", "name": str(obj)}
    for base in (bool, int, float, str):  # numpy.float64 and other subclasses
        if isinstance(obj, base):
            return base(obj)
    raise TypeError(f"{type_name(obj)} is not plain data")  # the sender's mistake, not a broken pipe


def dumps(obj) -> bytes:
    blobs = bytearray()
    # UTF-8 rather than \u escapes (a character costs at most 4 bytes of the frame's bound);
    # a lone surrogate, which UTF-8 cannot hold, becomes "?"
    text = json.dumps(_encode(obj, blobs), separators=(",", ":"), ensure_ascii=False).encode("utf-8", "replace")
    return JSON_SIZE.pack(len(text)) + text + bytes(blobs)


def _device(name) -> torch.device:
    device = torch.device(name) if type(name) is str else None
    if device is None or device.type not in DEVICE_TYPES:
        raise WireError(f"{str(name)[:40]!r} is not a device")
    return device


class _Decoder:
    """Builds plain data from a frame's JSON objects, within the bounds above."""

    def __init__(self, blob: memoryview, deadline: float):
        self.blob, self.deadline = blob, deadline
        self.objects = 0
        self.tensor_bytes = 0  # bytes of the frame taken by tensors so far: each byte once

    def __call__(self, pairs: list):
        self.objects += 1
        if self.objects > MAX_OBJECTS:
            raise WireError(f"the data has more than {MAX_OBJECTS} objects")
        if self.objects % 1024 == 0 and time.monotonic() > self.deadline:
            raise WireError("the data took too long to decode")
        obj = dict(pairs)
        if len(obj) != len(pairs):
            raise WireError("an object repeats a key")
        kind = obj.get(KIT_KEY)
        if kind is None:
            return obj
        items = obj.get("items")
        if kind == "tuple" and type(items) is list:
            return tuple(items)
        if kind == "dict" and type(items) is list and all(
                type(pair) is list and len(pair) == 2 and type(pair[0]) in (str, int) for pair in items):
            as_dict = dict(items)
            if len(as_dict) != len(items):
                raise WireError("an object repeats a key")
            return as_dict
        if kind == "dtype" and obj.get("name") in DTYPES:
            return DTYPES[obj["name"]]
        if kind == "device":
            return _device(obj.get("name"))
        if kind == "tensor":
            return self.tensor(obj)
        raise WireError(f"{str(kind)[:40]!r} is not a kind of plain data")

    def tensor(self, marker: dict) -> torch.Tensor:
        dtype, shape, at, size = (marker.get(k) for k in ("dtype", "shape", "at", "size"))
        if dtype not in DTYPES or type(shape) is not list or len(shape) > MAX_DEPTH \
                or not all(type(n) is int and n >= 0 for n in shape):
            raise WireError("a tensor's dtype or shape is not valid")
        dtype = DTYPES[dtype]
        device = _device(marker.get("device"))
        if device.type == "meta":
            if size != 0 or at != 0:
                raise WireError("a meta tensor carries no bytes")
            try:
                tensor = torch.empty(shape, dtype=dtype, device="meta")
            except (RuntimeError, ValueError, OverflowError):
                raise WireError("a meta tensor's shape is not valid") from None
            return tensor.requires_grad_() if marker.get("requires_grad") is True and tensor.is_floating_point() else tensor
        if type(at) is not int or type(size) is not int or at < 0 or at + size > len(self.blob) \
                or size != math.prod(shape) * dtype.itemsize:
            raise WireError("a tensor's bytes do not match its shape")
        self.tensor_bytes += size
        if self.tensor_bytes > len(self.blob):  # markers sharing bytes would multiply the frame's size
            raise WireError("tensors share bytes of the frame")
        if size == 0:
            tensor = torch.empty(shape, dtype=dtype)
        else:
            raw = torch.frombuffer(bytearray(self.blob[at:at + size]), dtype=torch.uint8)
            tensor = (raw != 0 if dtype is torch.bool else raw.view(dtype)).reshape(shape)
        if device.type != "cpu":
            tensor = tensor.to(device)
        return tensor.requires_grad_() if marker.get("requires_grad") is True and tensor.is_floating_point() else tensor


def loads(data: bytes, seconds: float = DECODE_SECONDS, max_json_bytes: int = MAX_JSON_BYTES):
    try:
        (size,) = JSON_SIZE.unpack_from(data)
        if size > max_json_bytes:
            raise WireError(f"its structure is {size} bytes, over the limit of {max_json_bytes}")
        text, blob = data[JSON_SIZE.size:JSON_SIZE.size + size], memoryview(data)[JSON_SIZE.size + size:]
        if len(text) != size:
            raise WireError("the frame is cut short")
        return json.loads(text, object_pairs_hook=_Decoder(blob, time.monotonic() + seconds))
    except Exception as exc:  # any corrupt or forbidden frame is the same failure
        reason = str(exc) if isinstance(exc, WireError) else f"{type(exc).__name__}: {str(exc)[:300]}"
        raise WireInvalid(f"the data could not be read as plain data ({reason})") from None
