"""Hidden tests of source/building_blocks/building_blocks.ipynb; the oracle is solutions/building_blocks.py."""
import pytest
import torch

from autograder.checks import (constant_factor, expect_equal, expect_finite, expect_number, expect_property,
                               expect_python_float, expect_sequence, expect_tensor, expect_tensor_like, fail, kind_of,
                               loss_has_grown, on_input)
from autograder.grading.student_process import StudentCodeError
from autograder.grading.rules import AUTOGRAD, Rule
from solutions import building_blocks as reference

LESSON_X = torch.linspace(-2, 2, 40)
LESSON_Y = 3 * LESSON_X + 2


def seeded(*shape, seed, device, scale=1.0):
    generator = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=generator) * scale).to(device)


def divided_by(c, name, n, flipped="the sign is flipped"):
    """A factor c that is a power of the count n (or 2, from the half, or -1), named by its cause, or None."""
    causes = [(float(n), f"divided by {name} = {n} one time too few (a sum where the mean, 1/{name}, belongs?)"),
              (float(n * n), f"divided by {name} = {n} two times too few"),
              (1.0 / n, f"divided by {name} = {n} one time too many (.mean() already divides by {name})"),
              (1.0 / (n * n), f"divided by {name} = {n} two times too many"),
              (2.0, "twice the expected value: is the 1/2 there?"),
              (0.5, "half the expected value: is there a 1/2 too many?"),
              (-1.0, flipped)]
    for value, words in causes:
        if c is not None and abs(c - value) <= 1e-4 * abs(value):
            return words
    return None


def name_factor_of(got, want, what, name, n):
    """Fail, naming the cause, when a tensor answer is `want` times a count (before the comparison that grades)."""
    if isinstance(got, torch.Tensor) and got.shape == want.shape and not got.is_meta and not want.is_meta:
        words = divided_by(constant_factor(got, want), name, n)
        if words:
            fail(f"{what}: your result is {words}")


def a_number(value):
    """What a value that should have been a tensor is, in the student's terms."""
    return "a Python float" if type(value) is float else kind_of(value)


def line_data(seed, device, n=30):
    x = seeded(n, seed=seed, device=device)
    return x, -1.5 * x + 0.7 + seeded(n, seed=seed + 1, device=device, scale=0.2)


ACTIVATION_INPUTS = [((7,), 1, 3.0), ((4, 5), 2, 5.0), ((2, 1, 4), 3, 1.0)]  # (2, 1, 4): x's shape kept, size 1 too


def in_a_graph(student, value):
    """`value` in the worker as a tensor computed from a leaf that requires grad, as a layer's output
    is: (the leaf, the tensor), both kept there."""
    source = student.put(value.detach().clone().requires_grad_())
    return source, student.keep("torch.mul", source, 1.0)


def local_gradient(function, value, upstream=None):
    """The gradient that backpropagation from function(value) (weighted by upstream) gives value, here."""
    leaf = value.detach().clone().requires_grad_()
    function(leaf).backward(upstream)
    return leaf.grad


def expect_backpropagation(student, name, args, source, upstream, want, what, operand, cut_off):
    """Backpropagation from the student's result, weighted by `upstream` (None for a scalar), must reach
    `source` (the leaf behind `operand`) with the gradient `want`: the result is not cut off from the
    graph (.detach(), .item(), a new tensor)."""
    result = student.keep(name, *args)
    if result.type_name != "torch.Tensor":
        fail(f"{what}: expected a torch.Tensor, got {result.type_name}")
    if student.get(result.attr("requires_grad")) is not True:
        fail(f"{what}: your {name}'s result is cut off from {operand}'s graph (.detach(), .item(), .data or a new "
             f"torch.tensor?): {cut_off}")
    student.call(result.attr("backward"), *([] if upstream is None else [upstream]))
    got = student.get(source.attr("grad"))
    if got is None:
        fail(f"{what}: backward() from your {name}'s result left {operand}.grad empty: the result is not computed "
             f"from {operand} with tensor operations, so {cut_off}")
    expect_tensor(got, want, f"{what}: the gradient that backpropagation passes back to {operand}")


# What the usual slips compute, in the student's terms, per activation.
ACTIVATION_MISTAKES = {
    "relu": [(lambda x: x.abs(), "|x|: negative entries should become 0, not positive"),
             (lambda x: torch.clamp(x, max=0), "min(x, 0): ReLU keeps the positive entries, max(x, 0)")],
    "sigmoid": [(lambda x: 1 + torch.exp(-x), "1 + exp(-x): 1 / 1 + exp(-x) divides 1 by 1 first; the denominator "
                 "needs parentheses, 1 / (1 + torch.exp(-x))"),
                (lambda x: 1 / (1 + torch.exp(x)), "1 / (1 + exp(x)), sigma(-x): the exponent is -x"),
                (lambda x: torch.exp(-x) / (1 + torch.exp(-x)), "exp(-x) / (1 + exp(-x)) = 1 - sigma(x): the numerator is 1")],
    "tanh": [(lambda x: torch.exp(x) - torch.exp(-x) / (torch.exp(x) + torch.exp(-x)),
              "exp(x) - exp(-x) / (exp(x) + exp(-x)): the numerator needs parentheses, (exp(x) - exp(-x)) / (...)"),
             (lambda x: (torch.exp(x) - torch.exp(-x)) / torch.exp(x) + torch.exp(-x),
              "(exp(x) - exp(-x)) / exp(x) + exp(-x): the denominator needs parentheses, (...) / (exp(x) + exp(-x))"),
             (lambda x: (torch.exp(x) + torch.exp(-x)) / (torch.exp(x) - torch.exp(-x)),
              "the numerator and the denominator swapped")],
}


