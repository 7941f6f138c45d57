"""Hidden tests of source/autograd/autograd.ipynb; the oracle is solutions/autograd.py.

Graphs for the graph-walking items are built in the worker from the grader's leaves with
torch's own functions, and `gradients` gets functions the grader defines there, so each task
is graded on its own, on expressions the student's code has not seen.
"""
import math
import re
from collections import Counter

import pytest
import torch

from autograder.checks import (expect_distinct, expect_equal, expect_list, expect_number, expect_python_float,
                               expect_sequence, expect_tensor, expect_text, fail, on_input)
from autograder.grading.student_process import StudentCodeError
from solutions import autograd as reference

POINTS = [(1.7, 0.4), (0.5, 1.5), (1.0, -0.3), (-1.2, 2.5)]  # not the notebook's (2, 3)


def by_hand(x, y):
    """The derivative of d = exp(sin(xy)) / (x + y), derived by hand (the lesson's quotient rule)."""
    u = math.exp(math.sin(x * y))
    return ((u * math.cos(x * y) * y * (x + y) - u) / (x + y) ** 2,
            (u * math.cos(x * y) * x * (x + y) - u) / (x + y) ** 2)


def leaf(value, device):
    return torch.tensor(value, dtype=torch.float32, device=device, requires_grad=True)


def build(student, expression, values, device):
    """`expression` on fresh leaves, both here (for the oracle) and in the worker (for the student)."""
    local = [leaf(v, device) for v in values]
    remote = [student.put(t) for t in local]
    return expression(lambda name, *args: getattr(torch, name)(*args), local), \
        expression(lambda name, *args: student.keep(f"torch.{name}", *args), remote), local, remote


EXPRESSIONS = {
    "exp(sin(a * b)) / (a + b)": lambda op, t: op("div", op("exp", op("sin", op("mul", t[0], t[1]))), op("add", t[0], t[1])),
    "tanh(a * b) + a": lambda op, t: op("add", op("tanh", op("mul", t[0], t[1])), t[0]),
    "sum((a - b) ** 2)": lambda op, t: op("sum", op("pow", op("sub", t[0], t[1]), 2)),
    "sigmoid(a) / exp(b)": lambda op, t: op("div", op("sigmoid", t[0]), op("exp", t[1])),
}


MAX_GRAPH_SOURCE = 100_000


def graph_structure(dot_source: str) -> Counter:
    """Edges of a torchviz drawing as (label, label) pairs: node ids are memory addresses, labels
    are not. Only a label's first line counts, and only plain edges: drawings with show_attrs or
    show_saved add lines and saved-tensor nodes that the task leaves open."""
    labels = {node: label.strip('"').split("\n")[0] for node, label in
              re.findall(r'^[ \t]*(\d+) \[label=("[^"]*"|[^\s\]]+)', dot_source, re.MULTILINE)}
    edges = re.findall(r"^[ \t]*(\d+) -> (\d+)[ \t]*$", dot_source, re.MULTILINE)
    return Counter((labels.get(a, "?"), labels.get(b, "?")) for a, b in edges)


# Graphs that only operation_names is graded on: an operation that repeats (the names must be
# distinct) and an input that needs no gradient (a None in next_functions)
NAME_EXPRESSIONS = {
    **EXPRESSIONS,
    "sin(a) * sin(b) + a * b": lambda op, t: op("add", op("mul", op("sin", t[0]), op("sin", t[1])), op("mul", t[0], t[1])),
    "3 * a + b": lambda op, t: op("add", op("mul", t[0], 3.0), t[1]),
}


def check_names(got, want, what):
    """The sorted list of distinct names, each way of missing it named."""
    names = type(got) in (list, tuple) and all(type(item) is str for item in got)
    if names and "AccumulateGrad" in got:
        fail(f"{what}: leave out AccumulateGrad (the nodes of the leaves), got {got}")
    if names and "NoneType" in got:
        fail(f"{what}: the None entries of next_functions (inputs that need no gradient) are not nodes: skip them")
    expect_list(got, what)
    expect_distinct(got, what + " (a graph in which an operation repeats lists it once)")
    if sorted(got, key=str) == want and got != want:
        fail(f"{what}: the names are right but not sorted: return sorted(names), got {got}")
    expect_equal(got, want, what)


