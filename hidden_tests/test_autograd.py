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

from autograder.checks import (constant_factor, expect_distinct, expect_equal, expect_list, expect_number,
                               expect_python_float, expect_sequence, expect_tensor, expect_text, fail, kind_of,
                               name_factor, on_input)
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


def intermediate_by_hand(x, y):
    """(dd/da, dd/db, dd/dc) of the lesson's d: dd/dc = 1/(x + y), dd/db = c/(x + y) = d, dd/da = cos(a) d."""
    d = math.exp(math.sin(x * y)) / (x + y)
    return math.cos(x * y) * d, d, 1 / (x + y)


class TestIntermediateGradients:
    @pytest.mark.parametrize("x_value, y_value", POINTS + [(2, -5)])
    def test_gradients_of_the_steps(self, student, x_value, y_value):
        """The triple at points other than the notebook's, one of them ints ("the values may be ints");
        the leaves' gradients, the steps' values or another order are named."""
        what = f"intermediate_gradients({x_value}, {y_value})"
        try:
            result = student.call("intermediate_gradients", x_value, y_value)
        except StudentCodeError as error:
            if "floating point" in error.evalue:
                fail(f"int leaves: the values may be ints, and only a float tensor can require gradients "
                     f"(dtype=torch.float32); {what} raised {error.ename}: {error.evalue[:100]}")
            if "'NoneType' object has no attribute" in error.evalue or "unsupported operand type(s)" in error.evalue:
                fail(f"the .grad of a, b or c is None: after backward() only leaves keep .grad unless you ask "
                     f"PyTorch to keep a step's; {what} raised {error.ename}: {error.evalue[:100]}")
            raise
        triple = expect_sequence(result, 3, what, "a triple (dd/da, dd/db, dd/dc)")
        for label, value in zip(("dd/da", "dd/db", "dd/dc"), triple):
            expect_python_float(value, f"{what}: {label}")
        want = intermediate_by_hand(x_value, y_value)
        leaves = by_hand(x_value, y_value)
        values = (x_value * y_value, math.sin(x_value * y_value), math.exp(math.sin(x_value * y_value)))
        for mistake, words in ((leaves, "the gradients of the leaves x and y: return those of a, b and c"),
                               (values, "the values of a, b and c, not their gradients"),
                               (want[::-1], "in the order (dd/dc, dd/db, dd/da): return (dd/da, dd/db, dd/dc)")):
            if all(abs(g - m) < 1e-4 * max(1.0, abs(m)) for g, m in zip(triple, mistake)) and \
                    not all(abs(m - w) < 1e-4 * max(1.0, abs(w)) for m, w in zip(mistake, want)):
                fail(f"your result is {words}; {what}")
        for label, got, expected in zip(("dd/da", "dd/db", "dd/dc"), triple, want):
            expect_number(got, expected, f"{what}: {label}", rtol=1e-3, atol=1e-5)


# Functions of two scalar tensors that `gradients` is graded on, defined in the worker by the grader:
# functions of its own (the student's process can read what it receives).
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
                   zip(reference.gradients(lambda x, y: torch.exp(torch.sin(x * y)) / (x + y), x_value, y_value), lesson))
        if all(abs(got - hand) < 1e-4 for got, hand in zip(result, lesson)):
            fail(f"{what}: these are the gradients of the lesson's d, not of f: compute f(x, y), the function "
                 "passed in")
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


# (y from the leaves, the leaves' values, v): the lesson's graph and two others, y of three shapes, v
# with unequal entries (with v all ones, y.sum() would do)
VECTOR_CASES = {
    "y = x * 2 with x of shape (1, 2), the lesson's": (
        lambda op, t: op("mul", t[0], 2.0), ([[0.4, -1.3]],), [[0.5, -3.0]]),
    "y = sin(a) * b, 1-D": (
        lambda op, t: op("mul", op("sin", t[0]), t[1]), ([0.3, -1.1, 2.0], [1.5, 0.5, -0.7]), [2.0, -1.0, 0.25]),
    "y = tanh(a @ b), 2 x 2": (
        lambda op, t: op("tanh", op("matmul", t[0], t[1])),
        ([[0.2, -0.5, 1.0], [0.7, 0.1, -0.4]], [[1.0, -0.3], [0.6, 0.8], [-0.2, 0.5]]), [[1.0, -2.0], [0.5, 3.0]]),
}


def leaf_gradients(expression, values, device, v):
    """The leaves' .grad after y.backward(gradient=v), y = expression of fresh leaves."""
    leaves = [leaf(value, device) for value in values]
    expression(lambda name, *args: getattr(torch, name)(*args), leaves).backward(gradient=v)
    return [t.grad for t in leaves]