class ActivationTests:
    """The same hidden tests for each activation; subclasses name the student's function."""

    name = ""

    def check(self, got, x, what):
        want = getattr(reference, self.name)(x)
        if isinstance(got, torch.Tensor) and got.shape == x.shape and not got.is_meta:
            for mistake, words in ACTIVATION_MISTAKES[self.name]:
                slip = mistake(x)
                if bool(torch.isfinite(slip).all()) and torch.allclose(got.detach().cpu().double(), slip.cpu().double(),
                                                                     rtol=1e-4, atol=1e-5) \
                        and not torch.allclose(slip, want, rtol=1e-4, atol=1e-5):
                    fail(f"{what}: your result is {words}")
        expect_tensor(got, want, what)

    @pytest.mark.parametrize("shape, seed, scale", ACTIVATION_INPUTS)
    def test_values(self, student, device, shape, seed, scale):
        x = seeded(*shape, seed=seed, device=device, scale=scale)
        self.check(student.call(self.name, x), x, f"{self.name}(x) for x of shape {shape}")

    def test_edges(self, student, device):
        x = torch.tensor([-20.0, -1e-3, 0.0, 1e-3, 20.0], device=device)
        self.check(student.call(self.name, x), x, f"{self.name}({x.cpu().tolist()})")

    @pytest.mark.side
    def test_backpropagation_passes_through(self, student, device):
        """The lesson: an activation must be differentiable, so that backpropagation passes gradients
        through it. x comes from a leaf that requires grad, as a layer's output does (no entry is 0,
        ReLU's kink)."""
        x, upstream = seeded(4, 5, seed=4, device=device, scale=2.0), seeded(4, 5, seed=5, device=device)
        source, remote_x = in_a_graph(student, x)
        want = local_gradient(lambda t: getattr(reference, self.name)(t), x, upstream)
        expect_backpropagation(student, self.name, (remote_x,), source, upstream, want,
                               f"{self.name}(x) for an x that requires grad", "x",
                               "backpropagation cannot pass through it to the layers before")


def expect_loss_gradient(student, name, local_loss, device, seed):
    """A loss of y_hat in a graph must pass backward() on to y_hat, with the right gradient."""
    y_hat, y = seeded(3, 4, seed=seed, device=device), seeded(3, 4, seed=seed + 50, device=device)
    source, remote_y_hat = in_a_graph(student, y_hat)
    expect_backpropagation(student, name, (remote_y_hat, y), source, None,
                           local_gradient(lambda t: local_loss(t, y), y_hat),
                           f"{name}(y_hat, y) for a y_hat that requires grad", "y_hat",
                           "backward() on your loss cannot reach the predictions, so no weight would learn")


class TestRelu(ActivationTests):
    name = "relu"


class TestSigmoid(ActivationTests):
    name = "sigmoid"


class TestTanh(ActivationTests):
    name = "tanh"


class TestLoss:
    @pytest.mark.parametrize("shape, seed", [((10,), 11), ((6, 1), 12), ((3, 4), 13)])
    def test_half_mse(self, student, device, shape, seed):
        y_hat, y = seeded(*shape, seed=seed, device=device), seeded(*shape, seed=seed + 50, device=device)
        with on_input(y_hat=y_hat, y=y):
            got = student.call("half_mse", y_hat, y)
            want = reference.half_mse(y_hat, y)
            what = f"half_mse(y_hat, y) for shape {shape} (m = {y.numel()})"
            if isinstance(got, torch.Tensor) and got.numel() == 1 and got.shape != want.shape:
                fail(f"{what}: expected a scalar tensor (shape ()), got shape {tuple(got.shape)}: sum over every element")
            if isinstance(got, torch.Tensor) and got.shape == want.shape and not got.is_meta:
                factor = constant_factor(got, want)
                if factor is not None and abs(factor - 2) < 1e-4:
                    fail(f"{what}: your loss is twice the expected value: is the 1/2 of 1/(2m) there?")
                by_rows = ((y_hat - y) ** 2).sum() / (2 * len(y))
                if len(y) != y.numel() and torch.isclose(got.detach().cpu().double(), by_rows.cpu().double(), rtol=1e-4):
                    fail(f"{what}: divided by len(y) = {len(y)}, the rows, where m counts every entry: "
                         f"m = y.numel() = {y.numel()}")
            name_factor_of(got, want, what, "m", y.numel())
            expect_tensor(got, want, what)

    @pytest.mark.side
    def test_backpropagation_starts_here(self, student, device):
        """Training calls backward() on the loss: it must stay in y_hat's graph, with the right gradient."""
        expect_loss_gradient(student, "half_mse", reference.half_mse, device, seed=17)


