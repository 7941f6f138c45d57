"""The one place that chooses the grading device: cuda, else mps, else cpu.

`KIT_DEVICE=cpu` (or cuda, mps) overrides the choice, for example to grade on the CPU
of a GPU machine.
"""
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
