"""No reference solution travels into the student's process: the student can read whatever it receives.

Hidden tests send code of the grader's own (`Student.define`); `Student.define` refuses code that
defines a function or class of the course's solutions again (autograder/grading/reference_code.py),
and grading stops on it, as on any mistake of the course's. Graded for real, the course's hidden tests
send stand-ins only.
"""
from __future__ import annotations

import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.authoring.corpus import assignments, notebook_of
import torch

from autograder.grading import call_text, cells, engine, hidden_tests, reference_code
from autograder.grading.reference_code import ReferenceCode
from autograder.grading.student_process import Student, StudentCodeError, StudentProcess
from autograder.sandbox import Limits
from conftest import ROOT

HIDDEN = ROOT / cells.HIDDEN_TESTS
SOLUTIONS = ReferenceCode.of_files(sorted((ROOT / "solutions").glob("*.py")))
HALF_MSE = 'def half_mse(y_hat, y):\n    """The lesson\'s loss."""\n    return ((y_hat - y) ** 2).sum() / (2 * y.numel())\n'


@pytest.mark.parametrize("code", [
    HALF_MSE,
    "def loss(a, b):\n    return ((a - b) ** 2).sum() / (2 * b.numel())\n",  # renamed, no docstring
    "def make():\n    def l(p, q):\n        return ((p - q) ** 2).sum() / (2 * q.numel())\n    return l\n",  # nested
    "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.h = nn.Linear(1, 3)\n"
    "        self.o = nn.Linear(3, 1)\n\n    def forward(self, t):\n        t = torch.relu(self.h(t))\n"
    "        return self.o(t)\n",  # the lesson's ANN, every name changed
], ids=["copy", "renamed", "nested", "network"])
def test_a_reference_function_or_class_is_recognised_names_and_docstrings_aside(code):
    assert SOLUTIONS.repeated_in(code)


@pytest.mark.parametrize("code", [
    "def loss(a, b):\n    return ((a - b) ** 3).sum() / (2 * b.numel())\n",
    "def log_cosh(y_hat, y):\n    return torch.log(torch.cosh(y_hat - y)).mean()\n",
    "def f(x, y):\n    return x * y ** 2\n",
    "this is not Python",
])
def test_code_of_the_graders_own_is_not(code):
    assert SOLUTIONS.repeated_in(code) == []


class _Recorder:
    """A stand-in for the student's process that records what it is sent."""
    def __init__(self):
        self.sent = []

    def request(self, message, *args, **kwargs):
        self.sent.append(message)
        raise AssertionError("nothing should reach the student's process")


def test_define_refuses_reference_code_before_sending_it():
    process = _Recorder()
    with pytest.raises(cells.AuthoringError, match="building_blocks.py: half_mse"):
        Student(process, references=SOLUTIONS).with_seed(3).define(HALF_MSE, "half_mse")
    assert process.sent == []


def test_each_piece_of_grader_code_is_read_once_per_run_and_refused_every_time(monkeypatch):
    """A hidden test sends the same stand-ins for every notebook: they are parsed once (parsing them again
    cost the grader more than the request), and a repeated reference is refused every time."""
    references = ReferenceCode.of_files(sorted((ROOT / "solutions").glob("*.py")))
    parsed = []
    real_parse = reference_code.ast.parse
    monkeypatch.setattr(reference_code.ast, "parse",
                        lambda code, *args, **kwargs: parsed.append(code) or real_parse(code, *args, **kwargs))
    own = "def f(x, y):\n    return x * y ** 2\n"
    assert [references.repeated_in(own) for _ in range(3)] == [[], [], []]
    for _ in range(3):
        with pytest.raises(cells.AuthoringError, match="building_blocks.py: half_mse"):
            Student(_Recorder(), references=references).define(HALF_MSE, "half_mse")
    assert parsed == [own, HALF_MSE]
    references.repeated_in(HALF_MSE).append("changed by a caller")
    assert references.repeated_in(HALF_MSE) == ["solutions/building_blocks.py: half_mse"]


class _Answering:
    """A stand-in for the student's process that answers every request."""
    limits = Limits()

    def __init__(self, reply):
        self.reply = reply

    def request(self, message, timeout, doing):
        return self.reply


