"""The grader's side of one notebook: what comes back from the student's process is bounded and
validated, and a failure on the grader's side scores 0 with the reason instead of dropping the
submission (which would leave an earlier grade in the gradebook)."""

import base64

import nbformat
import pytest
import torch

from autograder.grading import cells, engine, hidden_tests
from helpers import ROOT
from autograder.sandbox.inside.codec import Handle, Opaque

SOURCE = ROOT / "source" / "tensors" / "tensors.ipynb"
HIDDEN = ROOT / cells.HIDDEN_TESTS


def test_malformed_outputs_become_valid_notebook_outputs_or_nothing():
    forged = [
        {"output_type": "error", "ename": 1, "evalue": None, "traceback": 5},
        {"output_type": "display_data", "data": {"text/plain": torch.ones(3), "application/json": {"x": float("nan")},
                                                 "image/png": "iVBOR", 5: "x", "nomime": "x"}, "metadata": 7},
        {"output_type": "display_data", "data": {"application/json": {"k": [Handle(3), Opaque("x")]}}},
        {"output_type": "stream", "name": "stdin", "text": "?"},
        {"output_type": "stream", "name": "stdout", "text": ["not", "text"]},
        {"output_type": "execute_result", "data": [1, 2]},
        {"output_type": "update_display_data", "data": {}},
        "not an output", None, 5,
    ]
    kept, used = engine._clean_outputs(forged, 10_000)
    assert [o["output_type"] for o in kept] == ["error", "display_data", "display_data"]
    assert kept[0] == {"output_type": "error", "ename": "Error", "evalue": "", "traceback": []}
    assert kept[1]["data"] == {} and kept[2]["data"] == {}  # "iVBOR" is no PNG
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[nbformat.from_dict(o) for o in kept])])
    nbformat.validate(nb)
    assert engine._clean_outputs("not a list", 100) == ([], 0)


def test_only_text_and_real_pictures_come_out_of_the_students_process():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(64)).decode()
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(64)).decode()
    shown = {"output_type": "display_data", "data": {
        "text/plain": "<Figure>", "image/png": png, "image/jpeg": jpeg,
        "text/html": "<script>document.title = 'pwned'</script>", "application/javascript": "alert(1)",
        "image/svg+xml": "<svg onload='alert(1)'/>", "text/markdown": "<img src=x onerror=alert(1)>",
        "application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/latex": "$x$"}}
    kept, _ = engine._clean_outputs([shown], 10_000)
    assert kept[0]["data"] == {"text/plain": "<Figure>", "image/png": png, "image/jpeg": jpeg}
    # a picture that is not one, or whose text could close the attribute it is put in
    for forged in ('x" onerror="alert(1)', png + '" onerror="alert(1)', base64.b64encode(b"<svg/>").decode()):
        kept, _ = engine._clean_outputs([{"output_type": "display_data", "data": {"image/png": forged}}], 10_000)
        assert kept[0]["data"] == {}, forged


def test_outputs_are_capped_by_the_grader_per_cell_and_per_notebook():
    flood = [{"output_type": "stream", "name": "stdout", "text": "x" * (4 << 20)}] * 4
    kept, used = engine._clean_outputs(flood, engine.MAX_NOTEBOOK_OUTPUT_CHARS)
    assert used == 0 and "cut" in kept[-1]["text"] and len(kept) == 1
    small = [{"output_type": "stream", "name": "stdout", "text": "y" * 1000}] * 10
    kept, used = engine._clean_outputs(small, 2500)
    assert used == 2000 and len(kept) == 3
    many = [{"output_type": "stream", "name": "stdout", "text": "z"}] * 10_000
    kept, _ = engine._clean_outputs(many, 10**9)
    assert len(kept) == engine.MAX_OUTPUTS_PER_CELL + 1
    text_data = {"output_type": "display_data", "data": {"text/plain": "b" * 10_000}}
    assert engine._clean_outputs([text_data], 5000)[0][0]["data"] == {}
    assert engine._clean_outputs([text_data], 50_000)[0][0]["data"] != {}


def _points(nb):
    return {nbformat_meta["grade_id"]: cell.outputs[0]["data"]["text/plain"]
            for cell in nb.cells if (nbformat_meta := cell.metadata.get("nbgrader", {})).get("grade")}