class TestMae:
    @pytest.mark.parametrize("shape, seed", [((10,), 14), ((6, 1), 15), ((3, 4), 16)])
    def test_mae(self, student, device, shape, seed):
        y_hat, y = seeded(*shape, seed=seed, device=device), seeded(*shape, seed=seed + 50, device=device)
        with on_input(y_hat=y_hat, y=y):
            got = student.call("mae", y_hat, y)
            what = f"mae(y_hat, y) for shape {shape}"
            if isinstance(got, torch.Tensor) and got.numel() == 1 and not got.is_meta:
                by_rows = (y_hat - y).abs().sum() / len(y) if len(y) != y.numel() else None
                signed_mean = (y_hat - y).mean()
                for mistake, value in (("the absolute value of the mean error: take each error's absolute value first, "
                                        "then the mean", signed_mean.abs() if signed_mean < 0 else None),
                                       (f"divided by len(y) = {len(y)}, the rows: the mean is over every entry, "
                                        f"y.numel() = {y.numel()}", by_rows),
                                       ("the sum instead of the mean", (y_hat - y).abs().sum()),
                                       ("the mean of the errors without their absolute value", (y_hat - y).mean()),
                                       ("the squared error (MSE), not the absolute error", ((y_hat - y) ** 2).mean())):
                    if value is not None and torch.isclose(got.detach().cpu().double(), value.cpu().double(), rtol=1e-4) and \
                            not torch.isclose(value, reference.mae(y_hat, y), rtol=1e-4):
                        fail(f"{what}: your result is {mistake}")
            name_factor_of(got, reference.mae(y_hat, y), what, "m", y.numel())
            expect_tensor(got, reference.mae(y_hat, y), what)

    @pytest.mark.side
    def test_backpropagation_starts_here(self, student, device):
        """Training calls backward() on the loss: it must stay in y_hat's graph, with the right gradient."""
        expect_loss_gradient(student, "mae", reference.mae, device, seed=18)


# Losses of the grader's own for loss_gradient: it must work for any scalar loss. None is the answer
# of a task (the student's process can read what it is sent), and each runs there and here from one source.
GRADER_LOSSES = {
    "log_cosh": "def log_cosh(y_hat, y):\n    return torch.log(torch.cosh(y_hat - y)).mean()\n",
    "pinball_loss": "def pinball_loss(y_hat, y):\n    return torch.maximum(0.8 * (y_hat - y), -0.2 * (y_hat - y)).sum() / 3\n",
    "cubic_loss": "def cubic_loss(y_hat, y):\n    return ((y_hat - y) ** 3).abs().mean() + (y_hat * y).sum()\n",
}


def local_loss_of(name):
    namespace = {"torch": torch}
    exec(GRADER_LOSSES[name], namespace)
    return namespace[name]


def autograd_gradient(loss_fn, y_hat, y):
    leaf = y_hat.detach().clone().requires_grad_()
    loss_fn(leaf, y).backward()
    return leaf.grad


class TestLossGradient:
    @pytest.mark.parametrize("loss, shape, seed", [("log_cosh", (8,), 41), ("pinball_loss", (3, 4), 42),
                                                   ("cubic_loss", (5, 1), 43)])
    def test_gradient(self, student, device, loss, shape, seed):
        y_hat, y = seeded(*shape, seed=seed, device=device), seeded(*shape, seed=seed + 50, device=device)
        remote_loss, local_loss = student.define(GRADER_LOSSES[loss], loss), local_loss_of(loss)
        with on_input(y_hat=y_hat, y=y):
            got = student.call("loss_gradient", remote_loss, y_hat, y)
            what = f"loss_gradient({loss}, y_hat, y) for shape {shape}"
            want = autograd_gradient(local_loss, y_hat, y)
            if isinstance(got, torch.Tensor) and got.shape == want.shape and not got.is_meta:
                # an asymmetric loss (pinball_loss) tells loss_fn(y_hat, y) from loss_fn(y, y_hat)
                swapped = autograd_gradient(lambda t, p: local_loss(p, t), y_hat, y)
                if torch.allclose(got.detach().cpu(), swapped.cpu(), atol=1e-5) and not torch.allclose(want, swapped, atol=1e-5):
                    fail(f"your gradient is that of loss_fn(y, y_hat), the arguments swapped: call loss_fn(copy, y), "
                         f"the predictions first; {what}")
                against_y = -autograd_gradient(lambda t, p: local_loss(p, t), y, y_hat)
                if torch.allclose(got.detach().cpu(), -want.cpu(), atol=1e-5) or (
                        torch.allclose(got.detach().cpu(), -against_y.cpu(), atol=1e-5) and not torch.allclose(want, -against_y)):
                    fail(f"{what}: your gradient has the wrong sign (with respect to y, not y_hat?)")
            expect_tensor(got, want, what)

    @pytest.mark.side
    def test_leaves_the_callers_tensor_alone(self, student, device):
        y_hat, y = seeded(6, seed=44, device=device), seeded(6, seed=45, device=device)
        kept, loss = student.put(y_hat), student.define(GRADER_LOSSES["log_cosh"], "log_cosh")
        got = student.call("loss_gradient", loss, kept, y)
        want = autograd_gradient(local_loss_of("log_cosh"), y_hat, y)
        expect_tensor(got, want, "loss_gradient(log_cosh, y_hat, y)")
        expect_equal(student.get(kept.attr("requires_grad")), False, "y_hat.requires_grad after loss_gradient "
                     "(work on a detached copy: the caller's tensor should not start recording gradients)")
        expect_tensor(student.get(kept), y_hat, "the caller's y_hat after loss_gradient")
        # A y_hat that requires grad, as a network's predictions do: the task's detached copy keeps
        # backward() off the caller's tensor, and the result is the same.
        tracked = student.put(y_hat.clone().requires_grad_())
        what = "loss_gradient(log_cosh, y_hat, y) for a y_hat that requires grad"
        got = student.call("loss_gradient", loss, tracked, y)
        if student.get(tracked.attr("grad")) is not None:
            fail(f"{what}: backward() reached the caller's y_hat and filled its .grad: a copy made without "
                 "detach() (y_hat.clone()) stays in y_hat's graph; work on y_hat.detach().clone()")
        expect_tensor(got, want, what)
        expect_equal(student.get(tracked.attr("requires_grad")), True, f"{what}: y_hat.requires_grad afterwards")
        expect_tensor(student.get(tracked), y_hat, f"{what}: the caller's y_hat afterwards")