def call_operation_names(student, remote, what):
    try:
        return student.call("operation_names", remote)
    except StudentCodeError as error:
        if "'NoneType' object has no attribute" in error.evalue:
            fail(f"{what} raised {error.ename}: {error.evalue[:120]}: next_functions holds (None, 0) for an "
                 "input that needs no gradient; skip None")
        raise


class TestLeaves:
    @pytest.mark.parametrize("x_value, y_value", [(1.5, -2.0), (-0.5, 4.25), (3, -2)])
    def test_scalar_leaves_that_require_grad(self, student, x_value, y_value):
        try:
            pair = student.keep("make_leaves", x_value, y_value)
        except StudentCodeError as error:
            if "floating point" in error.evalue:
                fail(f"make_leaves({x_value}, {y_value}) raised {error.ename}: {error.evalue[:100]}: the values may be "
                     "ints, and the leaves must be float32 (torch.tensor(value, dtype=torch.float32, requires_grad=True))")
            raise
        expected = reference.make_leaves(x_value, y_value)
        if pair.type_name not in ("tuple", "list") or student.call(pair.attr("__len__")) != 2:
            fail(f"make_leaves({x_value}, {y_value}): expected a pair (x, y) (a tuple or list of two tensors), "
                 f"got {pair.type_name}" + (f" of length {student.call(pair.attr('__len__'))}"
                                           if pair.type_name in ("tuple", "list") else ""))
        for index, name in enumerate("xy"):
            remote = student.keep(pair.attr("__getitem__"), index)
            what = f"{name} from make_leaves({x_value}, {y_value})"
            expect_tensor(student.get(remote), expected[index].detach(), what)
            if student.get(remote.attr("requires_grad")) is not True:
                fail(f"{what}: requires_grad should be True (torch.tensor(..., requires_grad=True))")
            if student.get(remote.attr("is_leaf")) is not True:
                fail(f"{what}: should be a leaf tensor, created directly, not computed from another tensor")


class TestComputeD:
    @pytest.mark.parametrize("x_value, y_value", POINTS)
    def test_value_and_graph(self, student, device, x_value, y_value):
        """The value, and gradients that flow back through the student's d to the grader's leaves."""
        x, y = leaf(x_value, device), leaf(y_value, device)
        remote_x, remote_y = student.put(x), student.put(y)
        d = student.keep("compute_d", remote_x, remote_y)
        what = f"compute_d(x, y) at x={x_value}, y={y_value}"
        expect_tensor(student.get(d), reference.compute_d(x, y).detach(), what)
        if student.get(d.attr("requires_grad")) is not True:
            fail(f"{what}: the result is not connected to the graph; compute it from x and y with tensor "
                 "operations (no .item(), no new torch.tensor)")
        student.call(d.attr("backward"))
        for name, remote, want in zip("xy", (remote_x, remote_y), by_hand(x_value, y_value)):
            grad = student.get(remote.attr("grad"))
            if grad is None:
                fail(f"{what}: backward() left {name}.grad empty: d is not computed from {name} in the graph")
            expect_number(grad, want, f"{what}: dd/d{name} after d.backward() (is every step a tensor operation on "
                                      "x and y, with no math.*, .item() or .data?)", rtol=1e-3, atol=1e-5)


# Functions of two scalar tensors that `gradients` is graded on, defined in the worker by the grader:
# functions of its own (the lesson's d is the answer of compute_d, and the student's process can read
# what it receives).
FUNCTIONS = {
    "log(1 + x ** 2) * cos(y)": "def f(x, y):\n    return torch.log(1 + x ** 2) * torch.cos(y)\n",
    "x * y ** 2": "def f(x, y):\n    return x * y ** 2\n",
    "tanh(x - 2y) + x": "def f(x, y):\n    return torch.tanh(x - 2 * y) + x\n",
}


def local_function(code):
    namespace = {"torch": torch}
    exec(code, namespace)
    return namespace["f"]


