"""Comparisons for hidden tests, each failing with a message a student can act on.

All of them run in the grader's process on plain data that came back from the worker.
Tolerances fit float32 on CPU and GPU: kernels differ in summation order, not in meaning.

They fail closed: NaN, inf, None, an opaque object, a wrong type, shape, dtype or device fail
with a message, so that a comparison that is False for NaN never passes an answer. A hidden
test compares through these helpers only, and checks a side property (two calls agree, two
seeds differ) only after the answer itself has passed. A check on hidden inputs runs inside
`on_input(...)`, so that its failure says, after the cause, on what input it failed.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import math

import torch

from autograder.sandbox.inside.codec import Handle, Opaque

FLOAT_TOLERANCE = {torch.float16: (1e-3, 1e-3), torch.bfloat16: (1.6e-2, 1e-2),
                   torch.float32: (1e-4, 1e-5), torch.float64: (1e-7, 1e-7)}


# The reference results of the grading run now in progress: the hidden tests' session owns the dict
# (grading/hidden_tests.py: renewed with the session when the course's files change) and sets it in the
# thread its tests run in. Outside a grading run it is unset and nothing is kept.
REFERENCE_RESULTS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("reference_results", default=None)


def computed_once(function):
    """Cache a reference computation for the grading run.

    Every student is compared with the same reference result on the same hidden inputs, so
    it is computed for the first notebook only, until the course changes. Arguments must be
    hashable (seeds, sizes, rates, devices), and callers must not modify what comes back.
    """
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def cached(*args, **kwargs):
        results = REFERENCE_RESULTS.get()
        if results is None:
            return function(*args, **kwargs)
        key = (name, args, tuple(sorted(kwargs.items())))
        if key not in results:
            results[key] = function(*args, **kwargs)
        return results[key]

    return cached


class CheckFailed(AssertionError):
    """A hidden test's verdict; its text is shown to the student as is."""


# The hidden inputs a check is running on (`on_input`): every failure inside names them after its cause.
FAILING_INPUT: contextvars.ContextVar[str | None] = contextvars.ContextVar("failing_input", default=None)
MAX_INPUT_CHARS = 200  # of the input's description in a failure line; a large input is summarised


def fail(message: str):
    given = FAILING_INPUT.get()
    raise CheckFailed(f"{message} (input: {given})" if given else message)


@contextlib.contextmanager
def on_input(**inputs):
    """Failures inside name the input they failed on, after their cause, shortened where it is large:
    `with on_input(x=x, upstream=g): expect_tensor(...)` fails with "...: <cause> (input: x = ...)"."""
    described = ", ".join(f"{name} = {shown_value(value)}" for name, value in inputs.items())
    if len(described) > MAX_INPUT_CHARS:
        described = described[:MAX_INPUT_CHARS - 1] + "…"
    token = FAILING_INPUT.set(described)
    try:
        yield
    finally:
        FAILING_INPUT.reset(token)


def shown_value(value, small: int = 6) -> str:
    """An input as a failure line shows it: a tensor of up to `small` values whole (4 significant
    digits), a larger one by its shape and range; other values by their repr, cut at 60 characters."""
    if isinstance(value, torch.Tensor):
        kind = "" if value.dtype == torch.float32 else f", dtype={value.dtype}"
        kind += "" if value.device.type == "cpu" else f", device='{value.device.type}'"
        if value.is_meta or value.numel() == 0:
            return f"a tensor of shape {tuple(value.shape)}{kind}"
        data = value.detach().to("cpu")
        if value.numel() <= small:
            return f"tensor({_rounded(data.tolist())}{kind})"
        numbers = data.double()
        return (f"a tensor of shape {tuple(value.shape)}{kind}, values from {numbers.min().item():.4g} to "
                f"{numbers.max().item():.4g}")
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _rounded(values) -> str:
    if isinstance(values, list):
        return "[" + ", ".join(_rounded(v) for v in values) + "]"
    if not isinstance(values, float):
        return repr(values)
    text = f"{values:.4g}"
    return text if any(mark in text for mark in ".ein") else text + "."  # 1. as torch shows a float


def kind_of(value) -> str:
    if isinstance(value, Opaque):
        return value.type_name
    if isinstance(value, Handle):
        return value.type_name
    if value is None:
        return "None"
    return type(value).__name__


def constant_factor(got: torch.Tensor, want: torch.Tensor) -> float | None:
    """The c with got = c * want (c not 1), when there is one: the signature of a missing 1/2,
    a flipped sign, or a sum where a mean belongs."""
    got, want = got.detach().to("cpu", torch.float64), want.detach().to("cpu", torch.float64)
    nonzero = want.abs() > 1e-12
    if got.shape != want.shape or not bool(nonzero.any()) or not bool(torch.isfinite(got).all()):
        return None
    c = (got[nonzero] / want[nonzero]).median().item()
    if not math.isfinite(c) or abs(c - 1) < 1e-6 or abs(c) < 1e-12:
        return None
    return c if bool(torch.allclose(got, c * want, rtol=1e-4, atol=1e-7)) else None