# Losses of parameters that step_and_loss is graded on, defined in the worker by the grader: each
# with a gradient of unequal entries, so that J - lr * grad (the lesson's line) is no number, and
# curved, so that the loss at new_w differs from its first-order estimate J - lr * |grad|^2.
PARAMETER_LOSSES = {
    "sum((w - t)^2) + w0 w1": "def J(w):\n    t = torch.tensor([1.0, -2.0, 0.5], device=w.device)\n"
                              "    return ((w - t) ** 2).sum() + w[0] * w[1]\n",
    "log(1 + e^w) summed + mean(w^4)": "def J(w):\n    return torch.log(1 + torch.exp(w)).sum() + (w ** 4).mean()\n",
    "the half MSE of the line w0 x + w1": "def J(w):\n    x = torch.linspace(-1, 1, 5, device=w.device)\n"
                                          "    return ((w[0] * x + w[1] - (3 * x + 2)) ** 2).mean() / 2\n",
}
PARAMETER_CASES = [("sum((w - t)^2) + w0 w1", [0.3, 0.8, -1.2], 0.1),
                   ("log(1 + e^w) summed + mean(w^4)", [1.5, -0.4, 0.9, -1.1], 0.2),
                   ("the half MSE of the line w0 x + w1", [0.5, -1.0], 0.7),
                   ("log(1 + e^w) summed + mean(w^4)", [1.3], 0.3)]  # one parameter: new_w keeps the shape (1,)


def parameter_loss(name):
    namespace = {"torch": torch}
    exec(PARAMETER_LOSSES[name], namespace)
    return namespace["J"]


def loss_diagnosis(got, J, w, lr):
    """The likely mistake behind a new_loss that is not J(new_w): the lesson's line in some form."""
    leaf = w.detach().clone().requires_grad_()
    before = J(leaf)
    before.backward()
    grad, before = leaf.grad, float(before)
    for value, words in ((before, "the loss before the step, J(w): return the loss at new_w"),
                         (before - lr * float(grad.sum()), "J - lr * sum(grad), the lesson's J_{i+1} = J_i - λ∇J: "
                                                           "step the parameters, then compute the loss at new_w"),
                         (before - lr * float((grad ** 2).sum()), "J - lr * |grad|², the first-order estimate: "
                                                                  "compute the loss at new_w itself")):
        if abs(got - value) <= 1e-5 * max(1.0, abs(value)):
            return words
    return None


class TestStepAndLoss:
    @pytest.mark.parametrize("name, values, lr", PARAMETER_CASES)
    def test_the_parameters_step_and_the_loss_follows(self, student, device, name, values, lr):
        w = torch.tensor(values, device=device)
        J = parameter_loss(name)
        want_w, want_loss = reference.step_and_loss(J, w, lr)
        what = f"step_and_loss(J, w, lr={lr}) for J = {name}, w = {values}"
        pair = expect_sequence(student.call("step_and_loss", student.define(PARAMETER_LOSSES[name], "J"), w, lr),
                               2, what, "a pair (new_w, new_loss)")
        new_w, new_loss = pair
        if isinstance(new_w, torch.Tensor) and new_w.shape == w.shape and not new_w.is_meta and \
                new_w.device.type == w.device.type:
            uphill = 2 * w - want_w
            if torch.allclose(new_w.detach(), uphill, rtol=1e-4, atol=1e-6):
                fail(f"new_w is w + lr * grad, a step uphill: step against the gradient; {what}")
        expect_tensor(new_w.detach() if isinstance(new_w, torch.Tensor) else new_w, want_w, f"{what}: new_w")
        expect_python_float(new_loss, f"{what}: new_loss")
        words = loss_diagnosis(new_loss, J, w, lr)
        if words and abs(new_loss - want_loss) > 1e-5 * max(1.0, abs(want_loss)):
            fail(f"new_loss is {words}; {what}")
        expect_number(new_loss, want_loss, f"{what}: new_loss, the loss at new_w")

    @pytest.mark.side
    def test_leaves_the_callers_w_alone(self, student, device):
        name = "sum((w - t)^2) + w0 w1"
        w = torch.tensor([0.3, 0.8, -1.2], device=device)
        kept = student.put(w.clone())
        what = f"step_and_loss(J, w, lr=0.1) for J = {name}"
        student.call("step_and_loss", student.define(PARAMETER_LOSSES[name], "J"), kept, 0.1)
        if student.get(kept.attr("requires_grad")) is not False:
            fail(f"the caller's w now requires grad: work on a detached copy (the caller's w should not start "
                 f"recording gradients); {what}")
        after = student.get(kept)
        if isinstance(after, torch.Tensor) and after.shape == w.shape and not after.is_meta and \
                not bool(torch.equal(after.cpu(), w.cpu())):
            fail(f"the caller's w changed from {w.tolist()} to {after.tolist()}: step a copy; {what}")
        expect_tensor(after, w, f"{what}: the caller's w afterwards (work on a copy)", rtol=0.0, atol=0.0)