def call_gradients(student, f, name, x_value, y_value):
    what = f"gradients(f, {x_value}, {y_value}) for f = {name}"
    try:
        result = student.call("gradients", f, x_value, y_value)
    except StudentCodeError as error:
        if "a second time" in error.evalue:
            fail(f"{what}: backward() was called twice on the same graph; call it once")
        if "modified by an inplace operation" in error.evalue:
            fail(f"{what}: backward() failed because an in-place operation (+=, /=, or a "
                 "method ending in _) changed a value it needs: compute with out-of-place operations")
        raise
    pair = expect_sequence(result, 2, what, "a pair (df_dx, df_dy)")
    for label, value in zip(("df/dx", "df/dy"), pair):
        expect_python_float(value, f"{what}: {label}")
    return what, pair


# A function of the grader's own that records the leaves it is given, for the task's "scalar float32,
# requires_grad=True" (float64 or int leaves give the right numbers on these points otherwise).
LEAF_PROBE = """
class LeafProbe:
    def __init__(self):
        self.seen = []

    def __call__(self, x, y):
        self.seen.append([(str(t.dtype), tuple(t.shape), bool(t.requires_grad), bool(t.is_leaf)) for t in (x, y)])
        return x * y ** 2
"""


class TestGradients:
    @pytest.mark.parametrize("x_value, y_value", [(0.3, -1.7), (2.5, 1.25)])
    def test_scalar_float32_leaves(self, student, x_value, y_value):
        """The task: "Make fresh leaves x and y (scalar float32, requires_grad=True)": f sees them."""
        probe = student.keep(student.define(LEAF_PROBE, "LeafProbe"))
        what, result = call_gradients(student, probe, "x * y ** 2", x_value, y_value)
        seen = student.get(probe.attr("seen"))
        if type(seen) is not list or len(seen) != 1 or type(seen[0]) is not list or len(seen[0]) != 2:
            fail(f"f was called {len(seen) if type(seen) is list else '?'} times, expected once, f(x, y); {what}")
        for name, (dtype, shape, requires_grad, is_leaf) in zip("xy", seen[0]):
            if dtype != "torch.float32":
                fail(f"the leaf {name} is {dtype.removeprefix('torch.')}, expected float32: make it with "
                     f"torch.tensor(value, dtype=torch.float32, requires_grad=True); {what}")
            if tuple(shape) != ():
                fail(f"the leaf {name} has shape {tuple(shape)}, expected a scalar (shape ()): torch.tensor(value), "
                     f"not torch.tensor([value]); {what}")
            if not requires_grad or not is_leaf:
                fail(f"{name} is not a leaf that requires grad: make it with requires_grad=True; {what}")
        for label, got, want in zip(("df/dx", "df/dy"), result,
                                    reference.gradients(local_function(FUNCTIONS["x * y ** 2"]), x_value, y_value)):
            expect_number(got, want, f"{what}: {label}")

    @pytest.mark.parametrize("name", FUNCTIONS)
    @pytest.mark.parametrize("x_value, y_value", POINTS[:2])
    def test_against_autograd(self, student, name, x_value, y_value):
        what, result = call_gradients(student, student.define(FUNCTIONS[name], "f"), name, x_value, y_value)
        oracle = reference.gradients(local_function(FUNCTIONS[name]), x_value, y_value)
        lesson = by_hand(x_value, y_value)  # the lesson's d, whose gradients the oracle agrees with
        assert all(abs(want - hand) < 1e-4 for want, hand in
                   zip(reference.gradients(reference.compute_d, x_value, y_value), lesson))
        if all(abs(got - hand) < 1e-4 for got, hand in zip(result, lesson)):
            fail(f"{what}: these are the gradients of the lesson's d, not of f: compute f(x, y), the function "
                 "passed in, not compute_d")
        for label, got, want in zip(("df/dx", "df/dy"), result, oracle):
            expect_number(got, want, f"{what}: {label}")

    def test_int_values(self, student):
        """The leaves are float32 whatever the values are: ints too."""
        f, name = student.define(FUNCTIONS["x * y ** 2"], "f"), "x * y ** 2"
        try:
            what, result = call_gradients(student, f, name, 2, -1)
        except StudentCodeError as error:
            if "floating point" in error.evalue:
                fail(f"gradients(f, 2, -1) for f = {name} raised {error.ename}: {error.evalue[:100]}: the values may "
                     "be ints, and the leaves must be float32 (torch.tensor(value, dtype=torch.float32, requires_grad=True))")
            raise
        for label, got, want in zip(("df/dx", "df/dy"), result, reference.gradients(local_function(FUNCTIONS[name]), 2, -1)):
            expect_number(got, want, f"{what}: {label}")

    def test_gradients_do_not_accumulate(self, student):
        f, name = student.define(FUNCTIONS["x * y ** 2"], "f"), "x * y ** 2"
        oracle = reference.gradients(local_function(FUNCTIONS[name]), 0.7, 1.1)
        for call in ("first", "second"):
            what, result = call_gradients(student, f, name, 0.7, 1.1)
            for label, got, want in zip(("df/dx", "df/dy"), result, oracle):
                expect_number(got, want, f"{what}, {call} call: {label}" + (
                    " (gradients accumulate in .grad: start from fresh leaves each call)" if call == "second" else ""))