def test_a_call_is_described_only_for_a_message(monkeypatch):
    """Describing a call's arguments (the repr of a state_dict's tensors) is left to the failures that show it."""
    described = []
    real = call_text.describe
    monkeypatch.setattr(call_text, "describe", lambda value: described.append(value) or real(value))
    weights = {"weight": torch.ones(2, 3), "bias": torch.zeros(2)}
    assert Student(_Answering({"ok": True, "value": 1})).call("load", weights, strict=True) == 1
    assert described == []
    failing = Student(_Answering({"ok": False, "error": {"ename": "KeyError", "evalue": "'w'", "where": ""}}))
    with pytest.raises(StudentCodeError) as raised:
        failing.call("load", weights, strict=True)
    said = call_text.describe_call("load", (weights,), {"strict": True})
    assert described and str(raised.value) == f"{said} raised KeyError: 'w'"


def _toy_course(tmp_path):
    """A course whose hidden tests import a reference module and send a renamed copy of it, or a stand-in."""
    course = tmp_path / "course"
    folder = course / "hidden_tests"
    folder.mkdir(parents=True)
    (folder / "pytest.ini").write_text((HIDDEN / "pytest.ini").read_text())
    (course / "toy_answers.py").write_text('def double(x):\n    """Twice x."""\n    return x * 2\n')
    # not test_toy.py: test_engine's toy course has one, and pytest keeps a module by its name
    (folder / "test_refs.py").write_text(
        "from toy_answers import double\n\n\n"
        "class TestCopy:\n    def test_sends_a_renamed_copy(self, student):\n"
        "        assert student.call(student.define('def twice(y):\\n    return y * 2\\n', 'twice'), 2) == 4\n\n\n"
        "class TestStandIn:\n    def test_sends_its_own(self, student):\n"
        "        assert student.call(student.define('def thrice(y):\\n    return y * 3\\n', 'thrice'), 2) == 6\n")
    return folder


def _toy_notebook(item):
    cell = new_code_cell(f'### BEGIN HIDDEN TESTS\ngrade("{item}")\n### END HIDDEN TESTS\n')
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": "toy-check",
                                 "points": 1, "schema_version": 3}
    return new_notebook(cells=[cell])


def test_a_hidden_test_that_sends_reference_code_stops_grading(tmp_path):
    folder = _toy_course(tmp_path)
    session = hidden_tests.hidden_tests(folder)
    try:
        assert [name for name in session.references.known.values()] == ["course/toy_answers.py: double"]
        graded = engine.grade_notebook(_toy_notebook("refs.stand_in"), str(tmp_path), folder)
        assert [g.score for g in graded] == [1], [g.messages for g in graded]
        with pytest.raises(cells.AuthoringError, match="toy_answers.py: double"):
            engine.grade_notebook(_toy_notebook("refs.copy"), str(tmp_path), folder)
    finally:
        session.stop()


@pytest.mark.slow
def test_the_course_hidden_tests_send_no_reference_code_when_they_grade_the_solutions(tmp_path, monkeypatch):
    """Every payload the hidden tests send through `define` while grading each set's source notebook
    (every answer right, so every test runs to its end), recorded where it leaves for the student's process."""
    sent = []
    request = StudentProcess.request

    def recorded(self, message, *args, **kwargs):
        if message.get("op") == "define":
            sent.append(message["code"])
        return request(self, message, *args, **kwargs)

    monkeypatch.setattr(StudentProcess, "request", recorded)
    # the recording holds on its own: the engine's refusal is switched off, so what a test sends is seen
    monkeypatch.setattr(hidden_tests.hidden_tests(HIDDEN), "references", None, raising=False)
    started = time.monotonic()
    for assignment in assignments(ROOT):
        nb = nbformat.read(notebook_of(assignment), as_version=4)
        graded = engine.grade_notebook(nb, str(tmp_path), HIDDEN)
        assert all(g.score == g.max_points for g in graded), (assignment, [g.messages for g in graded])
    assert len(sent) > 10, time.monotonic() - started
    repeated = {name for code in sent for name in SOLUTIONS.repeated_in(code)}
    assert repeated == set(), repeated
