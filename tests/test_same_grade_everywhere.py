"""The same grade on every machine, for the tasks that make or reset tensors (issue 35).

A task whose answer makes a new tensor (`torch.zeros`, `*_like`, `new_*`, `device=`, ...) or resets
one (`zero_()`) can work where its inputs are on the cpu and fail where they are on a GPU: the new
tensor lands on the default device, the cpu. `p.grad = torch.zeros(p.shape)` in sgd_step scored 4/4
on a cpu grader and would have scored 0 on a cuda one. Such a task is graded the same on every
machine when either

- its hidden tests never take the `device` fixture: the grader's inputs are on the cpu on every
  machine, so the grading device cannot matter; or
- its hidden tests run the answer off the cpu's float32 too: a test on the `meta` device (which every
  grader has and which stands in for a GPU) or in another dtype, marked as a gate where a failure on
  a GPU grader would fail every test.

This is the static, fast form of the cross-device check: it reads the reference answers and the
hidden tests and grades nothing, so it covers every task, whether or not a corpus case makes a
tensor there. The wide form is tests/test_simulated_device.py: it grades the whole corpus of cases
once more on a simulated other device (KIT_SIMULATED_DEVICE=meta, autograder/sandbox/inside/other_device.py)
and asks for the same points per case and cell (slow tier).
"""
from __future__ import annotations

import ast
import importlib.util
import inspect
import re

import nbformat
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")  # the hidden tests' marks

from autograder.authoring import corpus, degenerate
from autograder.grading import cells
from conftest import ROOT

FACTORIES = {"zeros", "ones", "empty", "full", "tensor", "arange", "linspace", "eye", "rand", "randn", "randint",
             "zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like"}
# Tasks whose answer makes tensors from numbers only, with no input tensor whose device or dtype it
# could miss: the new tensor's place is the task's words, checked by value and dtype tests.
FROM_NUMBERS = {
    "tensors.zeros": "rows and cols are ints: no input tensor",
    "tensors.uniform": "rows, cols, low and high are numbers: no input tensor",
    "autograd.intermediate_gradients": "the values are numbers: leaves made from them; Python floats come back",
    "autograd.gradients": "the values are numbers: scalar float32 leaves (TestGradients::test_scalar_float32_leaves)",
    "building_blocks.fit": "w = b = 0 are 0-d tensors, which torch combines with a tensor on any device",
    "training.data": "n is an int: no input tensor",
}


def makes_or_resets_tensors(function: ast.FunctionDef) -> list[str]:
    """What in a reference answer makes a new tensor or resets one in place."""
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if (name in FACTORIES and isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "torch") \
                    or name.startswith("new_") or name == "zero_" or any(k.arg == "device" for k in node.keywords):
                found.append(ast.unparse(node))
    return found


def graded_tasks():
    """(item, reference function's source) per task whose answer makes or resets tensors."""
    found = []
    for assignment in corpus.assignments(ROOT):
        source = corpus.notebook_of(assignment, root=ROOT)
        checks = {cells.nbgrader_meta(c).get("grade_id"): c.source for c in nbformat.read(source, as_version=4).cells}
        for _answer, check, definitions in degenerate.tasks(source):
            items = re.findall(r'grade\("([\w.]+)"\)', checks[check])
            made = [m for d in definitions for n in ast.walk(d) if isinstance(n, ast.FunctionDef)
                    for m in makes_or_resets_tensors(n)]
            if made:
                found.extend((item, made) for item in items)
    return found


TASKS = graded_tasks()


def hidden_class(item: str):
    exercise_set, name = item.split(".")
    path = ROOT / "hidden_tests" / f"test_{exercise_set}.py"
    spec = importlib.util.spec_from_file_location(f"hidden_{exercise_set}_for_devices", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, cells.item_class(item, path.parent)[1])


def test_the_tasks_that_make_or_reset_tensors_are_found():
    items = {item for item, _ in TASKS}
    assert {"building_blocks.sgd_step", "devices.bias_column", "ann.linear_from_lesson",
            "autograd.numerical_gradient"} <= items, items
    assert set(FROM_NUMBERS) <= items, f"stale entries: {set(FROM_NUMBERS) - items}"


@pytest.mark.parametrize("item, made", TASKS, ids=[item for item, _ in TASKS])
def test_a_task_that_makes_or_resets_tensors_is_graded_alike_on_every_machine(item, made):
    if item in FROM_NUMBERS:
        return
    tests = {name: member for name, member in inspect.getmembers(hidden_class(item)) if name.startswith("test_")}
    on_the_grading_device = [name for name, test in tests.items() if "device" in inspect.signature(test).parameters]
    if not on_the_grading_device:
        return  # the grader's inputs are on the cpu on every machine
    off_the_cpu = [name for name, test in tests.items()
                   if re.search(r'"meta"|float64|float16|bfloat16', inspect.getsource(test))
                   or any(mark.name == "gate" for mark in getattr(test, "pytestmark", []))]
    assert off_the_cpu, (f"{item} makes or resets tensors ({'; '.join(made)[:200]}) and its hidden tests "
                         f"{on_the_grading_device} run on the grading device, but none runs it on meta or in another "
                         "dtype: its grade could differ between a cpu and a GPU grader")
