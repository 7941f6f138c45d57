"""Hidden tests of source/devices/devices.ipynb; the oracle is solutions/devices.py.

Device choice is tested on every branch by faking torch.cuda.is_available() and
torch.backends.mps.is_available() in the worker (Student.with_devices) and, for the
oracle, in this process. Moves go to the cpu and to the meta device, which every build has and
which holds no values: it stands in for a GPU, so that code which ignores its device argument,
or names "cuda" itself, earns the same on a grader with a GPU and on one without.
"""
import pytest
import torch

from autograder.checks import expect_tensor, fail, kind_of, on_input
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
    @pytest.mark.parametrize("shape, dtype", [((5,), torch.float32), ((3, 4), torch.float64), ((2, 1, 3), torch.int64)])
    def test_moves_values(self, student, target, shape, dtype):
        x = (torch.arange(torch.Size(shape).numel()) - 3).reshape(shape).to(dtype)
        what = f"to_device(x, {target.type!r}) for x of shape {shape} and dtype {dtype}"
        result = student.call("to_device", x, target)
        if target.type == "meta" and isinstance(result, torch.Tensor) and not result.is_meta and result.shape == x.shape \
                and torch.equal(result.cpu(), x):
            fail(f"x itself came back, still on {result.device.type}: x.to(device) returns a moved copy and leaves x "
                 f"where it is; return that copy ({what})")
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
    @pytest.mark.parametrize("shape, seed", [((4,), 1), ((3, 1), 2)])  # a dimension of size 1 too: the shape is kept
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


def call_with_bias_column(student, x, what):
    try:
        return student.call("with_bias_column", x)
    except StudentCodeError as error:
        if "is not on the expected device" in error.evalue or "same device" in error.evalue:
            fail(f"{what} raised {error.ename}: {error.evalue[:70]}: the column of ones was made on another device "
                 "than x (torch.ones makes it on the cpu unless told): make it on x.device")
        raise


class TestBiasColumn:
    @pytest.mark.parametrize("shape, dtype", [((4, 2), torch.float32), ((3, 1), torch.float64), ((2, 5), torch.float16),
                                              ((1, 3), torch.bfloat16)], ids=str)
    def test_x_and_a_column_of_ones(self, student, device, shape, dtype):
        generator = torch.Generator().manual_seed(shape[0] * 10 + shape[1])
        x = (torch.randn(shape, generator=generator) * 4).to(dtype).to(device)
        what = f"with_bias_column(x) for x of shape {shape} and dtype {dtype}"
        with on_input(x=x):
            result = call_with_bias_column(student, x, what)
            expected = reference.with_bias_column(x)
            if isinstance(result, torch.Tensor) and not result.is_meta and tuple(result.shape) == (shape[0] + 1, shape[1]):
                fail(f"the ones were joined below x, as a row (shape {tuple(result.shape)}): join them on the right as a "
                     f"column, torch.cat(..., dim=1) ({what})")
            if isinstance(result, torch.Tensor) and not result.is_meta and tuple(result.shape) == tuple(expected.shape):
                if result.dtype != x.dtype:
                    fail(f"{what}: expected dtype {x.dtype}, got {result.dtype}: a tensor made from nothing is float32 "
                         "unless told, and it changed the result's dtype; make the ones with x's dtype")
                if bool(torch.equal(result[:, 0], torch.ones_like(result[:, 0]))) and bool(
                        torch.equal(result[:, 1:].to(x.device), x)):
                    fail(f"{what}: the ones are the first column; append them on the right, as the last column")
                if not bool((result[:, -1] == 1).all()):
                    fail(f"{what}: the last column should be all 1.0, got {result[:, -1].tolist()}")
            expect_tensor(result, expected, what)

    @pytest.mark.gate
    def test_runs_where_x_is(self, student):
        """A gate: a column made on the cpu joins a cpu x, so the value tests pass on a cpu grader and fail on a
        GPU; on the meta device, which stands in for a GPU, it fails on every grader alike. (The dtype is the
        value tests' to judge, on every grader alike.)"""
        x = torch.empty((5, 3), device="meta")
        what = "with_bias_column(x) for x of shape (5, 3) on the meta device"
        result = call_with_bias_column(student, x, what)
        expect_on(result, x.device, what, "make the column of ones on x.device")
        expect_tensor(result, reference.with_bias_column(x), what, check_dtype=False)