# The task: "computed with the formulas above, not by autograd (no backward())". Its answer cell is
# read for autograd, then run alone in a fresh process with autograd switched off
# (autograder/grading/answer_alone.py); x and y are made there under torch.inference_mode(), as the task says.
STEP_RULE = Rule("gradient_step", AUTOGRAD, "compute the gradients with the formulas, not with backward()")
INFERENCE_COPY = "def inference_copy(t):\n    with torch.inference_mode():\n        return t.clone()\n"


class TestGradientStep:
    @pytest.mark.parametrize("w, b, lr, seed", [(0.0, 0.0, 0.1, 21), (1.2, -0.4, 0.05, 22), (-2.0, 3.0, 0.5, 23)])
    def test_one_step(self, student, device, w, b, lr, seed):
        x, y = line_data(seed, device)
        w_t, b_t = torch.tensor(w, device=device), torch.tensor(b, device=device)
        alone = student.alone(STEP_RULE, inference_copy=INFERENCE_COPY)
        inference_copy = alone.defined["inference_copy"]
        what = f"gradient_step(w={w}, b={b}, x, y, lr={lr})"
        with on_input(x=x, y=y):
            got = alone.call("gradient_step", w_t, b_t, alone.keep(inference_copy, x), alone.keep(inference_copy, y), lr)
            got = expect_sequence(got, 2, what, "a pair (new_w, new_b)")
            want_w, want_b = reference.gradient_step(w_t, b_t, x, y, lr)
            # The oracle's step equals autograd's, so a correct hand derivation matches both.
            w_auto, b_auto = w_t.clone().requires_grad_(), b_t.clone().requires_grad_()
            reference.half_mse(w_auto * x + b_auto, y).backward()
            assert torch.isclose(want_w, w_t - lr * w_auto.grad, rtol=1e-4, atol=1e-6)
            without_x = w_t - lr * (w_t * x + b_t - y).mean()
            if isinstance(got[0], torch.Tensor) and got[0].numel() == 1 and not got[0].is_meta and not torch.isclose(
                    without_x, want_w, rtol=1e-4, atol=1e-6) and torch.isclose(
                    got[0].detach().cpu().reshape(()).double(), without_x.cpu().double(), rtol=1e-4, atol=1e-6):
                fail(f"{what}: the step of w lacks x: dJ/dw = (1/m) sum of (w x_i + b - y_i) x_i, each error times its x_i")
            for name, new, old, want in (("w", got[0], w_t, want_w), ("b", got[1], b_t, want_b)):
                if isinstance(new, torch.Tensor) and new.numel() == 1 and not new.is_meta:
                    uphill = f"the opposite of the expected step: step against the gradient, {name} - lr * dJ/d{name}"
                    words = divided_by(constant_factor(new.detach().cpu().reshape(()) - old.cpu(), want.cpu() - old.cpu()),
                                       "m", len(x), flipped=uphill)
                    if words:
                        fail(f"{what}: new {name}: your step (new {name} - {name}) is {words}")
                expect_number(new, want.item(), f"{what}: new {name}")

    @pytest.mark.side
    def test_returns_tensors(self, student, device):
        """The task: w and b are scalar tensors, and the step returns the new w and b, tensors as they are."""
        x, y = line_data(24, device)
        what = "gradient_step(w=0.5, b=-1.0, x, y, lr=0.1)"
        got = expect_sequence(student.call("gradient_step", torch.tensor(0.5, device=device),
                                           torch.tensor(-1.0, device=device), x, y, 0.1), 2, what, "a pair (new_w, new_b)")
        for name, new in zip("wb", got):
            if not isinstance(new, torch.Tensor):
                fail(f"{what}: new {name} is {a_number(new)}, expected a scalar tensor as {name} is "
                     "(.item() or float() turns the tensor into a number: return the tensor)")


# A loss and a step of the grader's own, unlike the lesson's half MSE and gradient_step, so that
# fit_line is graded on using the pieces it is given: the step also records each call.
# A loss and a step of the grader's own for fit_line (neither is the answer of a task: the student's
# process can read what it is sent); the step is no gradient step, any rule that moves w and b will do.
# The loss (LINEX, exp(d/2) - d/2 - 1 for d = y_hat - y) is asymmetric, so loss_fn(y, y_hat) for
# loss_fn(y_hat, y) records other losses.
FIT_PIECES = """
class FitPieces:
    def __init__(self, scale):
        self.scale = scale
        self.calls = []

    def loss(self, y_hat, y):
        return self.scale * (torch.exp(0.5 * (y_hat - y)) - 0.5 * (y_hat - y) - 1).mean()

    def step(self, w, b, x, y, lr):
        self.calls.append(float(lr))
        return w + lr * (y.mean() - w), b - lr * self.scale * (b + x.abs().mean())
"""
FIT_SCALE = 0.3