class TestOperationNames:
    @pytest.mark.parametrize("name", NAME_EXPRESSIONS)
    def test_other_graphs(self, student, device, name):
        local, remote, _, _ = build(student, NAME_EXPRESSIONS[name], (0.3, -1.4), device)
        what = f"operation_names(output) for output = {name}"
        check_names(call_operation_names(student, remote, what), reference.operation_names(local), what)


class TestDrawGraph:
    @pytest.mark.parametrize("name", EXPRESSIONS)
    def test_structure(self, student, device, name):
        local, remote, local_leaves, remote_leaves = build(student, EXPRESSIONS[name], (0.8, 0.6), device)
        names = ("x", "y") if name.startswith("exp(sin") else ("a", "b")
        drawing = student.keep("draw_graph", remote, dict(zip(names, remote_leaves)))
        source = student.get(drawing.attr("source"))
        if type(source) is not str:
            fail(f"draw_graph for {name}: expected torchviz.make_dot's graph, got {drawing.type_name}")
        # a drawing of these small graphs is a few KB: the grader parses no more than that
        expect_text(source, f"draw_graph for {name}: the graph's source", max_chars=MAX_GRAPH_SOURCE)
        want = graph_structure(reference.draw_graph(local, dict(zip(names, local_leaves))).source)
        got = graph_structure(source)
        if got != want:
            leaves_named = {label for edge in got for label in edge} & set(names)
            if not leaves_named and {label for edge in want for label in edge} & set(names):
                fail(f"draw_graph for {name}: the leaves are not named ({', '.join(names)} missing): pass "
                     "params=params to torchviz.make_dot")
            missing = sorted(set(want) - set(got))[:3]
            fail(f"draw_graph for {name}: the drawing's nodes and edges differ from the graph's "
                 f"(missing edges such as {missing}); pass the output and params=params to torchviz.make_dot")


# Scalar functions of one tensor that numerical_gradient is graded on, defined in the worker by the
# grader. Each couples its entries (an entry of the gradient depends on the others, so perturbing
# several entries at once is wrong), curves strongly (so a forward difference is far off), and the
# last two use x's shape (a flattened x does not do).
SCALAR_FUNCTIONS = {
    "sum(x ** 3) + sum(x) ** 2": "def f(x):\n    return (x ** 3).sum() + x.sum() ** 2\n",
    "sum(exp(2x)) * mean(sin(x))": "def f(x):\n    return torch.exp(2 * x).sum() * torch.sin(x).mean()\n",
    "trace(x @ x.T) ** 2 / 10 + sum(x[0] * x[-1])":
        "def f(x):\n    return torch.trace(x @ x.T) ** 2 / 10 + (x[0] * x[-1]).sum()\n",
    "logsumexp(3x) + sum(x[:, 0] * x[:, -1])":
        "def f(x):\n    return torch.logsumexp(3 * x.flatten(), 0) + (x[:, 0] * x[:, -1]).sum()\n",
}
# (function, shape of x, h, seed): every h is large enough that the centred difference with the h
# given and with a small h of the student's own (1e-5) differ beyond float64's tolerance.
NUMERICAL_CASES = [
    ("sum(x ** 3) + sum(x) ** 2", (5,), 0.05, 61),
    ("sum(exp(2x)) * mean(sin(x))", (6,), 0.02, 62),
    ("trace(x @ x.T) ** 2 / 10 + sum(x[0] * x[-1])", (3, 4), 0.03, 63),
    ("logsumexp(3x) + sum(x[:, 0] * x[:, -1])", (2, 3, 2), 0.01, 64),
]