# NumPy arrays do not cross to the grader (only plain data does): the grader looks at the student's
# array in the student's process and brings back a tensor of the same dtype, shape and values.
ARRAY_AS_TENSOR = '''
def array_as_tensor(result):
    import numpy
    kind = type(result)
    if not isinstance(result, numpy.ndarray):
        return "not an array", kind.__name__ if kind.__module__ == "builtins" else kind.__module__ + "." + kind.__qualname__
    try:
        return "an array", torch.from_numpy(numpy.array(result, copy=True))
    except TypeError:
        return "not an array", "a NumPy array of dtype " + str(result.dtype)
'''


def call_to_numpy(student, x, what):
    try:
        array = student.keep("to_numpy", x)
    except StudentCodeError as error:
        if "requires grad" in error.evalue:
            fail(f"{what} raised {error.ename}: {error.evalue[:60]}: x requires grad, so cut it off the graph "
                 "(x.detach()) before NumPy sees it")
        if "to numpy" in error.evalue and "cpu()" in error.evalue:
            fail(f"{what} raised {error.ename}: {error.evalue[:60]}: copy x to the cpu before NumPy sees it")
        raise
    kind, value = student.call(student.define(ARRAY_AS_TENSOR, "array_as_tensor"), array)
    if kind != "an array":
        fail(f"{what}: expected a NumPy array, got {value}" + (": .numpy() turns a cpu tensor into one"
                                                                if value == "torch.Tensor" else ""))
    return value


def meta_error_of(function, x):
    """(name, message) of the error `function(x)` raises, or None."""
    try:
        function(x)
    except Exception as error:  # what torch raises for this call on this device
        return type(error).__name__, str(error)
    return None


class TestToNumpy:
    # (3, 1) and (1, 4): dimensions of size 1, which a squeezed result drops
    @pytest.mark.parametrize("shape, dtype, requires_grad", [((2, 3), torch.float32, True), ((4,), torch.float64, True),
                                                             ((3, 2), torch.float32, False), ((5,), torch.int64, False),
                                                             ((3, 1), torch.float32, True), ((1, 4), torch.float64, False)],
                             ids=str)
    def test_values_shape_and_dtype(self, student, device, shape, dtype, requires_grad):
        generator = torch.Generator().manual_seed(len(shape) * 7 + shape[0])
        x = (torch.randn(shape, generator=generator) * 5).to(dtype).to(device).requires_grad_(requires_grad)
        what = (f"to_numpy(x) for x of shape {shape} and dtype {dtype}"
                + (" that requires grad" if requires_grad else ""))
        got = call_to_numpy(student, x, what)
        expected = x.detach().cpu()
        if isinstance(got, torch.Tensor) and tuple(got.shape) != tuple(expected.shape) and \
                got.numel() == expected.numel() and 1 in expected.shape:
            fail(f"the array has shape {tuple(got.shape)}, expected x's shape {tuple(expected.shape)}: keep every "
                 f"dimension, those of size 1 too (no squeeze() or flatten()); {what}")
        if isinstance(got, torch.Tensor) and got.dtype != expected.dtype:
            fail(f"{what}: the array's dtype is {str(got.dtype).removeprefix('torch.')}, expected "
                 f"{str(expected.dtype).removeprefix('torch.')}: keep x's dtype (a trip through a Python list loses it)")
        expect_tensor(got, expected, what)

    @pytest.mark.gate
    def test_copies_to_the_cpu_before_numpy(self, student):
        """A gate: code that hands NumPy a tensor without copying it to the cpu passes the value tests on a cpu
        grader and fails them on a GPU. On the meta device, which stands in for a GPU and holds no values, the
        right answer fails in the copy to the cpu (torch: "Cannot copy out of meta tensor"): the student's
        answer must fail with the error the grader gets from torch for the reference, on every grader alike."""
        x = torch.empty((2, 3), device="meta", requires_grad=True)
        expected = meta_error_of(reference.to_numpy, x)
        what = "to_numpy(x) for x on the meta device, which stands in for a GPU and holds no values,"
        try:
            result = student.keep("to_numpy", x)
        except StudentCodeError as error:
            if (error.ename, error.evalue) == expected:
                return
            if "to numpy" in error.evalue and "cpu()" in error.evalue:
                fail(f"{what} raised {error.ename}: {error.evalue[:60]}: NumPy got a tensor that is not on the cpu, "
                     "which works on a cpu grader only: copy x to the cpu before NumPy sees it")
            fail(f"{what} raised {error.ename}: {error.evalue[:70]}; expected it to fail only where x is copied to "
                 f"the cpu ({expected[0]}: {expected[1][:40]}): copy x to the cpu, then hand it to NumPy")
        fail(f"{what} returned {result.type_name} without copying x to the cpu (a meta tensor has no values to "
             "give): copy x to the cpu, then hand it to NumPy")