def local_fit_pieces(scale):
    """The same pieces, here."""
    namespace = {"torch": torch}
    exec(FIT_PIECES, namespace)
    return namespace["FitPieces"](scale)


def global_tensor(student, name):
    """The student's global `name`, when it is a tensor (else None)."""
    try:
        value = student.get(name)
    except StudentCodeError:
        return None
    return value if isinstance(value, torch.Tensor) else None


def fit_diagnosis(student, losses, x, y, lr, steps, want_losses):
    """The likely cause of losses that differ from the expected ones, in the student's terms."""
    def matches(other):
        return len(other) == len(losses) and all(abs(a - b) <= 1e-4 * max(1.0, abs(b)) for a, b in zip(losses, other))

    pieces = local_fit_pieces(FIT_SCALE)
    if matches(reference.fit_line(x, y, lr, steps, reference.half_mse, pieces.step)[2]):
        return ("these are the losses of the lesson's half MSE, not of the loss_fn passed in: record "
                "loss_fn(w * x + b, y), whatever loss the caller gives")
    if matches(reference.fit_line(x, y, lr, steps, lambda y_hat, target: pieces.loss(target, y_hat), pieces.step)[2]):
        return ("these are the losses of loss_fn(y, w * x + b), the arguments swapped: record loss_fn(w * x + b, y), "
                "the predictions first")
    if matches([want_losses[0]] * steps):
        return "the loss never changes: keep what step_fn returns, w, b = step_fn(w, b, x, y, lr)"
    if matches(want_losses[1:] + losses[-1:]):
        return "each loss is recorded after its step: record the loss before the step"
    gx, gy = global_tensor(student, "x"), global_tensor(student, "y")
    if gx is not None and gy is not None and gx.shape == gy.shape and gx.dim() == 1:
        if matches(reference.fit_line(gx.to(x.device), gy.to(x.device), lr, steps, pieces.loss, pieces.step)[2]):
            return "these are the losses of the notebook's global x and y, not of the x and y passed in"
    return None


class TestFit:
    """fit_line gets a loss and a step of the grader's own (defined in the worker), so only the loop is
    graded, and only a loop that uses the pieces it is given passes."""

    @pytest.mark.parametrize("lr, steps, seed", [(0.1, 60, 31), (0.3, 25, 32)])
    def test_trajectory(self, student, device, lr, steps, seed):
        x, y = line_data(seed, device)
        pieces = student.keep(student.define(FIT_PIECES, "FitPieces"), FIT_SCALE)
        got = student.call("fit_line", x, y, lr, steps, pieces.attr("loss"), pieces.attr("step"))
        what = f"fit_line(x, y, lr={lr}, steps={steps}, loss_fn, step_fn)"
        got = expect_sequence(got, 3, what, "(w, b, losses)")
        calls = student.get(pieces.attr("calls"))
        if calls == []:
            fail(f"{what}: the step_fn passed in was never called: take each step with w, b = step_fn(w, b, x, y, lr), "
                 "not with gradient_step or a step of your own")
        expect_property(type(calls) is list and len(calls) == steps, what,
                        f"step_fn was called {len(calls) if type(calls) is list else '?'} times, expected steps = {steps}")
        expect_property(all(abs(c - lr) <= 1e-9 * lr for c in calls), what,
                        f"step_fn was called with learning rates {sorted(set(calls))[:3]}, expected lr = {lr}: pass lr on")
        local = local_fit_pieces(FIT_SCALE)
        want_w, want_b, want_losses = reference.fit_line(x, y, lr, steps, local.loss, local.step)
        losses = expect_sequence(got[2], steps, f"{what}: the losses", f"{steps} losses")
        numbers = [expect_finite(loss, f"{what}: loss before step {step + 1}") for step, loss in enumerate(losses)]
        with on_input(x=x, y=y):
            diagnosis = fit_diagnosis(student, numbers, x, y, lr, steps, list(want_losses))
            if diagnosis:
                fail(f"{diagnosis}; in {what}")
            for step, (loss, want) in enumerate(zip(numbers, want_losses)):
                expect_number(loss, want, f"{what}: loss before step {step + 1}")
            expect_number(got[0], want_w.item(), f"{what}: final w")
            expect_number(got[1], want_b.item(), f"{what}: final b")

    @pytest.mark.side
    def test_returns_w_and_b_as_tensors(self, student, device):
        """The task: w and b start as scalar float32 tensors and are returned as step_fn leaves them."""
        x, y = line_data(34, device)
        pieces = student.keep(student.define(FIT_PIECES, "FitPieces"), FIT_SCALE)
        what = "fit_line(x, y, lr=0.1, steps=5, loss_fn, step_fn)"
        got = expect_sequence(student.call("fit_line", x, y, 0.1, 5, pieces.attr("loss"), pieces.attr("step")), 3,
                              what, "(w, b, losses)")
        for name, value in zip("wb", got[:2]):
            if not isinstance(value, torch.Tensor):
                fail(f"{what}: the final {name} is {a_number(value)}, expected a scalar tensor, as step_fn "
                     f"returns it (.item() or float() belongs on the losses, not on {name})")

    @pytest.mark.side
    def test_each_loss_is_a_python_float(self, student, device):
        """The task: record the current loss "as a Python float"."""
        x, y = line_data(33, device)
        pieces = student.keep(student.define(FIT_PIECES, "FitPieces"), FIT_SCALE)
        got = expect_sequence(student.call("fit_line", x, y, 0.1, 5, pieces.attr("loss"), pieces.attr("step")), 3,
                              "fit_line(x, y, lr=0.1, steps=5, loss_fn, step_fn)", "(w, b, losses)")
        losses = expect_sequence(got[2], 5, "fit_line(..., steps=5, ...): the losses", "5 losses")
        for step, loss in enumerate(losses):
            expect_python_float(loss, f"fit_line: the loss recorded before step {step + 1}")


