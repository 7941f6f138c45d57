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
                               expect_python_float, expect_sequence, expect_tensor, expect_tensor_like, fail)
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
def oracle_run(seed, device, n, lr, epochs, mistake=None):
    """The reference loop on hidden case `seed`, or the loop with a typical `mistake`
    ("no zero_grad", "no step"): (losses, final state). Computed once per grading run."""
    weights, X, Y = hidden_case(seed, device, n)
    model = grader_network().to(device)
    model.load_state_dict(weights)
    if mistake is None:
        return tuple(reference.train(model, X, Y, lr=lr, epochs=epochs)), model.state_dict()
    criterion, optimizer, losses = torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=lr), []
    for _ in range(epochs):
        if mistake != "no zero_grad":
            optimizer.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        if mistake != "no step":
            optimizer.step()
        losses.append(loss.item())
    return tuple(losses), model.state_dict()


def close(a, b, tol=1e-3):
    return len(a) == len(b) and all(abs(x - y) <= tol * max(1.0, abs(y)) for x, y in zip(a, b))


def global_tensor(student, name):
    """The student's global `name`, when it is a tensor (else None)."""
    try:
        value = student.get(name)
    except StudentCodeError:
        return None
    return value if isinstance(value, torch.Tensor) else None


def diagnose(student, losses, moved, seed, device, n, lr, epochs) -> str:
    """A guess at the mistake behind a wrong loss trajectory, in the student's terms; `moved`: whether
    the parameters of the model passed in changed."""
    if close(losses, oracle_run(seed, device, n, lr, epochs, "no zero_grad")[0]):
        return "the losses match a loop that never resets the gradients: call optimizer.zero_grad() each epoch"
    if close(losses, oracle_run(seed, device, n, lr, epochs, "no step")[0]):
        return ("the loss never changes, so the parameters never move: is optimizer.step() called after "
                "loss.backward()? (p = p - lr * p.grad in a loop only rebinds the name p; the parameter stays as it was)")
    if not moved:
        return ("the parameters of the model passed to train did not change: train that model in place, not a new "
                "ANN() made inside train or the notebook's global model")
    for other in (0.001, 0.1, 0.01):
        if other != lr and close(losses, oracle_run(seed, device, n, other, epochs)[0]):
            return f"the losses match learning rate {other}, not lr={lr}: pass lr to optim.SGD"
    gX, gY = global_tensor(student, "X"), global_tensor(student, "Y")
    if gX is not None and gY is not None and gX.shape == gY.shape and gX.dim() == 2 and gX.shape[1] == 1:
        model = grader_network().to(device)
        model.load_state_dict(initial_weights(seed))
        if close(losses, reference.train(model, gX.to(device), gY.to(device), lr=lr, epochs=epochs)):
            return "these are the losses of the notebook's global X and Y, not of the X and Y passed to train"
    first = oracle_run(seed, device, n, lr, epochs)[0][0]
    if abs(losses[0] - first) > 1e-3 * max(1.0, first):
        return (f"the first loss is {losses[0]:.5g}, expected {first:.5g}: use nn.MSELoss() on model(X) and Y, "
                "and record loss.item() before the step")
    growth = next((i + 1 for i in range(1, len(losses)) if losses[i] > losses[i - 1] * 1.5), None)
    if growth:
        return f"the loss grows after epoch {growth}: are the gradients reset each epoch (optimizer.zero_grad())?"
    return "the losses drift away from the expected ones: check the order zero_grad, forward, loss, backward, step"