class TestAsScalar:
    @pytest.mark.parametrize("name", VECTOR_CASES)
    def test_leaf_gradients_as_backward_with_v(self, student, device, name):
        expression, values, v_values = VECTOR_CASES[name]
        v = torch.tensor(v_values, device=device)
        want = leaf_gradients(expression, values, device, v)
        remote = [student.put(leaf(value, device)) for value in values]
        y = expression(lambda op, *args: student.keep(f"torch.{op}", *args), remote)
        what = f"as_scalar(y, v) for {name} and v = {v_values}"
        z = student.keep("as_scalar", y, student.put(v))
        value = student.get(z)
        if not isinstance(value, torch.Tensor) or tuple(value.shape) != ():
            fail("expected a scalar tensor (shape ()), got "
                 + (f"shape {tuple(value.shape)}" if isinstance(value, torch.Tensor) else kind_of(value)) + f"; {what}")
        if student.get(z.attr("requires_grad")) is not True:
            fail(f"the scalar is not connected to y's graph: compute it from y with tensor operations; {what}")
        student.call(z.attr("backward"))
        ones = leaf_gradients(expression, values, device, torch.ones_like(v))
        n = v.numel()
        for index, (handle, expected, of_sum) in enumerate(zip(remote, want, ones)):
            label = f"leaf {index + 1}'s .grad after backward(), {what}"
            grad = student.get(handle.attr("grad"))
            if grad is None:
                fail(f"a leaf's .grad is None after backward(): the scalar does not depend on y; {label}")
            if isinstance(grad, torch.Tensor) and grad.shape == expected.shape and not grad.is_meta:
                if bool(torch.allclose(grad.cpu(), of_sum.cpu(), rtol=1e-4, atol=1e-6)):
                    fail(f"the gradient of y.sum(), as if v were all ones: make entry i of y count v_i times; {label}")
                factor = constant_factor(grad, expected)
                if factor is not None and abs(factor * n - 1) < 1e-4:
                    fail(f"1/n of the vector-Jacobian product (n = {n} entries): a mean where a sum belongs; {label}")
                if factor is not None:
                    fail(f"{name_factor(factor)} (the vector-Jacobian product); {label}")
            expect_tensor(grad, expected, label)


# (x, the path it takes): each branch, after 0 to 3 halvings, and the borders: a largest |entry| of
# exactly 1 (not greater: no halving) and a sum of exactly 0 (not negative: the sum)
SHRINK_CASES = [
    ([0.4, -0.9, 0.3], "no halving, a negative sum: the squares"),
    ([5.0, -2.0, 0.5], "3 halvings, a positive sum: the sum"),
    ([-0.25, -3.5, 0.75, 1.5], "2 halvings, a negative sum: the squares"),
    ([1.0, -0.5], "a largest |entry| of exactly 1, not greater: no halving, the sum"),
    ([2.0, -2.0], "1 halving to [1, -1], whose sum, 0, is not negative: the sum"),
]


def shrink_variant(x, halve_at_one, squares_at_zero):
    """shrink with the border of the loop or of the branch moved (>= 1, <= 0)."""
    y = x
    while y.abs().max() >= 1 if halve_at_one else y.abs().max() > 1:
        y = y / 2
    return (y ** 2).sum() if (y.sum() <= 0 if squares_at_zero else y.sum() < 0) else y.sum()


class TestShrink:
    @pytest.mark.parametrize("values, path", SHRINK_CASES)
    def test_value_and_gradient_of_the_path_taken(self, student, device, values, path):
        x = leaf(values, device)
        remote = student.put(leaf(values, device))
        what = f"shrink(x) for x = {values} ({path})"
        try:
            z = student.keep("shrink", remote)
        except StudentCodeError as error:
            if "leaf Variable that requires grad" in error.evalue:
                fail(f"an in-place halving of the leaf x (y /= 2 while y is x): y = y / 2 makes a new tensor in "
                     f"the graph; {what} raised {error.ename}: {error.evalue[:90]}")
            raise
        want = reference.shrink(x)
        got = student.get(z)
        if isinstance(got, torch.Tensor) and got.shape == () and not got.is_meta and \
                abs(float(got) - float(want)) > 1e-6:
            for halve_at_one, squares_at_zero, words in (
                    (True, False, "halved while the largest |entry| is 1 or more: halve only while it is greater than 1"),
                    (False, True, "the squares for a sum of 0: only a negative sum (< 0) takes the squares")):
                if abs(float(got) - float(shrink_variant(x.detach(), halve_at_one, squares_at_zero))) < 1e-6:
                    fail(f"your result is {words}; {what}")
        expect_tensor(got, want.detach(), what)
        if student.get(z.attr("requires_grad")) is not True:
            fail(f"the result is not connected to x's graph: compute it from x with tensor operations "
                 f"(no .item(), no new tensor); {what}")
        student.call(z.attr("backward"))
        want.backward()
        grad = student.get(remote.attr("grad"))
        if grad is None:
            fail(f"backward() left x.grad empty: the result is not computed from x in the graph; {what}")
        expect_tensor(grad, x.grad, f"{what}: x.grad after backward() (the gradient of the path taken)")


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
