"""Hidden tests of source/training/training.ipynb; the oracle is solutions/training.py.

The training loop is graded by training the student's loop and the oracle's from the same
initial weights on the same hidden data, and comparing the loss and parameter trajectories.
When they differ, the oracle is rerun with typical mistakes to name the likely one. The model
is a network of the grader's own (GRADER_NETWORK), defined in the worker by the grader, so the
student's copy of the given class does not count here, and no reference code reaches the worker.
"""
import math

import pytest
import torch

from autograder.checks import (computed_once, expect_finite, expect_int, expect_number, expect_property,
                               expect_python_float, expect_sequence, expect_tensor, expect_tensor_like, fail,
                               kind_of, on_input)
from autograder.grading.student_process import StudentCodeError
from autograder.grading.rules import Rule
from solutions import training as reference


def hidden_data(seed, device, n=64):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 1, generator=generator) * 1.5
    Y = 3 * X + 2 + 0.1 * torch.randn(n, 1, generator=generator)
    return X.to(device), Y.to(device)


# The network that train and evaluate are graded with: not the lesson's ANN (the answer of a task in
# ann, which the student's process must not be sent), one source run there and here.
GRADER_NETWORK = """
class GraderNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(1, 4)
        self.outer = nn.Linear(4, 1)

    def forward(self, x):
        return self.outer(torch.tanh(self.inner(x))) + 0.5 * x
"""


def grader_network():
    """A new GraderNetwork, here."""
    namespace = {"torch": torch, "nn": torch.nn}
    exec(GRADER_NETWORK, namespace)
    return namespace["GraderNetwork"]()


def initial_weights(seed):
    torch.manual_seed(seed)
    return grader_network().state_dict()


def hidden_case(seed, device, n=64):
    """The starting weights and the data of hidden case `seed`: (weights, X, Y)."""
    return (initial_weights(seed), *hidden_data(seed + 100, device, n))


@computed_once
def oracle_run(seed, device, n, lr, epochs, batch_size, mistake=None):
    """The reference loop on hidden case `seed`, its generator seeded `seed`, or the loop with a typical `mistake`
    ("no zero_grad", "no step", "no shuffle", "shuffled once", "drops the last batch", "one batch"): (losses, final
    state). Computed once per grading run."""
    weights, X, Y = hidden_case(seed, device, n)
    model = grader_network().to(device)
    model.load_state_dict(weights)
    generator = torch.Generator().manual_seed(seed)
    if mistake is None:
        return tuple(reference.train(model, X, Y, lr, epochs, batch_size, generator)), model.state_dict()
    criterion, optimizer, losses = torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=lr), []
    orders = [torch.randperm(n, generator=generator) for _ in range(epochs)]
    for epoch in range(epochs):
        order = {"no shuffle": torch.arange(n), "shuffled once": orders[0]}.get(mistake, orders[epoch])
        size = n if mistake == "one batch" else batch_size
        stop = n - n % size if mistake == "drops the last batch" else n
        for start in range(0, stop, size):
            rows = order[start:start + size].to(device)
            if mistake != "no zero_grad":
                optimizer.zero_grad()
            loss = criterion(model(X[rows]), Y[rows])
            loss.backward()
            if mistake != "no step":
                optimizer.step()
            losses.append(loss.item())
    return tuple(losses), model.state_dict()


def close(a, b, tol=1e-3):
    return len(a) == len(b) and all(abs(x - y) <= tol * max(1.0, abs(y)) for x, y in zip(a, b))


MISTAKES = {
    "no zero_grad": "the losses match a loop that never resets the gradients: call optimizer.zero_grad() before "
                    "each step",
    "no step": "the loss never changes, so the parameters never move: is optimizer.step() called after "
               "loss.backward()? (p = p - lr * p.grad in a loop only rebinds the name p; the parameter stays as it was)",
    "no shuffle": "the losses match batches taken in the data's order: shuffle with torch.randperm(n, "
                  "generator=generator) at the start of each epoch",
    "shuffled once": "the losses match one permutation drawn once and used every epoch: draw a new one at the start "
                     "of each epoch",
    "one batch": "the losses match one step per epoch on all the examples: take batch_size examples per step",
}