def float64_point(shape, seed):
    """A float64 x on the cpu, as the task says gradient checks run."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=torch.float64) * 0.8


def one_sided(f, x, h, forward):
    """(f(x + h e_i) - f(x)) / h (forward) or (f(x) - f(x - h e_i)) / h, entry by entry."""
    grad = torch.empty_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step.view(-1)[i] = h
        grad.view(-1)[i] = (f(x + step) - f(x)) / h if forward else (f(x) - f(x - step)) / h
    return grad


def all_entries_at_once(f, x, h):
    """Every entry moved by h together: the slope along (1, 1, ...), the same in every entry."""
    return torch.full_like(x, float((f(x + h) - f(x - h)) / (2 * h)))


def rows_at_once(f, x, h):
    """x[i] with one index: a whole row (of a 2-D or 3-D x) moved by h, its slope in each of its entries."""
    grad = torch.empty_like(x)
    for i in range(len(x)):
        step = torch.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def numerical_diagnosis(got, f, x, h, want):
    """The likely mistake behind a result of the right shape that is not the centred difference."""
    if not isinstance(got, torch.Tensor) or got.shape != want.shape or got.is_meta or not bool(torch.isfinite(got).all()):
        return None
    got = got.detach().cpu().double()

    def matches(other):
        return bool(torch.allclose(got, other, rtol=1e-6, atol=1e-9)) and not bool(torch.allclose(other, want, rtol=1e-6, atol=1e-9))

    candidates = [
        (one_sided(f, x, h, True), "the forward difference (f(x + h e_i) - f(x)) / h: use the centred "
                                   "difference (f(x + h e_i) - f(x - h e_i)) / 2h, whose error is of order h², not h"),
        (one_sided(f, x, h, False), "the backward difference (f(x) - f(x - h e_i)) / h: use the centred "
                                    "difference (f(x + h e_i) - f(x - h e_i)) / 2h"),
        (all_entries_at_once(f, x, h), "every entry moved by h at once (x + h): perturb one entry at a time, "
                                       "x + h e_i, with e_i 1 at entry i only"),
        (reference.numerical_gradient(f, x, 1e-5), f"the centred difference with h = 1e-5, not with the h given "
                                                   f"({h:g}): use the h passed in"),
        (reference.numerical_gradient(f, x.float(), h).double(), "computed in float32: keep x's dtype, float64 "
                                                                   "(x.float() or torch.zeros(shape) lose the digits)"),
    ]
    if x.dim() > 1:
        candidates.append((rows_at_once(f, x, h), "each row moved by h at once: for a 2-D or 3-D x, x[i] with "
                                                  "one index is a whole row; perturb one entry at a time"))
    for other, words in candidates:
        if matches(other):
            return words
    return None


class TestNumericalGradient:
    @pytest.mark.parametrize("name, shape, h, seed", NUMERICAL_CASES)
    def test_centred_differences(self, student, name, shape, h, seed):
        x = float64_point(shape, seed)
        f = local_function(SCALAR_FUNCTIONS[name])
        what = f"numerical_gradient(f, x, h={h:g}) for f = {name} and a float64 x of shape {shape}"
        with on_input(x=x):
            got = student.call("numerical_gradient", student.define(SCALAR_FUNCTIONS[name], "f"), x, h)
            want = reference.numerical_gradient(f, x, h)
            # the oracle is the centred difference, close to autograd's gradient
            leaf = x.clone().requires_grad_()
            f(leaf).backward()
            assert torch.allclose(want, leaf.grad, rtol=1e-2, atol=1e-3)
            if isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype != want.dtype:
                fail(f"{what}: expected a float64 tensor, as x is, got {got.dtype} (torch.zeros(shape) makes float32; "
                     "torch.zeros_like(x) keeps x's dtype)")
            words = numerical_diagnosis(got, f, x, h, want)
            if words:
                fail(f"{what}: your result is {words}")
            expect_tensor(got, want, what)

    @pytest.mark.parametrize("name, shape, h, seed", [("sum(x ** 3) + sum(x) ** 2", (4,), 0.03, 66),
                                                      ("trace(x @ x.T) ** 2 / 10 + sum(x[0] * x[-1])", (1, 3), 0.013, 67)])
    def test_the_h_given_to_its_last_digit(self, student, name, shape, h, seed):
        """The task: "with the h given". A float64 h that float32 cannot hold (0.03, 0.013: off by 2e-8):
        a step made in float32 (torch.zeros(x.shape)) moves x by another h, which shows at a tolerance of 1e-10."""
        x = float64_point(shape, seed)
        f = local_function(SCALAR_FUNCTIONS[name])
        what = f"numerical_gradient(f, x, h={h:g}) for f = {name} and a float64 x of shape {shape}"
        with on_input(x=x):
            got = student.call("numerical_gradient", student.define(SCALAR_FUNCTIONS[name], "f"), x, h)
            want = reference.numerical_gradient(f, x, h)
            close = dict(rtol=1e-10, atol=1e-10 * float(want.abs().max()))
            if isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype == want.dtype and not got.is_meta:
                rounded = float(torch.tensor(h, dtype=torch.float32))
                in_float32 = reference.numerical_gradient(f, x, rounded) * (rounded / h)  # x moved by h in float32
                if torch.allclose(got, in_float32, **close) and not torch.allclose(got, want, **close):
                    fail(f"x moved by h rounded to float32 ({rounded!r}), not by h = {h!r}: make the step in x's dtype "
                         f"(torch.zeros_like(x); torch.zeros(x.shape) is float32); {what}")
            words = numerical_diagnosis(got, f, x, h, want)
            if words:
                fail(f"{what}: your result is {words}")
            expect_tensor(got, want, what, **close)

    @pytest.mark.side
    def test_leaves_x_unchanged(self, student):
        """The task: "Leave x as it was"; perturbing x in place and not restoring it changes the caller's x."""
        x = float64_point((3, 4), 65)
        remote = student.put(x)
        f = SCALAR_FUNCTIONS["trace(x @ x.T) ** 2 / 10 + sum(x[0] * x[-1])"]
        what = "numerical_gradient(f, x, h=0.001)"
        got = student.call("numerical_gradient", student.define(f, "f"), remote, 1e-3)
        expect_tensor(got, reference.numerical_gradient(local_function(f), x, 1e-3), what)
        after = student.get(remote)
        if isinstance(after, torch.Tensor) and after.shape == x.shape and after.dtype == x.dtype and \
                not bool(torch.equal(after, x)):
            if bool(torch.allclose(after, x, rtol=1e-12, atol=0.0)):
                fail(f"{what} changed the caller's x in its last digits: in floating point (x + h) - 2h + h is not "
                     "always exactly x; save the old value and put it back, or perturb a copy")
            fail(f"{what} changed the caller's x: restore each entry after perturbing it, or perturb a copy")
        expect_tensor(after, x, f"{what}: the caller's x afterwards", rtol=0.0, atol=0.0)