class TestLearningRates:
    def test_too_small_and_too_large(self, student):
        got = expect_sequence(student.call("learning_rates"), 2, "learning_rates()", "a pair (too_small, too_large)")
        too_small, too_large = (expect_finite(v, f"learning_rates(): {name}") for v, name in zip(got, ("too_small", "too_large")))
        if not (too_small > 0 and too_large > 0):
            fail(f"learning_rates(): both learning rates should be positive, got {got}")
        pieces = (reference.half_mse, reference.gradient_step)
        small = reference.fit_line(LESSON_X, LESSON_Y, too_small, 50, *pieces)[2]
        if loss_has_grown(small[0], small[-1]):
            fail(f"learning_rates(): with lr = {too_small} the loss grows from {small[0]:.3g} to {small[-1]:.3g} "
                 "in 50 steps: that learning rate is too large, not too small"
                 + (" (are the two swapped? return (too_small, too_large))" if too_small > too_large else ""))
        if not small[-1] > 0.5 * small[0]:
            fail(f"learning_rates(): with lr = {too_small} the loss falls from {small[0]:.3g} to {small[-1]:.3g} "
                 "in 50 steps: that is not too small")
        large = reference.fit_line(LESSON_X, LESSON_Y, too_large, 50, *pieces)[2]
        if not loss_has_grown(large[0], large[-1]):
            fail(f"learning_rates(): with lr = {too_large} the loss goes from {large[0]:.3g} to {large[-1]:.3g} "
                 "in 50 steps: it does not grow, so it is not too large")


# Parameters for sgd_step, made by the grader in the worker: leaves that require grad, with .grad set
# by hand (no graph behind them), and what the grader reads back of them after the step.
MAKE_PARAMS = """
def make_params(values, grads):
    params = []
    for value, grad in zip(values, grads):
        p = value.clone().requires_grad_()
        if grad is not None:
            p.grad = grad.clone()
        params.append(p)
    return params
"""
PARAM_STATE = """
def param_state(params):
    return [(id(p), p.data_ptr(), p.detach().clone(), None if p.grad is None else p.grad.detach().clone(),
             p.requires_grad, p.is_leaf) for p in params]
"""
SGD_SHAPES = [(3, 4), (3,), ()]


def sgd_inputs(seed, device, without_grad=None):
    """(values, grads) of parameters of SGD_SHAPES; the one at `without_grad` gets no gradient (None)."""
    values = [seeded(4, seed=seed + i, device=device).reshape(-1)[:1].reshape(()) if shape == () else
              seeded(*shape, seed=seed + i, device=device) for i, shape in enumerate(SGD_SHAPES)]
    grads = [seeded(*value.shape, seed=seed + 10 + i, device=device) if value.dim() else
             seeded(1, seed=seed + 10 + i, device=device).reshape(()) for i, value in enumerate(values)]
    if without_grad is not None:
        grads[without_grad] = None
    return values, grads


def optim_sgd(values, grads, lr):
    """What torch.optim.SGD's step leaves of the same parameters, here."""
    params = [value.clone().requires_grad_() for value in values]
    for p, grad in zip(params, grads):
        p.grad = None if grad is None else grad.clone()
    torch.optim.SGD(params, lr=lr).step()
    return [p.detach() for p in params]


def call_sgd_step(student, values, grads, lr, what):
    """sgd_step on the grader's parameters in the worker: the parameters' state (id, memory, value, grad,
    requires_grad, is_leaf) before and after."""
    params = student.keep(student.define(MAKE_PARAMS, "make_params"), values, grads)
    state = student.define(PARAM_STATE, "param_state")
    before = student.call(state, params)
    try:
        student.call("sgd_step", params, lr)
    except StudentCodeError as error:
        if "leaf Variable that requires grad is being used in an in-place operation" in error.evalue:
            fail(f"{what}: PyTorch refuses an in-place change of a parameter that requires grad while autograd "
                 "records: make the update under torch.no_grad()")
        if "NoneType" in error.evalue and any(grad is None for grad in grads):
            fail(f"{what} raised {error.ename}: {error.evalue[:100]}: a parameter whose .grad is None got no "
                 "gradient; skip it, as torch.optim.SGD does")
        raise
    return before, student.call(state, params)


