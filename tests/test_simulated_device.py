"""The simulated other device (autograder/sandbox/inside/other_device.py), in a real student process.

`KIT_SIMULATED_DEVICE=meta` makes a cpu grader grade as a GPU one: while a call on the grader's
tensors runs, tensors that student code makes without a device land on `meta`, apart from them.
"""
from __future__ import annotations

import pytest
import torch

from autograder.authoring import corpus
from autograder.authoring.corpus import REFERENCE
from autograder.grading.device import on_the_grading_device, simulated_device
from autograder.grading.student_process import Student, StudentCodeError, StudentProcess
from conftest import LANES, ROOT
MAKER = '''
import numpy
def make(*inputs):
    x = torch.ones(2, 3)
    return {"zeros": torch.zeros(2, 3), "scalar": torch.tensor(2.0), "like": torch.zeros_like(inputs[0]) if inputs else x,
            "placed": torch.zeros(2, device="cpu"), "numpy": torch.as_tensor(numpy.ones(2)),
            "layer": nn.Linear(3, 2).weight.detach(), "drawn": torch.randperm(3, generator=torch.Generator())}
def reset(p):
    p.grad = torch.zeros(p.shape)
'''


@pytest.fixture(scope="module")
def maker(tmp_path_factory):
    process = StudentProcess(tmp_path_factory.mktemp("maker"))
    assert process.run_cell(f"import torch\nfrom torch import nn\n{MAKER}", "cell 1")["error"] is None
    yield Student(process)
    process.close()


def devices(made: dict) -> dict:
    return {name: tensor.device.type for name, tensor in made.items()}


def test_without_the_variable_a_call_makes_its_tensors_on_the_cpu(maker, monkeypatch):
    monkeypatch.delenv("KIT_SIMULATED_DEVICE", raising=False)
    assert set(devices(maker.call("make", torch.ones(2, 3))).values()) == {"cpu"}


@pytest.fixture()
def simulating(monkeypatch):
    """The variable set, in a hidden test that takes the grading device (the `device` fixture)."""
    monkeypatch.setenv("KIT_SIMULATED_DEVICE", "meta")
    with on_the_grading_device():
        yield


def test_a_call_on_the_graders_tensors_makes_new_tensors_on_meta(maker, simulating):
    assert devices(maker.call("make", torch.ones(2, 3))) == {
        "zeros": "meta", "scalar": "cpu", "like": "cpu", "placed": "cpu", "numpy": "meta", "layer": "meta",
        "drawn": "cpu"}
    with pytest.raises(StudentCodeError, match=r"device type .meta.* at line \d+: p\.grad = torch\.zeros\(p\.shape\)"):
        p = maker.put(torch.ones(2, requires_grad=True))
        maker.call("reset", p)


def test_a_test_off_the_grading_device_is_not_simulated(maker, monkeypatch):
    """A hidden test without the `device` fixture has its inputs on the cpu on every machine."""
    monkeypatch.setenv("KIT_SIMULATED_DEVICE", "meta")
    assert set(devices(maker.call("make", torch.ones(2, 3))).values()) == {"cpu"}


def test_a_call_without_the_graders_tensors_or_on_meta_only_makes_them_on_the_cpu(maker, simulating):
    """A GPU grader makes them on the cpu too: apart from meta inputs (a meta gate), beside none."""
    assert set(devices(maker.call("make")).values()) == {"cpu"}
    made = devices(maker.call("make", torch.ones(2, 3, device="meta")))
    assert made.pop("like") == "meta" and set(made.values()) == {"cpu"}


def test_only_meta_is_simulated(monkeypatch):
    monkeypatch.setenv("KIT_SIMULATED_DEVICE", "cuda")
    with pytest.raises(RuntimeError, match="only meta"):
        simulated_device()



# The whole corpus, graded once more with the variable set: every case and cell as on the cpu.
ASSIGNMENTS = corpus.assignments(ROOT)
# (set, case): why its grade differs between the two, a flaw of the simulation (docs/accuracy.md), checked
# below to differ still.
DIFFERENCES: dict[tuple[str, str], str] = {
    ("ann", "layout-parameters-assigned"): "nn.Linear(...).to(W.device), then its parameters set from W: right on a "
    "GPU (the layer is made on the cpu and moved with its values), but meta holds no values, so the move raises",
    ("training", "train-randperm-without-generator"): "torch.randperm(len(X)).to(X.device): made on the cpu and "
    "moved with its values on a GPU (1.88 of 5 there as here, for the unseeded order), but the move out of meta raises",
}


@pytest.fixture(scope="module")
def simulated_scores(tmp_path_factory) -> dict[str, dict[str, dict[str, float]]]:
    """{set: {student: {grade_id: score}}} of the corpus graded with KIT_SIMULATED_DEVICE=meta, one
    `nbgrader autograde` per set, as conftest.graded_corpus grades it without."""
    course = corpus.copy_course(tmp_path_factory.mktemp("simulated"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KIT_SIMULATED_DEVICE", "meta")
        corpus.grade_corpus(course, ROOT, workers=LANES)
    return {assignment: corpus.gradebook_scores(course, assignment) for assignment in ASSIGNMENTS}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_case_gets_the_same_grade_on_a_simulated_other_device(graded_corpus, simulated_scores, assignment):
    on_the_cpu, elsewhere = graded_corpus.scores[assignment], simulated_scores[assignment]
    full = corpus.full_points(assignment, ROOT)
    assert on_the_cpu[REFERENCE] == full and elsewhere[REFERENCE] == full
    assert set(on_the_cpu) == set(elsewhere)
    differ = {student: {cell: (score, elsewhere[student].get(cell)) for cell, score in cells.items()
                        if elsewhere[student].get(cell) != score}
              for student, cells in on_the_cpu.items()}
    differ = {student: cells for student, cells in differ.items() if cells}
    explained = {student for (exercise_set, student) in DIFFERENCES if exercise_set == assignment}
    assert {s: d for s, d in differ.items() if s not in explained} == {}, \
        "(cpu, simulated other device) points per cell: a hidden test misses a device, or the simulation is wrong"
    assert explained <= set(differ), f"stale entries of DIFFERENCES: {explained - set(differ)}"
    assert all(reason.strip() for reason in DIFFERENCES.values())
