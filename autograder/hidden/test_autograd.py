"""Hidden tests of source/autograd/autograd.ipynb; the oracle is solutions/autograd.py.

Graphs for the graph-walking items are built in the worker from the grader's leaves with
torch's own functions, so the student's code meets expressions it has not seen.
"""
import math
import re
from collections import Counter

import pytest
import torch

from autograder.checks import expect_equal, expect_number, expect_tensor, expect_text, fail, kind_of
from autograder.session import StudentCodeError
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
    "tanh(a * b) + a": lambda op, t: op("add", op("tanh", op("mul", t[0], t[1])), t[0]),
    "sum((a - b) ** 2)": lambda op, t: op("sum", op("pow", op("sub", t[0], t[1]), 2)),
    "sigmoid(a) / exp(b)": lambda op, t: op("div", op("sigmoid", t[0]), op("exp", t[1])),
}


MAX_GRAPH_SOURCE = 100_000


def graph_structure(dot_source: str) -> Counter:
    """Edges of a torchviz drawing as (label, label) pairs: node ids are memory addresses, labels are not."""
    labels = {node: label.strip('"') for node, label in
              re.findall(r'^[ \t]*(\d+) \[label=("[^"]*"|[^\s\]]+)', dot_source, re.MULTILINE)}
    edges = re.findall(r"^[ \t]*(\d+) -> (\d+)", dot_source, re.MULTILINE)
    return Counter((labels.get(a, "?"), labels.get(b, "?")) for a, b in edges)


def check_names(got, want, what):
    if type(got) is list and "AccumulateGrad" in got:
        fail(f"{what}: leave out AccumulateGrad (the nodes of the leaves), got {got}")
    expect_equal(got, want, what)


class TestLeaves:
    @pytest.mark.parametrize("x_value, y_value", [(1.5, -2.0), (-0.5, 4.25)])
    def test_scalar_leaves_that_require_grad(self, student, x_value, y_value):
        pair = student.keep("make_leaves", x_value, y_value)
        expected = reference.make_leaves(x_value, y_value)
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
        x, y = leaf(x_value, device), leaf(y_value, device)
        d = student.keep("compute_d", student.put(x), student.put(y))
        what = f"compute_d(x, y) at x={x_value}, y={y_value}"
        expect_tensor(student.get(d), reference.compute_d(x, y).detach(), what)
        if student.get(d.attr("requires_grad")) is not True:
            fail(f"{what}: the result is not connected to the graph; compute it from x and y with tensor "
                 "operations (no .item(), no new torch.tensor)")


class TestGradients:
    @pytest.mark.parametrize("x_value, y_value", POINTS)
    def test_against_the_hand_derivation(self, student, x_value, y_value):
        try:
            result = student.call("gradients", x_value, y_value)
        except StudentCodeError as error:
            if "a second time" in error.evalue:
                fail(f"gradients({x_value}, {y_value}): backward() was called twice on the same graph; call it once")
            if "modified by an inplace operation" in error.evalue:
                fail(f"gradients({x_value}, {y_value}): backward() failed because an in-place operation (+=, /=, or a "
                     "method ending in _) changed a value it needs: compute d with out-of-place operations")
            raise
        if type(result) not in (tuple, list) or len(result) != 2:
            fail(f"gradients({x_value}, {y_value}): expected a pair (dd_dx, dd_dy), got {kind_of(result)}")
        oracle = reference.gradients(x_value, y_value)
        for name, got, want, hand in zip(("dd/dx", "dd/dy"), result, oracle, by_hand(x_value, y_value)):
            assert abs(want - hand) < 1e-4  # the oracle agrees with the hand derivation
            expect_number(got, want, f"gradients({x_value}, {y_value}): {name}")

    def test_gradients_do_not_accumulate(self, student):
        first = student.call("gradients", 0.7, 1.1)
        second = student.call("gradients", 0.7, 1.1)
        if first != second:
            fail(f"gradients(0.7, 1.1) gave {first} and then {second}: gradients accumulate in .grad, "
                 "so start from fresh leaves each call")


class TestOperationNames:
    def test_lesson_expression(self, student, device):
        x, y = leaf(0.4, device), leaf(1.7, device)
        d = student.keep("compute_d", student.put(x), student.put(y))
        check_names(student.call("operation_names", d), reference.operation_names(reference.compute_d(x, y)),
                    "operation_names(d) for the lesson's d")

    @pytest.mark.parametrize("name", EXPRESSIONS)
    def test_other_graphs(self, student, device, name):
        local, remote, _, _ = build(student, EXPRESSIONS[name], (0.3, -1.4), device)
        check_names(student.call("operation_names", remote), reference.operation_names(local),
                    f"operation_names(output) for output = {name}")


class TestDrawGraph:
    @pytest.mark.parametrize("name", ["d", *EXPRESSIONS])
    def test_structure(self, student, device, name):
        if name == "d":
            local_leaves = [leaf(0.9, device), leaf(-2.2, device)]
            remote_leaves = [student.put(t) for t in local_leaves]
            local = reference.compute_d(*local_leaves)
            remote = student.keep("compute_d", *remote_leaves)
            names = ("x", "y")
        else:
            local, remote, local_leaves, remote_leaves = build(student, EXPRESSIONS[name], (0.8, 0.6), device)
            names = ("a", "b")
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
