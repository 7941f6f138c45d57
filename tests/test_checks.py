"""Hidden-test comparisons fail with messages a student can act on, and tolerate float32 noise."""
import pytest
import torch

from autograder.checks import CheckFailed, expect_number, expect_tensor, on_input
from autograder.sandbox.inside.codec import Opaque


def message(fn, *args, **kwargs):
    with pytest.raises(CheckFailed) as failure:
        fn(*args, **kwargs)
    return str(failure.value)


def test_messages_name_the_difference():
    want = torch.zeros(5, 3)
    assert message(expect_tensor, torch.ones(3, 5), want, "f()") == "f(): expected shape (5, 3), got (3, 5)"
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


def test_a_result_off_by_a_constant_factor_is_named():
    want = torch.tensor([[1.0, -2.0, 3.0], [0.5, 0.0, 4.0]])
    assert "the sign of your result is flipped" in message(expect_tensor, -want, want, "f()")
    assert "is a factor 1/2 missing?" in message(expect_tensor, 2 * want, want, "f()")
    assert "a sum where a mean (1/m) belongs?" in message(expect_tensor, 6 * want, want, "f()", sizes={"m": 6})
    assert "the expected one transposed" in message(expect_tensor, want.T.contiguous(), want, "f()")
    assert "is a factor 1/2 missing?" in message(expect_number, 3.0, 1.5, "n")
    assert "values are wrong" in message(expect_tensor, want + torch.eye(2, 3), want, "f()")


@pytest.mark.parametrize("answer", [float("nan"), float("inf"), None, True, "1.0", Opaque("object"),
                                    torch.tensor(float("nan")), [1.0]])
def test_numbers_fail_closed(answer):
    with pytest.raises(CheckFailed):
        expect_number(answer, 1.0, "n", rtol=1.0, atol=1.0)


@pytest.mark.parametrize("answer", [torch.full((2,), float("nan")), torch.tensor([1.0, float("inf")]), None,
                                    Opaque("torch.Tensor"), [1.0, 1.0], torch.empty(2, device="meta")])
def test_tensors_fail_closed(answer):
    with pytest.raises(CheckFailed):
        expect_tensor(answer, torch.ones(2), "t", rtol=10.0, atol=10.0)


def test_a_meta_answer_is_graded_on_shape_dtype_and_device_only():
    expect_tensor(torch.empty(2, 3, device="meta"), torch.empty(2, 3, device="meta"), "t")
    with pytest.raises(CheckFailed, match="expected shape"):
        expect_tensor(torch.empty(3, 2, device="meta"), torch.empty(2, 3, device="meta"), "t")


def test_a_range_check_fails_closed_on_nan_and_meta():
    from autograder.checks import expect_in_range
    for answer in (torch.tensor([0.5, float("nan")]), torch.empty(2, device="meta")):
        with pytest.raises(CheckFailed):
            expect_in_range(answer, 0, 1, "r")


def test_a_python_float_is_asked_strictly():
    from autograder.checks import expect_python_float
    assert expect_python_float(2.5, "x") == 2.5
    for answer, words in ((torch.tensor(2.5), ".item()"), (2, "got int"), (float("nan"), "finite"), (None, "None")):
        with pytest.raises(CheckFailed, match=words):
            expect_python_float(answer, "x")


def test_distinct_values_and_a_list_are_asked_strictly():
    from autograder.checks import expect_distinct, expect_list
    assert expect_distinct(["A", "B"], "names") == ["A", "B"]
    with pytest.raises(CheckFailed, match="'A' more than once"):
        expect_distinct(["A", "B", "A"], "names")
    assert expect_list(["A"], "names") == ["A"]
    with pytest.raises(CheckFailed, match="sorted"):
        expect_list({"A"}, "names")
    with pytest.raises(CheckFailed, match="got tuple"):
        expect_list(("A",), "names")


def test_an_overflow_to_nan_or_inf_is_growth():
    from autograder.checks import loss_has_grown
    assert loss_has_grown(1.0, float("nan")) and loss_has_grown(1.0, float("inf")) and loss_has_grown(1.0, 2.0)
    assert not loss_has_grown(2.0, 1.0)


def test_torchs_own_not_implemented_error_is_not_called_a_stub():
    from autograder.grading.student_process import StudentCodeError
    stub = StudentCodeError("add_on(x, y)", {"ename": "NotImplementedError", "evalue": "",
                                             "where": "line 3: raise NotImplementedError()"})
    assert "add_on is not implemented yet" in str(stub)
    torch_error = StudentCodeError("add_on(x, y)", {"ename": "NotImplementedError",
                                                    "evalue": "Could not run 'aten::add' with arguments from the 'Meta' backend",
                                                    "where": "line 2: return a + b.to(device)"})
    assert "not implemented yet" not in str(torch_error)
    assert "raised NotImplementedError: Could not run 'aten::add'" in str(torch_error)


def test_a_failure_names_the_input_it_failed_on_after_its_cause():
    x, batch = torch.tensor([[1.0, 2.0], [3.0, 4.5]]), torch.arange(50.0).reshape(25, 2)
    with on_input(x=x, batch=batch, lr=0.1):
        text = message(expect_tensor, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0]), "f(x)")
    assert text.startswith("f(x): 1 of 2 values are wrong"), "the cause comes first"
    assert text.endswith("(input: x = tensor([[1., 2.], [3., 4.5]]), batch = a tensor of shape (25, 2), "
                         "values from 0 to 49, lr = 0.1)"), text
    assert "input" not in message(expect_number, 2.0, 3.0, "f(x)"), "outside on_input nothing is added"
    with on_input(x=torch.zeros(3, device="meta"), text="a" * 500):
        text = message(expect_number, float("nan"), 3.0, "f(x)")
    assert text.startswith("f(x): expected a finite number, got nan (input: x = a tensor of shape (3,), device='meta'")
    assert len(text) < 300 and text.endswith("…)"), "a large input is shortened"