def test_a_failure_on_the_graders_side_scores_every_cell_0_with_the_reason(monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise TypeError("a bug in the grader")

    monkeypatch.setattr(engine.hidden_tests(HIDDEN), "run", broken)
    nb = nbformat.read(SOURCE, as_version=4)
    grades = engine.grade_notebook(nb, str(tmp_path), HIDDEN)
    assert grades and all(g.score == 0 for g in grades)
    assert set(_points(nb).values()) == {"0"}
    assert all("the grader failed while handling your notebook (TypeError)" in g.messages[0] for g in grades)
    nbformat.validate(nb)


def test_hidden_tests_past_the_time_limit_in_the_grader_score_0(monkeypatch, tmp_path):
    monkeypatch.setattr(engine, "GRACE_SECONDS", -10_000.0)  # the deadline has passed before the first test
    nb = nbformat.read(SOURCE, as_version=4)
    grades = engine.grade_notebook(nb, str(tmp_path), HIDDEN)
    assert all(g.score == 0 for g in grades)
    assert "HiddenTestsTimeout" in grades[0].messages[0]
    monkeypatch.undo()
    nb = nbformat.read(SOURCE, as_version=4)  # the next notebook gets a fresh pytest session and full marks
    regraded = engine.grade_notebook(nb, str(tmp_path), HIDDEN)
    assert all(g.score == g.max_points for g in regraded), [g.messages for g in regraded]


def test_an_authoring_error_still_stops_grading(monkeypatch, tmp_path):
    from autograder.grading.cells import AuthoringError

    def missing(*args, **kwargs):
        raise AuthoringError("no hidden tests were collected")

    monkeypatch.setattr(engine.hidden_tests(HIDDEN), "check", missing)
    with pytest.raises(AuthoringError):
        engine.grade_notebook(nbformat.read(SOURCE, as_version=4), str(tmp_path), HIDDEN)


def test_a_long_lived_grader_collects_a_changed_course_afresh(tmp_path):
    """formgrader grades inside the Jupyter server: after a re-release that adds a hidden test and
    changes a solution, the next notebook's session sees both (nothing of the first run leaks)."""
    import os
    import sys
    course = tmp_path / "course"
    folder = course / "hidden_tests"
    folder.mkdir(parents=True)
    (folder / "pytest.ini").write_text((HIDDEN / "pytest.ini").read_text())
    (course / "toy_reference.py").write_text("ANSWER = 1\n")
    test_file = folder / "test_toy.py"
    test_file.write_text("from toy_reference import ANSWER\n\n\nclass TestOne:\n"
                         "    def test_answer(self):\n        assert ANSWER >= 1\n")
    first = hidden_tests.hidden_tests(folder)
    first.check(["toy.one"])
    with pytest.raises(cells.AuthoringError):
        first.check(["toy.two"])
    assert sys.modules["toy_reference"].ANSWER == 1
    assert hidden_tests.hidden_tests(folder) is first  # unchanged: the same session serves the next notebook

    (course / "toy_reference.py").write_text("ANSWER = 2\n")
    test_file.write_text(test_file.read_text() + "\n\nclass TestTwo:\n    def test_answer(self):\n"
                         "        assert ANSWER == 2\n")
    for path in (course / "toy_reference.py", test_file):  # a re-release within the clock's resolution
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    second = hidden_tests.hidden_tests(folder)
    assert second is not first
    second.check(["toy.one", "toy.two"])
    assert sys.modules["toy_reference"].ANSWER == 2


def test_a_run_of_one_set_collects_that_sets_hidden_tests_alone(tmp_path):
    """A run of one set (`nbgrader autograde <set>`, a first notebook of that set) collects test_<set>.py
    only (the other sets' tests and solutions are not imported); a notebook that needs another set's
    tests gets a session over the folder."""
    import shutil
    import sys
    course = tmp_path / "course"
    folder = course / "hidden_tests"
    folder.mkdir(parents=True)
    (folder / "pytest.ini").write_text((HIDDEN / "pytest.ini").read_text())
    for name in ("lone", "apart"):
        (course / f"{name}_reference.py").write_text("ANSWER = 1\n")
        (folder / f"test_{name}.py").write_text(f"from {name}_reference import ANSWER\n\n\nclass TestOne:\n"
                                                "    def test_answer(self):\n        assert ANSWER == 1\n")
    alone = hidden_tests.hidden_tests(folder, items=["lone.one"])
    assert alone.only == "test_lone.py"
    alone.check(["lone.one"])
    assert "lone_reference" in sys.modules and "apart_reference" not in sys.modules
    assert hidden_tests.hidden_tests(folder, items=["lone.one"]) is alone

    whole = hidden_tests.hidden_tests(folder, items=["lone.one", "apart.one"])
    assert whole is not alone and whole.only is None
    whole.check(["lone.one", "apart.one"])
    assert {"lone_reference", "apart_reference"} <= set(whole.modules)  # both fingerprinted and kept from students
    other = tmp_path / "other" / "hidden_tests"
    other.mkdir(parents=True)
    shutil.copy(folder / "pytest.ini", other)
    (other / "test_solo.py").write_text("class TestOne:\n    def test_nothing(self):\n        pass\n")
    assert hidden_tests.hidden_tests(other, exercise_set="nothing").only is None  # no test_nothing.py: every file


def test_a_failed_gate_scores_the_cell_0_and_a_gate_earns_nothing():
    """A gate (@pytest.mark.gate) catches code that works on a cpu grader only: failed, the cell
    scores 0 on every machine, as its value tests would on a GPU; passed, it adds no points."""
    passed = hidden_tests.TestOutcome("test_values", True, "")
    gate = lambda ok: hidden_tests.TestOutcome("test_runs_where_its_inputs_are", ok, "" if ok else "NumPy", gate=True)  # noqa: E731
    assert engine.CellTests("add-check", [], 3.0, tests=[passed, passed, gate(False)]).score == 0.0
    assert engine.CellTests("add-check", [], 3.0, tests=[passed, hidden_tests.TestOutcome("t", False, "x"),
                                                         gate(True)]).score == 1.5
    assert engine.CellTests("add-check", [], 3.0, tests=[gate(True)]).score == 0.0


def test_a_failed_gate_says_that_the_whole_cell_needs_it():
    """The feedback of a failed gate says why one failed test cost every point: its message, then the note."""
    passed = hidden_tests.TestOutcome("test_values", True, "")
    gate = hidden_tests.TestOutcome("test_runs_where_its_inputs_are", False, "NumPy needs the cpu", gate=True)
    other = hidden_tests.TestOutcome("test_shape", False, "wrong shape")
    cell = engine.CellTests("add-check", [], 3.0, tests=[other, passed, gate])
    assert cell.messages == ["wrong shape", "NumPy needs the cpu", engine.GATE_NOTE]
    assert engine.GATE_NOTE.startswith("the whole cell scores 0")
    assert engine.CellTests("add-check", [], 3.0, tests=[other, passed]).messages == ["wrong shape"]
