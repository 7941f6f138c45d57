"""Hidden tests of source/building_blocks/building_blocks.ipynb; the oracle is solutions/building_blocks.py."""
import pytest
import torch

from autograder.checks import expect_equal, expect_finite, expect_number, expect_sequence, expect_tensor, fail
from solutions import building_blocks as reference

LESSON_X = torch.linspace(-2, 2, 40)
LESSON_Y = 3 * LESSON_X + 2


def seeded(*shape, seed, device, scale=1.0):
    generator = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=generator) * scale).to(device)


def line_data(seed, device, n=30):
    x = seeded(n, seed=seed, device=device)
    return x, -1.5 * x + 0.7 + seeded(n, seed=seed + 1, device=device, scale=0.2)


ACTIVATION_INPUTS = [((7,), 1, 3.0), ((4, 5), 2, 5.0), ((2, 3, 4), 3, 1.0)]


class ActivationTests:
    """The same hidden tests for each activation; subclasses name the student's function."""

    name = ""

    @pytest.mark.parametrize("shape, seed, scale", ACTIVATION_INPUTS)
    def test_values(self, student, device, shape, seed, scale):
        x = seeded(*shape, seed=seed, device=device, scale=scale)
        expect_tensor(student.call(self.name, x), getattr(reference, self.name)(x),
                      f"{self.name}(x) for x of shape {shape}")

    def test_edges(self, student, device):
        x = torch.tensor([-20.0, -1e-3, 0.0, 1e-3, 20.0], device=device)
        expect_tensor(student.call(self.name, x), getattr(reference, self.name)(x), f"{self.name}({x.cpu().tolist()})")


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
        got = student.call("half_mse", y_hat, y)
        want = reference.half_mse(y_hat, y)
        what = f"half_mse(y_hat, y) for shape {shape}"
        if isinstance(got, torch.Tensor) and got.numel() == 1 and want.item() > 0:
            ratio = got.item() / want.item()
            if abs(ratio - 2) < 1e-3:
                fail(f"{what}: your loss is twice the expected value: is the 1/2 of 1/(2m) there?")
        expect_tensor(got, want, what, sizes={"m": y.numel()})


class TestMae:
    @pytest.mark.parametrize("shape, seed", [((10,), 14), ((6, 1), 15), ((3, 4), 16)])
    def test_mae(self, student, device, shape, seed):
        y_hat, y = seeded(*shape, seed=seed, device=device), seeded(*shape, seed=seed + 50, device=device)
        got = student.call("mae", y_hat, y)
        what = f"mae(y_hat, y) for shape {shape}"
        if isinstance(got, torch.Tensor) and got.numel() == 1 and not got.is_meta:
            for mistake, value in (("the sum instead of the mean", (y_hat - y).abs().sum()),
                                   ("the mean of the errors without their absolute value", (y_hat - y).mean()),
                                   ("the squared error (MSE), not the absolute error", ((y_hat - y) ** 2).mean())):
                if torch.isclose(got.detach().cpu().double(), value.cpu().double(), rtol=1e-4) and \
                        not torch.isclose(value, reference.mae(y_hat, y), rtol=1e-4):
                    fail(f"{what}: your result is {mistake}")
        expect_tensor(got, reference.mae(y_hat, y), what, sizes={"m": y.numel()})


# Losses of the grader's own for loss_gradient: it must work for any scalar loss.
CUBIC_LOSS = "def cubic_loss(y_hat, y):\n    return ((y_hat - y) ** 3).abs().mean() + (y_hat * y).sum()\n"


def local_cubic_loss(y_hat, y):
    return ((y_hat - y) ** 3).abs().mean() + (y_hat * y).sum()


def autograd_gradient(loss_fn, y_hat, y):
    leaf = y_hat.detach().clone().requires_grad_()
    loss_fn(leaf, y).backward()
    return leaf.grad


