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
                               expect_sequence, expect_tensor, expect_text, fail)
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


# Functions of two scalar tensors that `gradients` is graded on, defined in the worker by the grader
FUNCTIONS = {
    "the lesson's d": "def f(x, y):\n    return torch.exp(torch.sin(x * y)) / (x + y)\n",
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


class TestGradients:
    @pytest.mark.parametrize("name", FUNCTIONS)
    @pytest.mark.parametrize("x_value, y_value", POINTS[:2])
    def test_against_autograd(self, student, name, x_value, y_value):
        what, result = call_gradients(student, student.define(FUNCTIONS[name], "f"), name, x_value, y_value)
        oracle = reference.gradients(local_function(FUNCTIONS[name]), x_value, y_value)
        if name == "the lesson's d":  # the oracle agrees with the hand derivation
            assert all(abs(want - hand) < 1e-4 for want, hand in zip(oracle, by_hand(x_value, y_value)))
        lesson = by_hand(x_value, y_value)
        if name != "the lesson's d" and all(abs(got - hand) < 1e-4 for got, hand in zip(result, lesson)):
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
            missing = sorted(set(want) - set(got))[:3]
            fail(f"draw_graph for {name}: the drawing's nodes and edges differ from the graph's "
                 f"(missing edges such as {missing}); pass the output and params=params to torchviz.make_dot")
