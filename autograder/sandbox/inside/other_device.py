"""A simulated second device, for the kit's own tests: a cpu grader grades a call as a GPU grader would.

On a GPU grader the hidden tests' inputs are on cuda while the student process's default device is
the cpu, so a tensor that an answer makes without `device=` (`torch.zeros(p.shape)`, `torch.randn(n)`,
`nn.Linear(...)`) lands apart from its inputs. With `KIT_SIMULATED_DEVICE=meta` (read by the grader:
autograder/grading/device.py, which asks for it in the calls of hidden tests that take the grading
device) the inputs stay on the cpu and, while such a call runs whose arguments hold a tensor off
`meta` (in a list, a dict, a module's parameters, the module of a bound method), such tensors land
on `meta` instead (`OtherDevice`, as torch's own `torch.device` context does).

What it mirrors (see docs/accuracy.md, "The same grade on a simulated other device"):
- a 0-d tensor (`torch.tensor(2.0)`) stays on the cpu: cuda accepts cpu scalars in its operations;
- a tensor made from a `generator=` is made where the generator is (torch requires it on every machine);
- a call whose tensors are all on `meta` (a hidden test's meta gate) makes its tensors on the cpu, apart
  from its inputs, as a GPU grader would.
What it cannot: the inputs are on the cpu, so NumPy works on them (`x.numpy()`, `torch.from_numpy`)
where a GPU grader's would raise (the hidden tests' meta gates grade that); `meta` holds no values,
so a tensor made here and then moved to the inputs' device, or read (`.item()`), raises, and a `meta`
index into a cpu tensor (which cuda accepts from the cpu) reads no right values; some
operations that cuda refuses across devices `meta` lets through (`cpu += meta`, `meta @ cpu`), though
their results are then wrong or on `meta`, which the checks fail.

A test tool, not a security measure: student code can leave the mode. Without the grader's request
field (the variable unset) nothing here runs.
"""
import contextlib

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._device import _device_constructors

DEVICES = ("meta",)  # the devices a grader may ask for: present on every machine


class OtherDevice(TorchFunctionMode):
    """Tensors made without a device, other than 0-d ones, land on `device`."""

    def __init__(self, device: str):
        super().__init__()
        self.device = torch.device(device)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        # a factory given a generator makes its tensor on the generator's device, as torch demands
        # on every machine (`torch.randperm(n, generator=cpu_generator)` is on the cpu on a GPU grader too)
        if func in _device_constructors() and kwargs.get("device") is None and kwargs.get("generator") is None \
                and not _tensors(args):
            made = func(*args, **{**kwargs, "device": self.device})
            # a 0-d tensor is made again on the default device: cuda accepts it from the cpu
            return func(*args, **kwargs) if isinstance(made, torch.Tensor) and made.dim() == 0 else made
        return func(*args, **kwargs)


def _tensors(value, depth: int = 0) -> list:
    """The tensors that `value` holds: itself, its items, a module's parameters and buffers."""
    if depth > 4:
        return []
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, torch.nn.Module):
        return [*value.parameters(), *value.buffers()]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v, depth + 1)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v, depth + 1)]
    if isinstance(getattr(value, "__self__", None), torch.nn.Module):  # a bound method of a module
        return _tensors(value.__self__, depth + 1)
    return []


def simulated(device, target, args, kwargs):
    """The context to run a call in: `OtherDevice(device)` where the grader asked for it and the
    call's inputs hold a tensor off `meta`, else nothing."""
    if device not in DEVICES:
        return contextlib.nullcontext()
    inputs = _tensors([target, list(args), dict(kwargs)])
    if not any(t.device.type != "meta" for t in inputs):
        return contextlib.nullcontext()
    return OtherDevice(device)