# (a, b, the relative error): entries where both are 0, where one is 0, tiny ones, negative ones
def float64(values):
    return torch.tensor(values, dtype=torch.float64)


RELATIVE_CASES = {
    "a 0/0 entry": (float64([[1.0, -2.0, 0.0], [4.0, 0.5, 3.0]]), float64([[1.02, -2.1, 0.0], [4.0, 0.45, 3.03]])),
    "tiny entries": (float64([1e-12, 2.0, -7.5]), float64([3e-12, 2.002, -7.5])),
    "one side 0": (float64([0.0, 1.0, 5.0, -1.0]), float64([0.25, 1.0, 5.5, -1.0])),
    "negative entries": (float64([-2.0, 1.0, -3.0]), float64([-1.0, 1.1, -3.0])),
    "a 3-D pair": (float64([[[3.0, 1e-3], [0.0, -8.0]], [[2.0, 2.0], [6.0, 0.0]]]),
                   float64([[[3.3, 1.2e-3], [0.0, -8.8]], [[2.0, 2.1], [6.0, 0.0]]])),
}


def entry_errors(a, b, denominator):
    scale = denominator(a.abs(), b.abs())
    return torch.where((a == 0) & (b == 0), torch.zeros_like(a), (a - b).abs() / scale)


def relative_diagnosis(got, a, b, want):
    """The likely mistake behind a number that is not the largest relative error."""
    both_zero, scale = (a == 0) & (b == 0), torch.maximum(a.abs(), b.abs())
    mistakes = [
        (float(torch.where(both_zero, torch.zeros_like(a), (a - b) / scale).max()),
         "a signed difference a_i - b_i: take its absolute value |a_i - b_i| before dividing"),
        (float(torch.where(both_zero, torch.zeros_like(a), (b - a) / scale).max()),
         "a signed difference b_i - a_i: take its absolute value |a_i - b_i| before dividing"),
        (float(entry_errors(a, b, torch.maximum).mean()), "the mean of the entries' relative errors: return the largest"),
        (float(entry_errors(a, b, lambda p, q: p + q).max()), "divided by |a_i| + |b_i|: the task divides by "
                                                                 "max(|a_i|, |b_i|)"),
        (float(entry_errors(a, b, lambda p, q: torch.maximum(torch.maximum(p, q), torch.full_like(p, 1e-8))).max()),
         "with a floor under the denominator (max(..., 1e-8)): tiny entries are compared by the formula too, "
         "only 0/0 counts as 0"),
        (float((a - b).abs().max()), "the absolute error |a_i - b_i|: divide each by max(|a_i|, |b_i|)"),
        (float((a - b).abs().max() / torch.maximum(a.abs().max(), b.abs().max())),
         "the largest difference divided by the largest entry: divide entry by entry, then take the largest"),
    ]
    for value, words in mistakes:
        if math.isfinite(value) and abs(got - value) <= 1e-6 * max(1.0, abs(value)) and abs(value - want) > 1e-6 * max(1.0, abs(want)):
            return words
    one_sided = [(entry_errors(a, b, lambda p, q: q), "|b_i|"), (entry_errors(a, b, lambda p, q: p), "|a_i|")]
    for errors, name in one_sided:
        finite = errors[torch.isfinite(errors)]
        if finite.numel() and abs(got - float(finite.max())) <= 1e-6 * max(1.0, float(finite.max())) and \
                abs(float(finite.max()) - want) > 1e-6:
            return f"divided by {name} alone: divide by max(|a_i|, |b_i|), so that the order of a and b does not matter"
    return None