def name_factor(c: float, sizes: dict[str, int] | None = None) -> str:
    """A constant factor in the student's terms; `sizes` names counts such as {"m": 10}."""
    known = [(-1.0, "the sign of your result is flipped"),
             (2.0, "your result is twice the expected value: is a factor 1/2 missing?"),
             (0.5, "your result is half the expected value: is there a 1/2 too many?")]
    for name, n in (sizes or {}).items():
        known += [(float(n), f"your result is {name} = {n} times the expected value: a sum where a mean (1/{name}) belongs?"),
                  (1.0 / n, f"your result is 1/{name} of the expected value: a mean where a sum belongs?"),
                  (float(n * n), f"your result is {name}\u00b2 times the expected value"),
                  (1.0 / (n * n), f"your result is 1/{name}\u00b2 of the expected value")]
    for value, words in known:
        if abs(c - value) <= 1e-4 * abs(value):
            return words
    return f"your result is {c:.4g} times the expected value"


def expect_tensor_like(actual, expected: torch.Tensor, what: str, *, check_dtype: bool = True,
                       check_device: bool = True) -> torch.Tensor:
    """`actual` must be a tensor of `expected`'s shape, dtype and device (values not compared)."""
    if not isinstance(actual, torch.Tensor):
        fail(f"{what}: expected a torch.Tensor, got {kind_of(actual)}")
    if tuple(actual.shape) != tuple(expected.shape):
        transposed = (actual.dim() == 2 and tuple(actual.shape) == tuple(expected.shape)[::-1]
                      and not actual.is_meta and not expected.is_meta
                      and bool(torch.allclose(actual.detach().cpu().double(), expected.detach().cpu().double().T)))
        fail(f"{what}: expected shape {tuple(expected.shape)}, got {tuple(actual.shape)}"
             + (" (your result is the expected one transposed)" if transposed else ""))
    if check_dtype and actual.dtype != expected.dtype:
        fail(f"{what}: expected dtype {expected.dtype}, got {actual.dtype}")
    if check_device and actual.device.type != expected.device.type:
        fail(f"{what}: your tensor is on {actual.device.type}, expected {expected.device.type}")
    return actual


def expect_tensor(actual, expected: torch.Tensor, what: str, *, check_dtype: bool = True,
                  check_device: bool = True, rtol: float | None = None, atol: float | None = None,
                  sizes: dict[str, int] | None = None):
    """`actual` must be a tensor equal to `expected` in shape, dtype, device and values (on the
    meta device, which holds no values, the rest)."""
    expect_tensor_like(actual, expected, what, check_dtype=check_dtype, check_device=check_device)
    if expected.device.type != "meta":
        expect_values(actual, expected, what, rtol=rtol, atol=atol, sizes=sizes)


def expect_values(actual: torch.Tensor, expected: torch.Tensor, what: str, *,
                  rtol: float | None = None, atol: float | None = None, sizes: dict[str, int] | None = None):
    """Values equal within the float tolerance of `expected`'s dtype (exact for integers); a
    result off by a constant factor is named (see name_factor)."""
    default_rtol, default_atol = FLOAT_TOLERANCE.get(expected.dtype, (0.0, 0.0))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if actual.device.type == "meta":
        fail(f"{what}: your tensor is on the meta device, which holds no values")
    got = actual.detach().to("cpu", torch.float64)
    want = expected.detach().to("cpu", torch.float64)
    if torch.isnan(got).any() and not torch.isnan(want).any():
        fail(f"{what}: your result contains NaN (uninitialised memory, or a division by zero?)")
    if torch.isinf(got).any() and not torch.isinf(want).any():
        fail(f"{what}: your result contains an infinite value (an overflow, or a division by zero?)")
    close = torch.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    if bool(close.all()):
        return
    factor = constant_factor(got, want)
    if factor is not None:
        fail(f"{what}: {name_factor(factor, sizes)}")
    wrong = (~close).nonzero()[0].tolist()
    index = tuple(wrong)
    fail(f"{what}: {int((~close).sum())} of {close.numel()} values are wrong; "
         f"at index {index if len(index) != 1 else index[0]} expected {want[index].item():.6g}, "
         f"got {got[index].item():.6g}")


def expect_number(actual, expected: float, what: str, *, rtol: float = 1e-4, atol: float = 1e-6,
                  sizes: dict[str, int] | None = None) -> float:
    """A finite int or float (or a one-element tensor) within the tolerance of `expected`; one
    off by a constant factor is named (see name_factor)."""
    actual = expect_finite(actual, what)
    if not abs(actual - expected) <= atol + rtol * abs(expected):
        factor = constant_factor(torch.tensor(actual), torch.tensor(float(expected)))
        named = f" ({name_factor(factor, sizes)})" if factor is not None else ""
        fail(f"{what}: expected {expected:.6g}, got {actual:.6g}{named}")
    return actual