def diagnose(losses, moved, seed, device, n, lr, epochs, batch_size) -> str:
    """A guess at the mistake behind a wrong loss trajectory, in the student's terms; `moved`: whether
    the parameters of the model passed in changed."""
    steps = math.ceil(n / batch_size)
    if len(losses) == epochs * (n // batch_size) and n % batch_size:
        return (f"{len(losses)} losses where {epochs} epochs of {steps} steps give {epochs * steps}: the last, smaller "
                f"batch of {n % batch_size} examples is dropped (it is a step too)")
    if len(losses) == epochs and steps > 1:
        return (f"{epochs} losses, one per epoch: the task asks for the loss of every step, {steps} steps per epoch "
                f"({epochs * steps} in all)")
    if len(losses) != epochs * steps:
        return f"expected {epochs * steps} losses ({epochs} epochs of {steps} steps), got {len(losses)}"
    for mistake, words in MISTAKES.items():
        if close(losses, oracle_run(seed, device, n, lr, epochs, batch_size, mistake)[0]):
            return words
    if not moved:
        return ("the parameters of the model passed to train did not change: train that model in place, not a new "
                "ANN() made inside train or the notebook's global model")
    for other in (0.001, 0.1, 0.01):
        if other != lr and close(losses, oracle_run(seed, device, n, other, epochs, batch_size)[0]):
            return f"the losses match learning rate {other}, not lr={lr}: pass lr to optim.SGD"
    first = oracle_run(seed, device, n, lr, epochs, batch_size)[0][0]
    if abs(losses[0] - first) > 1e-3 * max(1.0, first):
        return (f"the first loss is {losses[0]:.5g}, expected {first:.5g}: the mean squared error (nn.MSELoss()) of "
                "the first batch, recorded with loss.item() before the step")
    return "the losses drift away from the expected ones: check the order zero_grad, forward, loss, backward, step"


# Wraps a model to record the examples of each training forward pass (with autograd on: a pass for a printout
# under torch.no_grad() is not a step), as plain numbers the grader maps back to rows of X.
BATCH_RECORDER = """
class BatchRecorder(nn.Module):
    is_grad_enabled = staticmethod(torch._C.is_grad_enabled)

    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.batches = []

    def forward(self, x):
        if BatchRecorder.is_grad_enabled():
            self.batches.append(x.detach().cpu().flatten().tolist())
        return self.inner(x)
"""


def seeded_generator(student, seed):
    """A torch.Generator seeded `seed`, made in the student's process (a generator is no plain data)."""
    generator = student.keep("torch.Generator")
    student.call(generator.attr("manual_seed"), seed)
    return generator


def call_train(student, what, model, X, Y, lr, epochs, batch_size, seed):
    try:
        return student.call("train", model, X, Y, lr, epochs, batch_size, seeded_generator(student, seed))
    except StudentCodeError as error:
        if "does not require grad" in error.evalue:
            fail(f"{what}: loss.backward() found no graph to differentiate: is the training inside "
                 "torch.no_grad()? Only evaluation belongs there")
        raise


def recorded_batches(student, seed, device, n, batch_size, epochs):
    """The rows of X each training step of `train` saw, in order, through a BatchRecorder around the model."""
    weights, X, Y = hidden_case(seed, device, n)
    what = f"train(model, X, Y, lr=0.01, epochs={epochs}, batch_size={batch_size}, generator) for n={n} examples"
    recorder = student.keep(student.define(BATCH_RECORDER, "BatchRecorder"), remote_model(student, weights, device))
    with on_input(X=X, batch_size=batch_size):
        call_train(student, what, recorder, X, Y, 0.01, epochs, batch_size, seed)
        batches = student.get(recorder.attr("batches"))
        if type(batches) is not list or len(batches) > 10 * epochs * n or not all(
                type(b) is list and all(type(v) is float for v in b) for b in batches):
            fail(f"{what}: the batches the model saw could not be read back")
        rows = {v: i for i, v in enumerate(X.cpu().flatten().tolist())}
        if any(v not in rows for b in batches for v in b):
            fail(f"{what}: the model saw examples that are not rows of the X passed to train (the notebook's global "
                 "X?): train on the X and Y given")
    return what, [[rows[v] for v in b] for b in batches]


# Wraps a model to record, at each forward pass, whether autograd was recording (grad mode on, or
# an output that requires grad) and the rows it was given: how `evaluate` computed its predictions, not only
# what they are.
# Defined before the answer cell runs alone (EVALUATE_RULE), with torch's own functions saved then,
# so that nothing the student's code patches (torch.is_grad_enabled, Tensor.requires_grad) is asked.
GRAD_MODE_PROBE = """
class GradModeProbe(nn.Module):
    is_grad_enabled = staticmethod(torch._C.is_grad_enabled)
    requires_grad = staticmethod(torch._C.TensorBase.requires_grad.__get__)

    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.recording = []
        self.rows = []

    def forward(self, x):
        out = self.inner(x)
        self.rows.append(len(x))
        self.recording.append(bool(GradModeProbe.is_grad_enabled() or GradModeProbe.requires_grad(out)))
        return out
"""
EVALUATE_RULE = Rule("evaluate", None, "call the model inside torch.no_grad()")


def remote_model(student, weights, device):
    model = student.keep(student.define(GRADER_NETWORK, "GraderNetwork"))
    student.call(model.attr("load_state_dict"), weights)
    student.call(model.attr("to"), device)
    return model


class TestData:
    @staticmethod
    def data(student, n, seed=0):
        """make_data(n) as a pair of float32 tensors of shape (n, 1), or a failed check."""
        what = f"make_data({n})"
        got = expect_sequence(student.with_seed(seed).call("make_data", n), 2, what, "a pair (X, Y)")
        like = torch.zeros(n, 1)
        return [expect_tensor_like(t, like, f"{what}: {name}", check_device=False) for name, t in zip("XY", got)]

    @pytest.mark.parametrize("n", [5, 37])
    def test_shapes_and_dtype(self, student, n):
        self.data(student, n)

    def test_distribution(self, student):
        """X standard normal and Y = 3X + 2 + 0.1 noise, the noise standard normal: means, standard
        deviations, and the share within one standard deviation (68% for a normal draw, 58% for a uniform one)."""
        X, Y = self.data(student, 4000)
        residual = Y - (3 * X + 2)
        hint = ": X = torch.randn(n, 1), Y = 3 * X + 2 + 0.1 * torch.randn(n, 1)"
        for name, value, want, tolerance in [("X's mean", X.mean(), 0.0, 0.06), ("X's standard deviation", X.std(), 1.0, 0.06),
                                             ("the noise's mean", residual.mean(), 0.0, 0.01),
                                             ("the noise's standard deviation", residual.std(), 0.1, 0.01),
                                             ("the share of X within one standard deviation of 0 (standard normal: 0.683)",
                                              (X.abs() < 1).double().mean(), 0.683, 0.035),
                                             ("the share of the noise within 0.1 of 0 (0.1 times a standard normal: 0.683)",
                                              (residual.abs() < 0.1).double().mean(), 0.683, 0.035)]:
            expect_number(value, want, f"make_data(4000): {name}{hint}", rtol=0, atol=tolerance)

    def test_noise_is_another_draw(self, student):
        """The noise is "another standard-normal draw": independent of X, not X's draw reused."""
        X, Y = self.data(student, 4000)
        residual = (Y - (3 * X + 2)).double().flatten()
        x = X.double().flatten()
        spread = expect_finite(residual.std(), "make_data(4000): the noise's standard deviation")
        expect_property(spread > 0.01, "make_data(4000)", f"Y = 3 * X + 2 exactly (the noise's standard deviation is "
                        f"{spread:.3g}): add 0.1 * torch.randn(n, 1)")
        correlation = expect_finite(torch.corrcoef(torch.stack([x, residual]))[0, 1], "make_data(4000): the noise's "
                                    "correlation with X")
        expect_property(abs(correlation) < 0.1, "make_data(4000)",
                        f"the noise follows X (correlation {correlation:.2f}): it reuses X's draw; the noise is another "
                        "draw, a second torch.randn(n, 1)")

    @pytest.mark.side
    def test_random_each_call(self, student):
        first, second = self.data(student, 6, seed=1), self.data(student, 6, seed=2)
        expect_property(not torch.equal(first[0], second[0]), "make_data(6)",
                        "it returned the same X twice: draw it with torch.randn each call")


class TestTrain:
    @pytest.mark.parametrize("seed, n, batch_size, epochs, lr", [(1, 10, 4, 3, 0.05), (2, 12, 5, 2, 0.1),
                                                                  (3, 8, 8, 4, 0.05), (4, 7, 1, 2, 0.02)],
                             ids=["4-of-10", "5-of-12", "full-batch", "batch-of-1"])
    def test_trajectory_matches_the_reference(self, student, device, seed, n, batch_size, epochs, lr):
        """The losses and the final parameters, against the reference from the same weights and generator seed."""
        weights, X, Y = hidden_case(seed, device, n)
        model = remote_model(student, weights, device)
        what = f"train(model, X, Y, lr={lr}, epochs={epochs}, batch_size={batch_size}, generator) for n={n} examples"
        steps = epochs * math.ceil(n / batch_size)
        with on_input(X=X, Y=Y):
            losses = call_train(student, what, model, X, Y, lr, epochs, batch_size, seed)
            if type(losses) not in (list, tuple):
                fail(f"{what}: expected a list of {steps} losses (floats), got {kind_of(losses)}")
            losses = [expect_finite(v, f"{what}: the loss of step {step + 1}") for step, v in enumerate(losses)]
            want_losses, want_state = oracle_run(seed, device, n, lr, epochs, batch_size)
            state = student.call(model.attr("state_dict"))
            if not close(losses, want_losses):
                moved = type(state) is not dict or any(
                    not isinstance(state.get(k), torch.Tensor) or state[k].shape != t.shape or state[k].is_meta
                    or not torch.equal(state[k].detach().cpu(), t.cpu()) for k, t in weights.items())
                fail(f"{what}: {diagnose(losses, moved, seed, device, n, lr, epochs, batch_size)}")
            if type(state) is not dict:
                fail(f"{what}: the model's state_dict() is no longer a dict of tensors")
            for name, tensor in want_state.items():
                expect_tensor(state.get(name), tensor, f"{what}: parameter {name} after training", rtol=1e-3,
                              atol=1e-4)

    @pytest.mark.parametrize("n, batch_size", [(10, 4), (9, 3)], ids=["4-of-10", "3-of-9"])
    def test_every_example_once_per_epoch_in_batches(self, student, device, n, batch_size):
        """"take the examples ... batch_size at a time (the last batch smaller ...)": the batches each epoch, from
        what the model saw."""
        epochs = 2
        what, batches = recorded_batches(student, 5, device, n, batch_size, epochs)
        sizes = [len(b) for b in batches]
        per_epoch = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        if sizes == [batch_size] * (n // batch_size) * epochs and n % batch_size:
            fail(f"{what}: the last, smaller batch of {n % batch_size} examples is dropped: it is a step too (batches "
                 f"of {per_epoch} each epoch)")
        expect_property(sizes == per_epoch * epochs, what, f"expected {epochs} epochs of batches of {per_epoch} "
                        f"examples, one step each, got batches of {sizes}")
        for epoch in range(epochs):
            seen = sum(batches[epoch * len(per_epoch):(epoch + 1) * len(per_epoch)], [])
            expect_property(sorted(seen) == list(range(n)), what, f"epoch {epoch + 1} saw the rows {sorted(seen)}: "
                            "every example once per epoch (take them in the order of one permutation)")

    def test_a_new_order_each_epoch_from_the_generator(self, student, device):
        """"at the start of each epoch, draw the order ... with torch.randperm(n, generator=generator)"."""
        n, batch_size, epochs, seed = 10, 4, 3, 6
        what, batches = recorded_batches(student, seed, device, n, batch_size, epochs)
        seen = sum(batches, [])
        generator = torch.Generator().manual_seed(seed)
        want = [torch.randperm(n, generator=generator).tolist() for _ in range(epochs)]
        expect_property(len(seen) == n * epochs, what, f"expected {n * epochs} examples seen in {epochs} epochs, "
                        f"got {len(seen)}")
        orders = [seen[e * n:(e + 1) * n] for e in range(epochs)]
        expect_property(orders[0] != list(range(n)), what, "the examples are taken in the data's order: shuffle "
                        "them with torch.randperm(n, generator=generator)")
        expect_property(not all(order == orders[0] for order in orders), what, "every epoch sees the examples in "
                        "the same order: draw a new permutation at the start of each epoch")
        expect_property(orders == want, what, f"the orders are not those torch.randperm(n, generator=generator) "
                        f"draws, one per epoch (epoch 1: {orders[0]}, expected {want[0]}): shuffle with the "
                        "generator passed in")

    @pytest.mark.side
    def test_each_loss_is_a_python_float(self, student, device):
        """The task: the loss values are `loss.item()`, Python floats (not tensors holding a graph)."""
        weights, X, Y = hidden_case(7, device, n=6)
        what = "train(model, X, Y, lr=0.01, epochs=1, batch_size=4, generator) for n=6 examples"
        losses = expect_sequence(call_train(student, what, remote_model(student, weights, device), X, Y, 0.01, 1, 4,
                                            7), 2, what, "2 loss values")
        for step, loss in enumerate(losses):
            expect_python_float(loss, f"{what}: the loss of step {step + 1} (loss.item())")


class TestEvaluate:
    @pytest.mark.parametrize("seed, n, batch_size", [(5, 20, 6), (6, 12, 12)], ids=["6-of-20", "all-at-once"])
    def test_predictions_without_a_graph(self, student, device, seed, n, batch_size):
        """The predictions, and how they were made: no graph recorded inside the forward pass."""
        weights, X, _ = hidden_case(seed, device, n=n)
        what = f"evaluate(model, X, {batch_size}) for X of {n} rows"
        student = student.alone(EVALUATE_RULE, GradModeProbe=GRAD_MODE_PROBE)  # the answer cell alone
        probe = student.keep(student.defined["GradModeProbe"], remote_model(student, weights, device))
        predictions = student.keep("evaluate", probe, X, batch_size)
        local = grader_network().to(device)
        local.load_state_dict(weights)
        got = student.get(predictions)  # (a notebook's global X is a name from outside the answer cell: refused)
        # the device is graded on meta below, alike on every grader
        with on_input(X=X):
            expect_tensor(got, reference.evaluate(local, X, batch_size), what, check_device=False)
        if student.get(predictions.attr("requires_grad")) is not False:
            fail(f"{what}: the predictions still require gradients: compute them inside torch.no_grad()")
        recording = student.get(probe.attr("recording"))
        expect_property(type(recording) is list and len(recording) > 0, what,
                        "the model passed in was never called: predict with model(X)")
        expect_property(not any(recording), what,
                        "a forward pass ran with autograd on (a graph was recorded and detached afterwards): call "
                        "the model inside torch.no_grad()")

    @pytest.mark.parametrize("n, batch_size", [(20, 6), (9, 3), (5, 8)], ids=["6-of-20", "3-of-9", "more-than-n"])
    def test_batch_size_rows_at_a_time(self, student, device, n, batch_size):
        """"`batch_size` rows at a time ... the last one smaller": the rows of each forward pass."""
        weights, X, _ = hidden_case(8, device, n=n)
        what = f"evaluate(model, X, {batch_size}) for X of {n} rows"
        student = student.alone(EVALUATE_RULE, GradModeProbe=GRAD_MODE_PROBE)
        probe = student.keep(student.defined["GradModeProbe"], remote_model(student, weights, device))
        student.call("evaluate", probe, X, batch_size)
        rows = student.get(probe.attr("rows"))
        want = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        if rows == [n] and want != [n]:
            fail(f"{what}: one forward pass on all {n} rows: predict batch_size = {batch_size} rows at a time")
        if rows == want[:-1] and n % batch_size:
            fail(f"{what}: the last, smaller batch of {n % batch_size} rows is left out")
        expect_property(rows == want, what, f"expected forward passes on {want} rows, got {rows}")

    @pytest.mark.side
    def test_predictions_stay_on_the_models_device(self, student):
        """On the meta device, a stand-in for a GPU that every grader has, the predictions stay
        where the model and X are."""
        model = student.keep(student.define(GRADER_NETWORK, "GraderNetwork"))
        student.call(model.attr("to"), torch.device("meta"))
        X = torch.empty(7, 1, device="meta")
        what = "evaluate(model, X, 3) for a model and X on the meta device (a stand-in for a GPU)"
        try:
            got = student.call("evaluate", model, X, 3)
        except StudentCodeError as error:
            fail(f"{what} failed ({error.evalue[:80]}): leave the model and X where they are and call model(X)")
        expect_tensor(got, torch.empty(7, 1, device="meta"), what)


def least_squares_floor(X, Y) -> float:
    """The noise floor, computed here in float64: the mean squared error of the least-squares line."""
    X, Y = X.double().cpu(), Y.double().cpu()
    A = torch.cat([X, torch.ones_like(X)], dim=1)
    return ((A @ torch.linalg.lstsq(A, Y).solution - Y) ** 2).mean().item()


def line_data(seed, n, slope, intercept, spread, x_mean=0.0):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 1, generator=generator) * 1.5 + x_mean
    return X, slope * X + intercept + spread * torch.randn(n, 1, generator=generator)


def name_floor_mistakes(got, X, Y, what):
    """The usual mistakes, named before the comparison that grades."""
    want, n = least_squares_floor(X, Y), len(X)
    Xd, Yd = X.double(), Y.double()
    candidates = [
        (((3 * Xd + 2 - Yd) ** 2).mean().item(), "the mean squared error of the line 3X + 2; the data follow another "
         "line: fit a and b to them"),
        (((Yd - Yd.mean()) ** 2).mean().item(), "the error of the flat line at Y's mean (Y's variance): the best line has a "
         "slope a too"),
        (((Yd - Xd * ((Xd * Yd).sum() / (Xd * Xd).sum())) ** 2).mean().item(), "the error of the best line through the "
         "origin: the line aX + b has an intercept b too (a column of ones)"),
        (want ** 0.5, "the root of the mean squared error: the floor is the mean squared error itself, no square root"),
        (want * n / (n - 1), f"the sum divided by n - 1 = {n - 1}: a mean over the n = {n} examples divides by n"),
        (want * n / (n - 2), f"the sum divided by n - 2 = {n - 2}: a mean over the n = {n} examples divides by n"),
    ]
    for value, words in candidates:
        if abs(got - value) <= 1e-3 * abs(value) and abs(value - want) > 1e-2 * want:
            fail(f"{what}: {got:.5g} is {words}")


class TestNoiseFloor:
    @pytest.mark.parametrize("seed, n, slope, intercept, spread, x_mean", [
        (1, 100, 3.0, 2.0, 0.1, 0.0), (2, 40, -2.0, 5.0, 0.3, 0.0), (3, 25, 0.5, -1.0, 1.0, 3.0),
        (4, 200, 0.0, 0.5, 0.2, -2.0)], ids=["lesson", "falling", "off-centre", "flat"])
    def test_least_squares_error(self, student, seed, n, slope, intercept, spread, x_mean):
        X, Y = line_data(seed, n, slope, intercept, spread, x_mean)
        what = f"noise_floor(X, Y) for {n} points around Y = {slope:g}X + {intercept:g}"
        got = expect_python_float(student.call("noise_floor", X, Y), what)
        name_floor_mistakes(got, X, Y, what)
        expect_number(got, least_squares_floor(X, Y), what, rtol=1e-3, atol=1e-7, sizes={"n": n})

    @pytest.mark.side
    def test_points_on_a_line(self, student):
        X = torch.linspace(-3, 5, 11).view(11, 1)
        what = "noise_floor(X, Y) for points exactly on the line Y = -1.5X + 4"
        got = expect_python_float(student.call("noise_floor", X, -1.5 * X + 4), what)
        expect_number(got, 0.0, f"{what} (no line can do better than 0)", rtol=0, atol=1e-6)


# The grader's starts (schedule_starts): slow ones, among the 15% of starts from which every typical wrong schedule of
# benchmarks/schedule_rates.py fails; the reference meets the rule from every start measured (docs/accuracy.md).
SCHEDULE_STARTS = (9, 23, 26)
SCHEDULE_WINDOW, SCHEDULE_MARGIN = 100, 1.5  # the task's words: each of the last 100 losses at most 1.5 x the floor


def schedule_starts(starts):
    """The reference network's initial weights and the data of each start, stacked along a first dimension:
    start s is torch.manual_seed(100 + s) then ANN(), on 100 examples of 3X + 2 + 0.1 noise drawn from a
    generator seeded 200 + s. Returns ([W1, b1, W2, b2], X, Y)."""
    weights, X, Y = [], [], []
    for start in starts:
        torch.manual_seed(100 + start)
        model = reference.ANN()
        weights.append([model.hidden_layer.weight, model.hidden_layer.bias.view(1, -1),
                        model.output_layer.weight, model.output_layer.bias.view(1, -1)])
        generator = torch.Generator().manual_seed(200 + start)
        X.append(torch.randn(100, 1, generator=generator))
        Y.append(3 * X[-1] + 2 + 0.1 * torch.randn(100, 1, generator=generator))
    return [torch.stack(column).detach() for column in zip(*weights)], torch.stack(X), torch.stack(Y)


SCHEDULE_CHUNK = 100  # epochs: the trajectories of one learning rate are computed, and kept, this many at a time


@computed_once
def schedule_data(starts):
    """schedule_starts(starts), once per grading run."""
    return schedule_starts(starts)


@computed_once
def schedule_prefix(starts, lr, chunks):
    """The first chunks * SCHEDULE_CHUNK epochs of the reference loop (full-batch SGD on the MSE) with rate `lr`
    from every start at once, on the cpu (the same on any grader): each start's loss moves only its own slice of
    the stacked weights. Returns the losses, of shape (epochs, starts), and the weights after them. Each prefix
    goes on from the one before, so the students of a run who choose the same rate pay once for their epochs,
    however many each chose."""
    (W1, b1, W2, b2), X, Y = schedule_data(starts)
    if chunks == 0:
        return torch.empty(0, len(starts)), (W1, b1, W2, b2)
    before, weights = schedule_prefix(starts, lr, chunks - 1)
    W1, b1, W2, b2 = (w.clone() for w in weights)  # what computed_once keeps is not modified
    losses = torch.empty(SCHEDULE_CHUNK, len(starts))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tensors this small: a second thread only adds overhead (about 2x slower here)
    try:
        for epoch in range(SCHEDULE_CHUNK):
            # the gradients of each start's MSE written out: autograd and an optimizer took 4 times as long on
            # tensors this small, for the same steps (p -= lr * gradient, as optim.SGD takes them)
            hidden = X @ W1.mT + b1
            active = torch.relu(hidden)
            error = active @ W2.mT + b2 - Y
            losses[epoch] = (error ** 2).mean(dim=(1, 2))
            d_out = 2 * error / X.shape[1]
            d_hidden = (d_out @ W2) * (hidden > 0)
            W2 -= lr * (d_out.mT @ active)
            b2 -= lr * d_out.sum(dim=1, keepdim=True)
            W1 -= lr * (d_hidden.mT @ X)
            b1 -= lr * d_hidden.sum(dim=1, keepdim=True)
    finally:
        torch.set_num_threads(threads)
    return torch.cat([before, losses]), (W1, b1, W2, b2)


@computed_once
def schedule_run(starts, lr, epochs):
    """The reference loop with (lr, epochs) from every start (schedule_prefix). Returns the losses, of shape
    (epochs, starts), and the noise floor of each start's data, of shape (starts,)."""
    losses, _ = schedule_prefix(starts, lr, -(-epochs // SCHEDULE_CHUNK))
    _, X, Y = schedule_data(starts)
    return losses[:epochs], torch.tensor([least_squares_floor(x, y) for x, y in zip(X, Y)])


def not_converged(last: list, floor: float) -> str:
    """Why the last losses are not all within the margin of the floor, cause first, in the student's terms."""
    worst, end = max(last) / floor, last[-1] / floor
    peak = max(range(len(last)), key=last.__getitem__)
    if any(loss <= SCHEDULE_MARGIN * floor for loss in last[:peak]):
        return (f"the steps overshoot: the loss reached the noise floor, then jumped to {worst:.3g} times it; "
                "take a smaller learning rate")
    first, second = sum(last[:50]) / 50, sum(last[50:]) / (len(last) - 50)  # halves: a loss that swings is not falling
    if second < first * 0.999 and (first - second) * 100 > second - SCHEDULE_MARGIN * floor:
        # still falling at a pace that would reach the margin within 5000 more epochs: not a stall
        return (f"not converged yet: the loss is still falling at the end, at {end:.3g} times the noise floor; "
                "train longer or with a larger learning rate")
    if max(last) > 1.1 * min(last):
        return (f"the steps overshoot: the loss swings between {min(last) / floor:.3g} and {worst:.3g} times the "
                "noise floor; take a smaller learning rate")
    return (f"the loss stalled at {end:.3g} times the noise floor: a learning rate this large switches ReLU units "
            "off for good; take a smaller one")


class TestSchedule:
    def test_training_converges_from_the_graders_starts(self, student):
        lr, epochs = expect_sequence(student.call("choose_schedule"), 2, "choose_schedule()", "(lr, epochs)")
        lr = expect_finite(lr, "choose_schedule()'s lr")
        expect_property(lr > 0, "choose_schedule()'s lr", f"a learning rate must be positive, got {lr:g}")
        epochs = expect_int(epochs, SCHEDULE_WINDOW, 5000, "choose_schedule()'s epochs (the rule reads the last "
                            f"{SCHEDULE_WINDOW})")
        losses, floors = schedule_run(SCHEDULE_STARTS, lr, epochs)
        for start, floor in enumerate(floors.tolist()):
            last = losses[-SCHEDULE_WINDOW:, start].tolist()
            what = f"lr={lr:g}, {epochs} epochs, the grader's start {start + 1} of {len(SCHEDULE_STARTS)}"
            expect_property(all(math.isfinite(loss) for loss in last), what,
                            "the loss overflowed to nan or inf: a learning rate this large makes the steps "
                            "overshoot; take a smaller one")
            expect_property(max(last) <= SCHEDULE_MARGIN * floor, what,
                            f"{not_converged(last, floor)} (each of the last {SCHEDULE_WINDOW} losses must be at most "
                            f"{SCHEDULE_MARGIN:g} times the noise floor {floor:.4g})")
