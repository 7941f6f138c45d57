"""Hidden tests of source/devices/devices.ipynb; the oracle is solutions/devices.py.

Device choice is tested on every branch by faking torch.cuda.is_available() and
torch.backends.mps.is_available() in the worker (Student.with_devices) and, for the
oracle, in this process.
"""
import pytest
import torch

from autograder.checks import expect_tensor, fail, kind_of
from autograder.session import StudentCodeError
from solutions import devices as reference

BRANCHES = [(True, False, "cuda"), (True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")]


def reference_choice(monkeypatch, cuda, mps):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    return reference.pick_device()


def other_device(device):
    """A device other than `device` when the machine has one, so a move is a real move."""
    return torch.device("cpu") if device.type != "cpu" else device


def remote_model(student, device_free_layers):
    layers = [student.keep(f"torch.nn.{name}", *args) for name, *args in device_free_layers]
    return layers[0] if len(layers) == 1 else student.keep("torch.nn.Sequential", *layers)


class TestPickDevice:
    @pytest.mark.parametrize("cuda, mps, expected", BRANCHES)
    def test_branch(self, student, monkeypatch, cuda, mps, expected):
        what = f"pick_device() when cuda is {'' if cuda else 'not '}available and mps is {'' if mps else 'not '}available"
        result = student.with_devices(cuda=cuda, mps=mps).call("pick_device")
        if not isinstance(result, torch.device):
            fail(f"{what}: expected a torch.device, got {kind_of(result)}")
        wanted = reference_choice(monkeypatch, cuda, mps)
        if result.type != wanted.type:
            hint = {"mps": " (is the mps branch there?)", "cpu": " (is cpu the last resort?)",
                    "cuda": " (is cuda tried first?)"}[wanted.type]
            fail(f"{what}: expected {wanted.type}, got {result.type}{hint}")


class TestToDevice:
    @pytest.mark.parametrize("shape, dtype", [((5,), torch.float32), ((3, 4), torch.float64), ((2, 2, 3), torch.int64)])
    def test_moves_values(self, student, device, shape, dtype):
        x = (torch.arange(torch.Size(shape).numel()) - 3).reshape(shape).to(dtype)
        expect_tensor(student.call("to_device", x, device), reference.to_device(x, device),
                      f"to_device(x, {device.type!r}) for x of shape {shape} and dtype {dtype}")

    def test_moves_back(self, student, device):
        x = torch.linspace(-1, 1, 7, device=device)
        target = other_device(device)
        expect_tensor(student.call("to_device", x, target), reference.to_device(x, target),
                      f"to_device(x, {target.type!r}) for x on {device.type}")


class TestModelToDevice:
    @pytest.mark.parametrize("layers", [[("Linear", 4, 2)], [("Linear", 3, 5), ("ReLU",), ("Linear", 5, 1)]],
                             ids=["linear", "sequential"])
    def test_every_parameter_moves(self, student, device, layers):
        model = remote_model(student, layers)
        before = student.call(model.attr("state_dict"))
        moved = student.keep("model_to_device", model, device)
        if moved.type_name == "NoneType":
            fail(f"model_to_device(model, {device.type!r}) returned None: return the model")
        after = student.call(moved.attr("state_dict"))
        if type(after) is not dict or set(after) != set(before):
            fail(f"model_to_device(model, {device.type!r}) should return the model, got {moved.type_name}")
        for name, tensor in after.items():
            expect_tensor(tensor, reference.to_device(before[name], device),
                          f"parameter {name} after model_to_device(model, {device.type!r})")


def call_add_on(student, x, y, device):
    try:
        return student.call("add_on", x, y, device)
    except StudentCodeError as error:
        if "cuda" in error.evalue.lower() or "mps" in error.evalue.lower():
            fail(f"add_on(x, y, {device.type!r}) asked for a device this machine does not have ({error.evalue[:80]}): "
                 "use the device argument, not a hard-coded name")
        raise


class TestAddOn:
    @pytest.mark.parametrize("shape, seed", [((4,), 1), ((3, 3), 2)])
    def test_result_lives_on_the_chosen_device(self, student, device, shape, seed):
        generator = torch.Generator().manual_seed(seed)
        x, y = torch.randn(shape, generator=generator), torch.randn(shape, generator=generator)
        expect_tensor(call_add_on(student, x, y, device), reference.add_on(x, y, device),
                      f"add_on(x, y, {device.type!r}) for x, y on cpu")

    def test_follows_the_device_argument(self, student, device):
        x, y = torch.arange(5.0, device=device), torch.ones(5, device=device)
        target = other_device(device)
        expect_tensor(call_add_on(student, x, y, target), reference.add_on(x, y, target),
                      f"add_on(x, y, {target.type!r}): the device argument decides, not a hard-coded name")