def expect_finite(actual, what: str) -> float:
    """A finite int or float (or a one-element tensor on a device with values), as a float."""
    if isinstance(actual, torch.Tensor) and actual.numel() == 1 and actual.device.type != "meta":
        actual = actual.item()
    if type(actual) not in (int, float):  # not bool: True is no answer to "how many"
        fail(f"{what}: expected a number, got {kind_of(actual)}")
    if not math.isfinite(actual):
        fail(f"{what}: expected a finite number, got {actual}")
    return float(actual)


def expect_int(actual, low: int, high: int, what: str) -> int:
    """An int (not a bool, not a float) from `low` to `high`, both included."""
    if type(actual) is not int:
        fail(f"{what}: expected an int, got {kind_of(actual)}")
    if not low <= actual <= high:
        fail(f"{what}: expected an int from {low} to {high}, got {actual}")
    return actual


def expect_below(actual: float, bound: float, what: str, hint: str = "") -> float:
    """A finite number under `bound` (NaN and inf are under nothing)."""
    actual = expect_finite(actual, what)
    if not actual < bound:
        fail(f"{what}: {actual:.4g} is not under {bound:g}{hint}")
    return actual


def expect_in_range(actual: torch.Tensor, low: float, high: float, what: str, hint: str = ""):
    """Every value of a tensor in [low, high) (NaN is in no range; a meta tensor has no values)."""
    if actual.is_meta:
        fail(f"{what}: your tensor is on the meta device, which holds no values")
    values = actual.detach().to("cpu", torch.float64)
    inside = (values >= low) & (values < high)
    if not bool(inside.all()):
        fail(f"{what}: values should lie in [{low:g}, {high:g}), got some from {values.min().item():.3g} to "
             f"{values.max().item():.3g}{hint}")


def expect_sequence(actual, length: int, what: str, names: str = "") -> list:
    """A list or a tuple (either: the task leaves it open) of `length` items, as a list."""
    if type(actual) not in (tuple, list) or len(actual) != length:
        shown = f"{kind_of(actual)} of length {len(actual)}" if type(actual) in (tuple, list) else kind_of(actual)
        fail(f"{what}: expected {names or f'{length} values'} (a tuple or list), got {shown}")
    return list(actual)


def expect_text(actual, what: str, *, max_chars: int) -> str:
    """`actual` must be a str of at most `max_chars` characters, so the grader's work on it stays bounded."""
    if type(actual) is not str:
        fail(f"{what}: expected text (str), got {kind_of(actual)}")
    if len(actual) > max_chars:
        fail(f"{what}: expected at most {max_chars} characters, got {len(actual)}")
    return actual


def expect_equal(actual, expected, what: str):
    """Exactly `expected`, of its type (no NaN: NaN equals nothing)."""
    if type(actual) is not type(expected) or actual != expected:
        fail(f"{what}: expected {expected!r:.200}, got {actual!r:.200}")


def expect_property(holds: bool, what: str, message: str):
    """A property the task asks for (the caller checks the answer's type first), or a side property
    of an answer that passed its own checks."""
    if holds is not True:
        fail(f"{what}: {message}")


def expect_python_float(actual, what: str) -> float:
    """A finite Python float, as a task that says "a Python float" asks: a 0-d tensor, a NumPy
    number or an int is named as what it is (`.item()` turns a one-element tensor into a float)."""
    if isinstance(actual, torch.Tensor):
        fail(f"{what}: expected a Python float, got a tensor of shape {tuple(actual.shape)} "
             f"(.item() turns a one-element tensor into a float)")
    if type(actual) is not float:
        fail(f"{what}: expected a Python float, got {kind_of(actual)}")
    if not math.isfinite(actual):
        fail(f"{what}: expected a finite number, got {actual}")
    return actual


def expect_distinct(items: list, what: str) -> list:
    """No item twice, as a task that says "distinct" asks."""
    seen, repeated = set(), []
    for item in items:
        key = repr(item)
        if key in seen and item not in repeated:
            repeated.append(item)
        seen.add(key)
    if repeated:
        fail(f"{what}: expected each value once (distinct), got {', '.join(repr(r)[:60] for r in repeated[:3])} "
             f"more than once")
    return items


def expect_list(actual, what: str) -> list:
    """A list, as a task that says "a list" asks: a set, a tuple or a generator is named."""
    if type(actual) is not list:
        hint = " (a set has no order: sorted(...) gives a list)" if kind_of(actual) in ("set", "frozenset") else ""
        fail(f"{what}: expected a list, got {kind_of(actual)}{hint}")
    return actual


def loss_has_grown(first, last) -> bool:
    """Whether a loss grew from `first` to `last`: an overflow to inf or NaN is growth (divergence),
    so a task asking for a loss that falls fails on NaN and one asking for a loss that grows passes."""
    first, last = float(first), float(last)
    if not math.isfinite(last):
        return True
    return math.isfinite(first) and last > first
