"""The one place that chooses the grading device: cuda, else mps, else cpu.

`KIT_DEVICE=cpu` (or cuda, mps) overrides the choice, for example to grade on the CPU
of a GPU machine. `KIT_SIMULATED_DEVICE=meta`, for the kit's own tests, grades as a GPU grader
would on any machine: tensors that student code makes without a device, in a call on the grader's
tensors from a hidden test that takes the grading device, land on `meta`
(autograder/sandbox/inside/other_device.py).
"""
import contextlib
import contextvars
import os

import torch


def available(kind: str) -> bool:
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        return getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    return kind == "cpu"


def grading_device() -> torch.device:
    wanted = os.environ.get("KIT_DEVICE")
    if wanted:
        if not available(wanted):
            raise RuntimeError(f"KIT_DEVICE={wanted} but no {wanted} device is available here")
        return torch.device(wanted)
    for kind in ("cuda", "mps"):
        if available(kind):
            return torch.device(kind)
    return torch.device("cpu")


# True while a hidden test that takes the grading device (the `device` fixture) runs: only its
# inputs are where a GPU grader's would be; other tests' inputs are on the cpu on every machine.
_ON_THE_GRADING_DEVICE = contextvars.ContextVar("on_the_grading_device", default=False)


@contextlib.contextmanager
def on_the_grading_device():
    token = _ON_THE_GRADING_DEVICE.set(True)
    try:
        yield
    finally:
        _ON_THE_GRADING_DEVICE.reset(token)


def simulated_device() -> str | None:
    """The device that KIT_SIMULATED_DEVICE names (only `meta`, which every machine has) while a
    test on the grading device runs, or None."""
    wanted = os.environ.get("KIT_SIMULATED_DEVICE")
    if wanted and wanted != "meta":
        raise RuntimeError(f"KIT_SIMULATED_DEVICE={wanted}: only meta is simulated")
    return wanted if wanted and _ON_THE_GRADING_DEVICE.get() else None
