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

META = torch.device("meta")
BRANCHES = [(True, False, "cuda"), (True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")]


def reference_choice(monkeypatch, preference, cuda, mps):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    return reference.pick_device(preference)


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


PREFERENCES = [("cuda", "mps", "cpu"), ("mps", "cuda", "cpu"), ("mps", "cpu"), ("cuda",), ("cpu", "cuda"), ("mps", "cuda")]


def asks_each_time(student):
    """A choice made once (at import) returns the grading machine's device on every branch: that
    would earn a machine-dependent share of the branches, so it fails each of them, on any machine."""
    chosen = [student.with_devices(cuda=cuda, mps=mps).call("pick_device", ("cuda", "mps", "cpu"))
              for cuda, mps, _ in BRANCHES]
    if all(isinstance(c, torch.device) for c in chosen) and len({c.type for c in chosen}) == 1:
        fail(f"pick_device(('cuda', 'mps', 'cpu')) returned {chosen[0].type} whatever torch.cuda.is_available() and "
             "torch.backends.mps.is_available() answered: ask both inside the function, each time it runs, and "
             "return the device they point to (a device chosen once, or named outright, does not follow the machine)")


class TestPickDevice:
    @pytest.mark.parametrize("preference", PREFERENCES, ids=str)
    @pytest.mark.parametrize("cuda, mps, _", BRANCHES)
    def test_branch(self, student, monkeypatch, preference, cuda, mps, _):
        what = (f"pick_device({preference}) when cuda is {'' if cuda else 'not '}available and mps is "
                f"{'' if mps else 'not '}available")
        asks_each_time(student)
        result = student.with_devices(cuda=cuda, mps=mps).call("pick_device", preference)
        if not isinstance(result, torch.device):
            fail(f"{what}: expected a torch.device, got {kind_of(result)}"
                 + (": when no name of preference is available, return the cpu" if result is None else ""))
        wanted = reference_choice(monkeypatch, preference, cuda, mps)
        if result.type != wanted.type:
            if wanted.type not in preference:
                hint = ": when no name of preference is available, return the cpu"
            elif result.type in preference and preference.index(result.type) > preference.index(wanted.type):
                hint = f": {wanted.type} comes first in preference and is available; follow preference's order"
            else:
                hint = f": {result.type} is not the first available name of preference"
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


MODELS = {"linear": [("Linear", 3, 2)], "sequential": [("Linear", 4, 5), ("ReLU",), ("Linear", 5, 1)],
          "with-buffers": [("Linear", 3, 4), ("BatchNorm1d", 4)]}


def local_model(layers, state):
    """The grader's copy of a model the student's process built: the same layers and state."""
    built = [getattr(torch.nn, name)(*args) for name, *args in layers]
    model = built[0] if len(built) == 1 else torch.nn.Sequential(*built)
    model.load_state_dict(state)
    return model


class TestPredictOn:
    @pytest.mark.parametrize("rows", [5, 1])  # one row too: the output keeps its shape
    @pytest.mark.parametrize("kind", MODELS)
    def test_output_on_the_cpu_without_a_graph(self, student, kind, rows):
        layers = MODELS[kind]
        model = remote_model(student, layers)
        state = student.call(model.attr("state_dict"))
        mine = local_model(layers, state)
        mine.train(student.get(model.attr("training")))
        x = torch.randn((rows, layers[0][1]), generator=torch.Generator().manual_seed(rows * 10 + len(layers)))
        if kind == "with-buffers" and rows == 1:
            student.call(model.attr("eval"))
            mine.eval()  # batch norm in training mode needs more than one row
        what = f"predict_on(model, x, 'cpu') for a {kind} model and x of shape {tuple(x.shape)}"
        kept = student.keep("predict_on", model, x, torch.device("cpu"))
        result = student.get(kept)  # plain data, detached: whether it requires grad is asked where it is
        if isinstance(result, torch.Tensor) and student.get(kept.attr("requires_grad")) is True:
            fail(f"{what}: the output requires grad, so a graph was recorded: compute it under torch.no_grad()")
        expected = reference.predict_on(mine, x, torch.device("cpu"))
        expect_tensor(result, expected, what)

    @pytest.mark.parametrize("kind", MODELS)
    def test_computed_on_the_device(self, student, kind):
        """On meta, which holds no values, the right answer fails in the copy back to the cpu, with the error
        torch gives the grader for the reference: everything before ran on the device."""
        layers = MODELS[kind]
        model = remote_model(student, layers)
        x = torch.randn((3, layers[0][1]), generator=torch.Generator().manual_seed(7))
        expected = meta_error_of(lambda v: reference.predict_on(torch.nn.Linear(v.shape[1], 2), v, META), x)
        what = f"predict_on(model, x, 'meta') for a {kind} model and x on the cpu"
        try:
            result = student.keep("predict_on", model, x, META)
        except StudentCodeError as error:
            if "raise NotImplementedError" in error.where:
                raise  # the release's stub: told as such
            if (error.ename, error.evalue) != expected:
                if "device" in error.evalue:
                    fail(f"{what} raised {error.ename}: {error.evalue[:60]}: the model and x were on different "
                         "devices; move both to the device argument")
                fail(f"{what} raised {error.ename}: {error.evalue[:70]}; expected it to fail only in the copy back "
                     f"to the cpu ({expected[0]}: {expected[1][:40]})")
        else:
            on = student.get(result.attr("device"))
            if isinstance(on, torch.device) and on.type == "meta":
                fail(f"{what} returned the output on meta: bring it back to the cpu (.cpu())")
            fail(f"{what} returned {result.type_name} on the cpu without computing on meta (where the copy back "
                 "fails, as nothing there has values): move the model and x to the device argument")
        for name, tensor in student.call(model.attr("state_dict")).items():
            if isinstance(tensor, torch.Tensor) and tensor.device.type != "meta":
                fail(f"{what}: the model passed in stayed on {tensor.device.type} ({name}): move the model itself "
                     "(model.to(device)), not a copy of it; it stays on the device")


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


# A fake device, built by the grader in the student's process: op() takes 0.25 s a call (the first `slow`
# calls 8 s, a warm-up's cost); on cuda and mps a call only queues its work, which the device's
# synchronize() runs, as a GPU does. The clock is the fake's: what time_per_call returns tells apart
# warm-up, repeats and waiting, by the fake's seconds and not by wall time. torch's synchronize
# functions are the fake's during the call only.
FAKE_DEVICE = '''
def time_on_fake_device(time_per_call, kind, repeats, warmup, slow):
    state = {"now": 100.0, "queued": 0.0, "calls": 0, "log": []}

    def op():
        state["calls"] += 1
        seconds = 8.0 if state["calls"] <= slow else 0.25
        state["log"].append("op")
        if kind == "cpu":
            state["now"] += seconds
        else:
            state["queued"] += seconds

    def clock():
        state["log"].append("clock")
        return state["now"]

    def synchronizer(name):
        def synchronize(*args, **kwargs):
            state["log"].append(name)
            state["now"], state["queued"] = state["now"] + state["queued"], 0.0
        return synchronize

    saved = torch.cuda.synchronize, torch.mps.synchronize, torch.accelerator.synchronize
    torch.cuda.synchronize, torch.mps.synchronize = synchronizer("cuda"), synchronizer("mps")
    torch.accelerator.synchronize = synchronizer("accelerator")
    try:
        result = time_per_call(op, torch.device(kind), repeats, warmup, clock)
    finally:
        torch.cuda.synchronize, torch.mps.synchronize, torch.accelerator.synchronize = saved
    if type(result) not in (int, float):
        result = "not a number: " + type(result).__name__
    return result, state["log"]
'''
SLOW, TIMED = 8.0, 0.25


def timing_on_fake(student, kind, repeats, warmup):
    """(what time_per_call returned, the fake's log of op, clock and synchronize calls)."""
    fake = student.define(FAKE_DEVICE, "time_on_fake_device")
    what = f"time_per_call(op, {kind!r}, repeats={repeats}, warmup={warmup}, clock) on a fake {kind} device"
    try:
        result, log = student.call(fake, student.handle("time_per_call"), kind, repeats, warmup, warmup)
    except StudentCodeError as error:  # told as time_per_call's own error, not the fake's
        raise StudentCodeError(what, {"ename": error.ename, "evalue": error.evalue, "where": error.where}) from None
    return what, result, log


def expect_timing(what, kind, result, log, repeats, warmup):
    waits = [entry for entry in log if entry not in ("op", "clock")]
    own = {"cpu": set(), "cuda": {"cuda", "accelerator"}, "mps": {"mps", "accelerator"}}[kind]
    wrong = [w for w in waits if w not in own]
    if wrong:
        fail(f"{what}: it called torch.{wrong[0]}.synchronize(), which a {kind} device does not need"
             + (" (it raises on a machine without cuda)" if wrong[0] == "cuda" else "")
             + ": wait only where the device needs it, with its own synchronize")
    calls = log.count("op")
    if "clock" in log and log[:log.index("clock")].count("op") < warmup:
        fail(f"{what}: the clock was read after {log[:log.index('clock')].count('op')} calls of op(), so the warm-up "
             f"was timed: call op() warmup = {warmup} times before the first reading of the clock")
    if calls != warmup + repeats:
        fail(f"{what}: op() was called {calls} times, expected warmup + repeats = {warmup + repeats}")
    if "clock" not in log:
        fail(f"{what}: the clock argument was never read: time with clock(), which the checks hand in")
    if not isinstance(result, (int, float)):
        fail(f"{what}: expected the mean seconds per call, a float, got {result}")
    if kind != "cpu" and result == 0:
        fail(f"{what}: 0.0 s per call: the clock was read while the timed calls were still queued; synchronize "
             "before reading it at the end")
    if kind != "cpu" and abs(result - (warmup * SLOW + repeats * TIMED) / repeats) < 1e-9:
        fail(f"{what}: {result:g} s per call counts the warm-up's queued work: synchronize before reading the clock "
             "at the start")
    if abs(result - repeats * TIMED) < 1e-9 and repeats > 1:
        fail(f"{what}: {result:g} s is the total of the {repeats} timed calls: return the mean per call")
    if abs(result - TIMED) > 1e-9:
        fail(f"{what}: each timed call takes {TIMED} s on this fake device, and the {warmup} warm-up calls "
             f"{SLOW:g} s each; got {result:g} s per call: call op() warmup times untimed, then time repeats calls")


class TestTiming:
    @pytest.mark.parametrize("kind", ["cpu", "cuda", "mps"])
    @pytest.mark.parametrize("repeats, warmup", [(5, 2), (3, 1), (8, 3)])
    def test_mean_seconds_per_timed_call(self, student, kind, repeats, warmup):
        what, result, log = timing_on_fake(student, kind, repeats, warmup)
        expect_timing(what, kind, result, log, repeats, warmup)
