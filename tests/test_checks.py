"""Hidden-test comparisons fail with messages a student can act on, and tolerate float32 noise."""
import pytest
import torch

from autograder.checks import CheckFailed, expect_number, expect_tensor
from autograder.wire import Opaque


def message(fn, *args, **kwargs):
    with pytest.raises(CheckFailed) as failure:
        fn(*args, **kwargs)
    return str(failure.value)


def test_messages_name_the_difference():
    want = torch.zeros(5, 3)
    assert message(expect_tensor, torch.zeros(3, 5), want, "f()") == "f(): expected shape (5, 3), got (3, 5)"
    assert "expected dtype torch.float32, got torch.int64" in message(
        expect_tensor, torch.zeros(5, 3, dtype=torch.long), want, "f()")
    assert "your tensor is on cpu, expected meta" in message(
        expect_tensor, torch.zeros(5, 3), torch.empty(5, 3, device="meta"), "f()")
    assert "expected a torch.Tensor, got numpy.ndarray" in message(expect_tensor, Opaque("numpy.ndarray"), want, "f()")
    wrong = torch.zeros(5, 3)
    wrong[1, 2] = 4.0
    assert "1 of 15 values are wrong; at index (1, 2) expected 0, got 4" in message(expect_tensor, wrong, want, "f()")
    assert "NaN" in message(expect_tensor, torch.full((5, 3), float("nan")), want, "f()")


def test_float32_noise_is_tolerated_but_real_errors_are_not():
    torch.manual_seed(0)
    a, b = torch.randn(64, 64), torch.randn(64, 64)
    exact = (a.double() @ b.double()).float()
    expect_tensor(a @ b, exact, "a @ b")  # float32 summation order differs from float64
    with pytest.raises(CheckFailed):
        expect_tensor(exact * 1.001, exact, "a @ b")


def test_numbers():
    expect_number(0.15124513, 0.1512451320886612, "d")
    expect_number(torch.tensor(2.0), 2.0, "x")
    assert "expected a number, got str" in message(expect_number, "2.0", 2.0, "x")