class TestLossGradient:
    @pytest.mark.parametrize("loss, shape, seed", [("half_mse", (8,), 41), ("mae", (3, 4), 42), ("cubic_loss", (5, 1), 43)])
    def test_gradient(self, student, device, loss, shape, seed):
        y_hat, y = seeded(*shape, seed=seed, device=device), seeded(*shape, seed=seed + 50, device=device)
        if loss == "cubic_loss":
            remote_loss, local_loss = student.define(CUBIC_LOSS, "cubic_loss"), local_cubic_loss
        else:
            local_loss = getattr(reference, loss)
            remote_loss = student.define_reference(local_loss)
        got = student.call("loss_gradient", remote_loss, y_hat, y)
        what = f"loss_gradient({loss}, y_hat, y) for shape {shape}"
        want = autograd_gradient(local_loss, y_hat, y)
        if isinstance(got, torch.Tensor) and got.shape == want.shape and not got.is_meta:
            against_y = -autograd_gradient(lambda t, p: local_loss(p, t), y, y_hat)
            if torch.allclose(got.detach().cpu(), -want.cpu(), atol=1e-5) or (
                    torch.allclose(got.detach().cpu(), -against_y.cpu(), atol=1e-5) and not torch.allclose(want, -against_y)):
                fail(f"{what}: your gradient has the wrong sign (with respect to y, not y_hat?)")
        expect_tensor(got, want, what)

    @pytest.mark.side
    def test_leaves_the_callers_tensor_alone(self, student, device):
        y_hat, y = seeded(6, seed=44, device=device), seeded(6, seed=45, device=device)
        kept = student.put(y_hat)
        got = student.call("loss_gradient", student.define_reference(reference.half_mse), kept, y)
        expect_tensor(got, autograd_gradient(reference.half_mse, y_hat, y), "loss_gradient(half_mse, y_hat, y)")
        expect_equal(student.get(kept.attr("requires_grad")), False, "y_hat.requires_grad after loss_gradient "
                     "(work on a detached copy: the caller's tensor should not start recording gradients)")
        expect_tensor(student.get(kept), y_hat, "the caller's y_hat after loss_gradient")


class TestGradientStep:
    @pytest.mark.parametrize("w, b, lr, seed", [(0.0, 0.0, 0.1, 21), (1.2, -0.4, 0.05, 22), (-2.0, 3.0, 0.5, 23)])
    def test_one_step(self, student, device, w, b, lr, seed):
        x, y = line_data(seed, device)
        w_t, b_t = torch.tensor(w, device=device), torch.tensor(b, device=device)
        got = student.call("gradient_step", w_t, b_t, x, y, lr)
        what = f"gradient_step(w={w}, b={b}, x, y, lr={lr})"
        got = expect_sequence(got, 2, what, "a pair (new_w, new_b)")
        want_w, want_b = reference.gradient_step(w_t, b_t, x, y, lr)
        # The oracle's step equals autograd's, so a correct hand derivation matches both.
        w_auto, b_auto = w_t.clone().requires_grad_(), b_t.clone().requires_grad_()
        reference.half_mse(w_auto * x + b_auto, y).backward()
        assert torch.isclose(want_w, w_t - lr * w_auto.grad, rtol=1e-4, atol=1e-6)
        expect_number(got[0], want_w.item(), f"{what}: new w")
        expect_number(got[1], want_b.item(), f"{what}: new b")


class TestFit:
    """fit_line gets the reference loss and step (defined in the worker), so only the loop is graded."""

    @pytest.mark.parametrize("lr, steps, seed", [(0.1, 60, 31), (0.3, 25, 32)])
    def test_trajectory(self, student, device, lr, steps, seed):
        x, y = line_data(seed, device)
        loss_fn, step_fn = student.define_reference(reference.half_mse), student.define_reference(reference.gradient_step)
        got = student.call("fit_line", x, y, lr, steps, loss_fn, step_fn)
        what = f"fit_line(x, y, lr={lr}, steps={steps}, loss_fn, step_fn)"
        got = expect_sequence(got, 3, what, "(w, b, losses)")
        want_w, want_b, want_losses = reference.fit_line(x, y, lr, steps, reference.half_mse, reference.gradient_step)
        losses = expect_sequence(got[2], steps, f"{what}: the losses", f"{steps} losses")
        for step, (loss, want) in enumerate(zip(losses, want_losses)):
            expect_number(loss, want, f"{what}: loss before step {step + 1}")
        expect_number(got[0], want_w.item(), f"{what}: final w")
        expect_number(got[1], want_b.item(), f"{what}: final b")


class TestLearningRates:
    def test_too_small_and_too_large(self, student):
        got = expect_sequence(student.call("learning_rates"), 2, "learning_rates()", "a pair (too_small, too_large)")
        too_small, too_large = (expect_finite(v, f"learning_rates(): {name}") for v, name in zip(got, ("too_small", "too_large")))
        if not (too_small > 0 and too_large > 0):
            fail(f"learning_rates(): both learning rates should be positive, got {got}")
        pieces = (reference.half_mse, reference.gradient_step)
        small = reference.fit_line(LESSON_X, LESSON_Y, too_small, 50, *pieces)[2]
        if not small[-1] > 0.5 * small[0]:
            fail(f"learning_rates(): with lr = {too_small} the loss falls from {small[0]:.3g} to {small[-1]:.3g} "
                 "in 50 steps: that is not too small")
        large = reference.fit_line(LESSON_X, LESSON_Y, too_large, 50, *pieces)[2]
        if not large[-1] > large[0]:
            fail(f"learning_rates(): with lr = {too_large} the loss goes from {large[0]:.3g} to {large[-1]:.3g} "
                 "in 50 steps: it does not grow, so it is not too large")
