"""Hidden tests of source/devices/devices.ipynb; the oracle is solutions/devices.py.

Device choice is tested on every branch by faking torch.cuda.is_available() and
torch.backends.mps.is_available() in the worker (Student.with_devices) and, for the
oracle, in this process. Moves go to the cpu and to the meta device, which every build has and
which holds no values: it stands in for a GPU, so that code which ignores its device argument,
or names "cuda" itself, earns the same on a grader with a GPU and on one without.
"""
import pytest
import torch

from autograder.checks import expect_tensor, fail, kind_of
from autograder.grading.student_process import StudentCodeError
from solutions import devices as reference

BRANCHES = [(True, False, "cuda"), (True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")]


def reference_choice(monkeypatch, cuda, mps):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    return reference.pick_device()


# The core of a move is landing on the meta device; the same call to the cpu, where the inputs
# already are, is a side test: returning the input unmoved passes it, so it counts only for a
# right answer.
TARGETS = [torch.device("meta"), pytest.param(torch.device("cpu"), marks=pytest.mark.side)]


def expect_on(result, target, what, fix):
    """A tensor on the device argument, or the move that was missed named."""
    if isinstance(result, torch.Tensor) and result.device.type != target.type:
        fail(f"{what}: the result is on {result.device.type}, not on the device argument ({target.type}): {fix}")


def remote_model(student, device_free_layers):
    layers = [student.keep(f"torch.nn.{name}", *args) for name, *args in device_free_layers]
    return layers[0] if len(layers) == 1 else student.keep("torch.nn.Sequential", *layers)


def asks_each_time(student):
    """A choice made once (at import) returns the grading machine's device on every branch: that
    would earn a machine-dependent share of the branches, so it fails each of them, on any machine."""
    chosen = [student.with_devices(cuda=cuda, mps=mps).call("pick_device") for cuda, mps, _ in BRANCHES]
    if all(isinstance(c, torch.device) for c in chosen) and len({c.type for c in chosen}) == 1:
        fail(f"pick_device() returned {chosen[0].type} whatever torch.cuda.is_available() and "
             "torch.backends.mps.is_available() answered: ask both inside the function, each time it runs, and "
             "return the device they point to (a device chosen once, or named outright, does not follow the machine)")


class TestPickDevice:
    @pytest.mark.parametrize("cuda, mps, expected", BRANCHES)
    def test_branch(self, student, monkeypatch, cuda, mps, expected):
        what = f"pick_device() when cuda is {'' if cuda else 'not '}available and mps is {'' if mps else 'not '}available"
        asks_each_time(student)
        result = student.with_devices(cuda=cuda, mps=mps).call("pick_device")
        if not isinstance(result, torch.device):
            fail(f"{what}: expected a torch.device, got {kind_of(result)}")
        wanted = reference_choice(monkeypatch, cuda, mps)
        if result.type != wanted.type:
            hint = {"mps": " (is the mps branch there?)", "cpu": " (is cpu the last resort?)",
                    "cuda": " (is cuda tried first?)"}[wanted.type]
            fail(f"{what}: expected {wanted.type}, got {result.type}{hint}")


class TestToDevice:
    @pytest.mark.parametrize("target", TARGETS, ids=str)
    @pytest.mark.parametrize("shape, dtype", [((5,), torch.float32), ((3, 4), torch.float64), ((2, 2, 3), torch.int64)])
    def test_moves_values(self, student, target, shape, dtype):
        x = (torch.arange(torch.Size(shape).numel()) - 3).reshape(shape).to(dtype)
        what = f"to_device(x, {target.type!r}) for x of shape {shape} and dtype {dtype}"
        result = student.call("to_device", x, target)
        expect_on(result, target, what, "return x.to(device)")
        expect_tensor(result, reference.to_device(x, target), what)
        if target.type == "meta":  # the meta device holds no values: the same x to the cpu shows them
            expect_tensor(student.call("to_device", x, torch.device("cpu")), x,
                          f"to_device(x, 'cpu') for x of shape {shape} and dtype {dtype}: x's values must come along")


class TestModelToDevice:
    @pytest.mark.parametrize("target", TARGETS, ids=str)
    @pytest.mark.parametrize("layers", [[("Linear", 4, 2)], [("Linear", 3, 5), ("ReLU",), ("Linear", 5, 1)],
                                        [("Linear", 3, 4), ("BatchNorm1d", 4)]],
                             ids=["linear", "sequential", "with-buffers"])
    def test_every_parameter_and_buffer_moves(self, student, target, layers):
        device = target
        model = remote_model(student, layers)
        before = student.call(model.attr("state_dict"))
        moved = student.keep("model_to_device", model, device)
        if moved.type_name == "NoneType":
            fail(f"model_to_device(model, {device.type!r}) returned None: return the model")
        after = student.call(moved.attr("state_dict"))
        if type(after) is not dict or set(after) != set(before):
            fail(f"model_to_device(model, {device.type!r}) should return the model, got {moved.type_name}")
        for name, tensor in after.items():
            what = f"{name} after model_to_device(model, {device.type!r})"
            expect_on(tensor, device, what, "model.to(device) moves every parameter and buffer")
            expect_tensor(tensor, reference.to_device(before[name], device), what)
        for name, tensor in student.call(model.attr("state_dict")).items():
            if isinstance(tensor, torch.Tensor) and tensor.device.type != device.type:
                fail(f"model_to_device(model, {device.type!r}) returned a model on {device.type}, but the model "
                     f"passed in stayed where it was ({name} is on {tensor.device.type}): move that model "
                     "(model.to(device)), not a copy of it")


def call_add_on(student, x, y, device, what=None):
    try:
        return student.call("add_on", x, y, device)
    except StudentCodeError as error:
        what = what or f"add_on(x, y, {device.type!r})"
        if "numpy" in error.evalue.lower():
            fail(f"{what} raised {error.ename}: {error.evalue[:80]}: going through NumPy works for tensors on the "
                 "cpu only; the inputs may start on any device: move them with x.to(device), y.to(device) and add with +")
        if "is not on the expected device" in error.evalue or "same device" in error.evalue:
            fail(f"{what} raised {error.ename}: {error.evalue[:80]}: the inputs may start on different devices: "
                 "move both to the device argument first, then add")
        if "cuda" in error.evalue.lower() or "mps" in error.evalue.lower():
            fail(f"add_on(x, y, {device.type!r}) asked for another device ({error.evalue[:80]}): "
                 "use the device argument, not a hard-coded name")
        raise


class TestAddOn:
    @pytest.mark.parametrize("target", TARGETS, ids=str)
    @pytest.mark.parametrize("shape, seed", [((4,), 1), ((3, 3), 2)])
    def test_sum_on_the_device_argument(self, student, target, shape, seed):
        generator = torch.Generator().manual_seed(seed)
        x, y = torch.randn(shape, generator=generator), torch.randn(shape, generator=generator)
        got = call_add_on(student, x, y, target)
        if isinstance(got, torch.Tensor) and got.device.type in ("cuda", "mps") and target.type != got.device.type:
            fail(f"add_on(x, y, {target.type!r}) returned a sum on {got.device.type}: use the device argument, "
                 "not a hard-coded name")
        expect_tensor(got, reference.add_on(x, y, target), f"add_on(x, y, {target.type!r}) for x, y on cpu")

    @pytest.mark.parametrize("x_device, y_device", [("cpu", "meta"), ("meta", "cpu")])
    def test_inputs_on_different_devices(self, student, x_device, y_device):
        """The inputs may start on any device: adding before moving, or through NumPy, fails here."""
        generator = torch.Generator().manual_seed(3)
        x = torch.randn((2, 3), generator=generator).to(x_device)
        y = torch.randn((2, 3), generator=generator).to(y_device)
        target = torch.device("meta")
        what = f"add_on(x, y, 'meta') for x on {x_device} and y on {y_device}"
        got = call_add_on(student, x, y, target, what)
        expect_on(got, target, what, "move both inputs to the device argument, then add")
        expect_tensor(got, torch.empty((2, 3), device="meta"), what)
        # the meta device holds no values: a sum of inputs on the cpu shows them (so returning x earns nothing)
        x, y = torch.randn((2, 3), generator=generator), torch.randn((2, 3), generator=generator)
        on_cpu = "add_on(x, y, 'cpu') for x, y of shape (2, 3) on cpu"
        expect_tensor(call_add_on(student, x, y, torch.device("cpu"), on_cpu), reference.add_on(x, y, "cpu"), on_cpu)