# Wraps a model to record, at each forward pass, whether autograd was recording (grad mode on, or
# an output that requires grad): how `evaluate` computed its predictions, not only what they are.
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

    def forward(self, x):
        out = self.inner(x)
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
    @pytest.mark.parametrize("seed, lr, epochs", [(1, 0.01, 150), (2, 0.05, 60), (3, 0.01, 40)])
    def test_trajectory_matches_the_reference(self, student, device, seed, lr, epochs):
        weights, X, Y = hidden_case(seed, device)
        model = remote_model(student, weights, device)
        what = f"train(model, X, Y, lr={lr}, epochs={epochs})"
        try:
            losses = student.call("train", model, X, Y, lr=lr, epochs=epochs)
        except StudentCodeError as error:
            if "does not require grad" in error.evalue:
                fail(f"{what}: loss.backward() found no graph to differentiate: is the training inside "
                     "torch.no_grad()? Only evaluation belongs there")
            raise
        losses = expect_sequence(losses, epochs, what, f"{epochs} loss values (floats)")
        losses = [expect_finite(v, f"{what}: the loss of epoch {epoch + 1}") for epoch, v in enumerate(losses)]
        want_losses, want_state = oracle_run(seed, device, len(X), lr, epochs)
        state = student.call(model.attr("state_dict"))
        if not close(losses, want_losses):
            moved = type(state) is not dict or any(
                not isinstance(state.get(k), torch.Tensor) or state[k].shape != t.shape or state[k].is_meta
                or not torch.equal(state[k].detach().cpu(), t.cpu()) for k, t in weights.items())
            fail(f"{what}: {diagnose(student, losses, moved, seed, device, len(X), lr, epochs)}")
        if type(state) is not dict:
            fail(f"{what}: the model's state_dict() is no longer a dict of tensors")
        for name, tensor in want_state.items():
            expect_tensor(state.get(name), tensor, f"{what}: parameter {name} after training", rtol=1e-3, atol=1e-4)

    @pytest.mark.side
    def test_each_loss_is_a_python_float(self, student, device):
        """The task: the loss values are `loss.item()`, Python floats (not tensors holding a graph)."""
        weights, X, Y = hidden_case(7, device, n=16)
        losses = expect_sequence(student.call("train", remote_model(student, weights, device), X, Y, lr=0.01, epochs=3),
                                 3, "train(model, X, Y, lr=0.01, epochs=3)", "3 loss values")
        for epoch, loss in enumerate(losses):
            expect_python_float(loss, f"train(model, X, Y, lr=0.01, epochs=3): the loss of epoch {epoch + 1} "
                                "(loss.item())")

    def test_default_learning_rate_and_epochs(self, student, device):
        weights, X, Y = hidden_case(4, device, n=16)
        losses = student.call("train", remote_model(student, weights, device), X, Y)
        losses = expect_sequence(losses, 1000, "train(model, X, Y) with the defaults", "1000 losses (epochs=1000)")
        want_losses, _ = oracle_run(4, device, 16, 0.01, 1000)
        expect_number(losses[-1], want_losses[-1], "train(model, X, Y) with the defaults lr=0.01, epochs=1000: last loss",
                      rtol=1e-3, atol=1e-5)


class TestEvaluate:
    @pytest.mark.parametrize("seed", [5, 6])
    def test_predictions_without_a_graph(self, student, device, seed):
        """The predictions, and how they were made: no graph recorded inside the forward pass."""
        weights, X, _ = hidden_case(seed, device, n=20)
        student = student.alone(EVALUATE_RULE, GradModeProbe=GRAD_MODE_PROBE)  # the answer cell alone
        probe = student.keep(student.defined["GradModeProbe"], remote_model(student, weights, device))
        predictions = student.keep("evaluate", probe, X)
        local = grader_network().to(device)
        local.load_state_dict(weights)
        got = student.get(predictions)  # (a notebook's global X is a name from outside the answer cell: refused)
        # the device is graded on meta below, alike on every grader
        expect_tensor(got, reference.evaluate(local, X), "evaluate(model, X)", check_device=False)
        if student.get(predictions.attr("requires_grad")) is not False:
            fail("evaluate(model, X): the predictions still require gradients: compute them inside torch.no_grad()")
        recording = student.get(probe.attr("recording"))
        expect_property(type(recording) is list and len(recording) > 0, "evaluate(model, X)",
                        "the model passed in was never called: predict with model(X)")
        expect_property(not any(recording), "evaluate(model, X)",
                        "a forward pass ran with autograd on (a graph was recorded and detached afterwards): call "
                        "the model inside torch.no_grad()")

    @pytest.mark.side
    def test_predictions_stay_on_the_models_device(self, student):
        """On the meta device, a stand-in for a GPU that every grader has, the predictions stay
        where the model and X are."""
        model = student.keep(student.define(GRADER_NETWORK, "GraderNetwork"))
        student.call(model.attr("to"), torch.device("meta"))
        X = torch.empty(7, 1, device="meta")
        what = "evaluate(model, X) for a model and X on the meta device (a stand-in for a GPU)"
        try:
            got = student.call("evaluate", model, X)
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


@computed_once
def schedule_run(starts, lr, epochs):
    """The reference loop (full-batch SGD on the MSE) with (lr, epochs) from every start at once, on the cpu (the
    same on any grader): each start's loss moves only its own slice of the stacked weights. Returns the losses,
    of shape (epochs, starts), and the noise floor of each start's data, of shape (starts,)."""
    (W1, b1, W2, b2), X, Y = schedule_starts(starts)
    parameters = [p.clone().requires_grad_() for p in (W1, b1, W2, b2)]
    W1, b1, W2, b2 = parameters
    optimizer = torch.optim.SGD(parameters, lr=lr)
    losses = torch.empty(epochs, len(starts))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tensors this small: a second thread only adds overhead (about 2x slower here)
    try:
        for epoch in range(epochs):
            optimizer.zero_grad()
            predicted = torch.relu(X @ W1.mT + b1) @ W2.mT + b2
            loss = ((predicted - Y) ** 2).mean(dim=(1, 2))
            loss.sum().backward()
            optimizer.step()
            losses[epoch] = loss.detach()
    finally:
        torch.set_num_threads(threads)
    return losses, torch.tensor([least_squares_floor(x, y) for x, y in zip(X, Y)])


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
