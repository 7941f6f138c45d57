"""How a hidden test's call into the student's process reads in the messages a student gets."""
from __future__ import annotations

import torch

from autograder.sandbox.inside.codec import Handle


def describe(value) -> str:
    """A short, student-readable rendering of an argument."""
    if isinstance(value, torch.Tensor):
        return f"<tensor of shape {tuple(value.shape)}>"
    if isinstance(value, Handle):
        return repr(value)
    if isinstance(value, (list, tuple)) and len(value) > 4:
        return f"<{type(value).__name__} of {len(value)} items>"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_call(target, args=(), kwargs=None) -> str:
    name = target if isinstance(target, str) else repr(target).strip("<>").replace("remote ", "")
    parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in (kwargs or {}).items()]
    return f"{name}({', '.join(parts)})"


class CallText:
    """A call (`(target, args, kwargs)`, or text), after `before`, written only when a message shows it: most
    calls succeed, and describing their arguments (the repr of a state_dict's tensors) cost the grader more
    than the round trip to the student's process."""

    __slots__ = ("call", "before")

    def __init__(self, call, before: str = ""):
        self.call, self.before = call, before

    def __str__(self) -> str:
        return self.before + (describe_call(*self.call) if type(self.call) is tuple else str(self.call))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)
