"""The reference solutions pass every hidden test on each grading device this machine has."""
import pytest

from autograder.authoring.solutions import source_notebooks
from autograder.grading.device import available, grading_device
from autograder.classroom.grade_file import grade_file
from conftest import ROOT

pytestmark = pytest.mark.slow  # nbgrader runs or many notebooks: not in ./kit test --fast


@pytest.mark.parametrize("kind", ["cpu", "cuda", "mps"])
@pytest.mark.parametrize("source", source_notebooks(ROOT), ids=lambda p: p.stem)
def test_solutions_pass_every_hidden_test(monkeypatch, kind, source):
    if not available(kind):
        pytest.skip(f"no {kind} device on this machine: the {kind} run needs that hardware")
    monkeypatch.setenv("KIT_DEVICE", kind)
    assert grading_device().type == kind
    result = grade_file(source, source)
    failures = {c["grade_id"]: c["messages"] for c in result["cells"] if c["score"] != c["max_score"]}
    assert not failures, f"on {kind}: {failures}"
    assert all(c["tests_total"] > 0 for c in result["cells"])


def test_an_unavailable_device_is_refused_clearly(monkeypatch):
    missing = next((kind for kind in ("cuda", "mps") if not available(kind)), None)
    if missing is None:
        pytest.skip("this machine has both cuda and mps")
    monkeypatch.setenv("KIT_DEVICE", missing)
    with pytest.raises(RuntimeError, match=f"KIT_DEVICE={missing} but no {missing} device"):
        grading_device()