def expect_sgd_values(before, after, want, values, grads, lr, what):
    """Every parameter the same tensor, in the same memory, still a leaf that requires grad, with
    torch.optim.SGD's values."""
    after = expect_sequence(after, len(values), f"{what}: the parameters afterwards")
    for i, (old, new, target, value, grad) in enumerate(zip(before, after, want, values, grads)):
        name = f"{what}: parameter {i} (shape {tuple(value.shape)})"
        if new[0] != old[0]:
            fail(f"{name} is a new tensor in the list: the model holds the old one; change each parameter in place")
        got = new[2]
        if grad is not None and isinstance(got, torch.Tensor) and got.shape == value.shape and not got.is_meta:
            got_cpu, value_cpu, grad_cpu = got.cpu(), value.cpu(), grad.cpu()
            if torch.equal(got_cpu, value_cpu):
                fail(f"{name} did not change: p = p - lr * p.grad makes a new tensor and leaves the caller's p as "
                     "it was (or was the gradient reset before the update?); change p in place, under torch.no_grad()")
            if torch.allclose(got_cpu, value_cpu + lr * grad_cpu, rtol=1e-4, atol=1e-6):
                fail(f"{name} moved up the gradient: step against it, p - lr * p.grad")
            if abs(lr - 1) > 1e-3 and torch.allclose(got_cpu, value_cpu - grad_cpu, rtol=1e-4, atol=1e-6):
                fail(f"{name} moved by the whole gradient: scale it by the learning rate, p - lr * p.grad")
        expect_tensor(got, target, f"{name} after the step (as torch.optim.SGD leaves it)")
        if new[1] != old[1]:
            fail(f"{name} now lives in new memory (p.data = ...?): change its values where they are, in place (-=)")
        if new[4] is not True or new[5] is not True:
            fail(f"{name} should still be a leaf that requires grad after the step, as a model's parameter is")


class TestSgdStep:
    @pytest.mark.parametrize("lr, seed", [(0.1, 71), (0.03, 72), (0.5, 73)])
    def test_matches_optim_sgd(self, student, device, lr, seed):
        values, grads = sgd_inputs(seed, device)
        what = f"sgd_step(params, lr={lr}) for parameters of shapes {SGD_SHAPES}"
        before, after = call_sgd_step(student, values, grads, lr, what)
        expect_sgd_values(before, after, optim_sgd(values, grads, lr), values, grads, lr, what)

    def test_skips_a_parameter_without_a_gradient(self, student, device):
        """The task: "Skip a parameter whose .grad is None (it got no gradient), as torch.optim.SGD does"."""
        values, grads = sgd_inputs(74, device, without_grad=1)
        what = f"sgd_step(params, lr=0.2) for parameters of shapes {SGD_SHAPES}, the second without a gradient"
        before, after = call_sgd_step(student, values, grads, 0.2, what)
        expect_sgd_values(before, after, optim_sgd(values, grads, 0.2), values, grads, 0.2, what)

    @pytest.mark.side
    def test_gradients_reset(self, student, device):
        """The task: "then reset its gradient: zeros or None, as zero_grad() leaves it"."""
        values, grads = sgd_inputs(75, device)
        what = "sgd_step(params, lr=0.1)"
        _, after = call_sgd_step(student, values, grads, 0.1, what)
        after = expect_sequence(after, len(values), f"{what}: the parameters afterwards")
        for i, (state, value) in enumerate(zip(after, values)):
            grad = state[3]
            if grad is None:
                continue
            name = f"{what}: parameter {i}'s gradient after the step"
            expect_tensor_like(grad, value, name)
            if not bool((grad == 0).all()):
                fail(f"{name} is still there: reset it (p.grad.zero_() or p.grad = None), or the next backward() "
                     "adds to it")

    @pytest.mark.gate
    def test_runs_where_its_parameters_are(self, student):
        """A gate: parameters on the meta device (a stand-in for a GPU) in float32 and float64. A gradient
        reset with a tensor made anew (torch.zeros(p.shape): float32, on the default device) scores 4/4 on
        a cpu grader's float32 parameters and raises on a GPU's, so it scores 0 on every grader."""
        shapes, lr = [(3, 4), (3,)], 0.1
        for dtype in (torch.float32, torch.float64):
            values = [torch.empty(shape, dtype=dtype, device="meta") for shape in shapes]
            kind = str(dtype).removeprefix("torch.")
            what = f"sgd_step(params, lr={lr}) for {kind} parameters on the meta device (a stand-in for a GPU)"
            params = student.keep(student.define(MAKE_PARAMS, "make_params"), values, [v.clone() for v in values])
            try:
                student.call("sgd_step", params, lr)
            except StudentCodeError as error:
                if "assign a gradient" in error.evalue or "different device" in error.evalue or \
                        "dtype" in error.evalue:
                    fail(f"the gradient reset makes a tensor unlike p (torch.zeros(p.shape) is float32, on the cpu): "
                         f"use p.grad.zero_() or p.grad = None; {what} raised {error.ename}: {error.evalue[:80]}")
                fail(f"sgd_step fails for parameters on another device or dtype: step and reset each parameter where "
                     f"it is, with its own dtype; {what} raised {error.ename}: {error.evalue[:100]}")
            for i, (value, shape) in enumerate(zip(values, shapes)):
                p = student.keep(params.attr("__getitem__"), i)
                name = f"{what}: parameter {i} (shape {shape})"
                expect_tensor_like(student.get(p.attr("data")), value, f"{name} after the step")
                grad = student.get(p.attr("grad"))
                if grad is not None:
                    expect_tensor_like(grad, value, f"{name}: its gradient after the reset")