class TestRelativeError:
    @pytest.mark.parametrize("name", RELATIVE_CASES)
    @pytest.mark.parametrize("swapped", [False, True])
    def test_largest_relative_error(self, student, name, swapped):
        a, b = RELATIVE_CASES[name]
        if swapped:
            a, b = b, a
        what = f"relative_error(a, b) for {name} (a = {a.flatten().tolist()}, b = {b.flatten().tolist()})"
        got = student.call("relative_error", a, b)
        want = reference.relative_error(a, b)
        if isinstance(got, float) and math.isnan(got) and (torch.logical_and(a == 0, b == 0)).any():
            fail(f"{what}: got nan: an entry where a and b are both 0 is 0 / 0; it should count as 0")
        expect_python_float(got, what)
        words = relative_diagnosis(got, a, b, want)
        if words:
            fail(f"relative_error(a, b) for {name}: your result is {words} (a = {a.flatten().tolist()}, "
                 f"b = {b.flatten().tolist()})")
        expect_number(got, want, what, rtol=1e-9, atol=1e-12)

    @pytest.mark.side
    def test_zeros_only(self, student):
        """Two tensors of zeros agree exactly: 0.0 (side: a constant 0.0 gets it too, so it counts only
        for an answer that is right on the pairs above)."""
        zeros = torch.zeros(2, 3, dtype=torch.float64)
        what = "relative_error(a, b) for two tensors of zeros"
        got = student.call("relative_error", zeros, zeros.clone())
        if isinstance(got, float) and math.isnan(got):
            fail(f"{what}: got nan: an entry where a and b are both 0 is 0 / 0; it should count as 0")
        expect_python_float(got, what)
        expect_number(got, 0.0, what, rtol=0.0, atol=0.0)
