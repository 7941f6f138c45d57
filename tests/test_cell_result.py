"""The cell result record (autograder/grading/cell_result.py): the engine writes a test cell's result
once, as data in its first output; every reader takes that record as it is, checked and bounded,
with the points from the gradebook; nothing a student's code shows is ever read as a result."""
from __future__ import annotations

import json

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.grading import engine
from autograder.grading.cell_result import (
    MAX_ITEMS, MAX_MESSAGE_CHARS, MAX_MESSAGES, MAX_SHOWN, RECORD_TYPE, CellResult, messages_in, read_outputs,
    record_in,
)
from autograder.nbgrader.course import Course
from autograder.nbgrader.gradebook import AssignmentCell
from autograder.nbgrader.pages import SafeOutputs
from autograder.results.model import read_cell

TEST_CELL = {"nbgrader": {"grade": True, "solution": False, "grade_id": "c1", "points": 1}}
WRITTEN = CellResult("c1", 0.5, 1, ["make_zeros returned ones"], 1, 2, ["tensors.zeros"])
PERFECT = CellResult("c1", 1, 1, [], 2, 2, ["tensors.zeros"])  # what a student would like the grader to have said


def graded_cell(result: CellResult, printed: str = "hello\n", metadata=None):
    shown = [new_output("stream", name="stdout", text=printed)]
    return new_code_cell("check()", metadata=metadata or TEST_CELL,
                         outputs=[nbformat.from_dict(o) for o in result.outputs(shown)])


def read_back(tmp_path, cells: list, score: float = 0.5) -> CellResult:
    """`cells` as an autograded notebook, read as the results model reads it, at gradebook `score`."""
    nb = new_notebook(cells=cells)
    nbformat.validate(nb)
    path = tmp_path / "autograded" / "s" / "a" / "nb.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return read_cell(Course(tmp_path), "s", "a", AssignmentCell("nb", "c1", 1), score)


def test_readers_take_the_record_as_it_is_and_never_its_text_or_html(tmp_path):
    cell = graded_cell(WRITTEN)
    assert cell.outputs[0]["data"][RECORD_TYPE]["messages"] == ["make_zeros returned ones"]
    # what people see goes; the record alone is read
    del cell.outputs[0]["data"]["text/html"]
    cell.outputs = [o for o in cell.outputs if o["output_type"] == "execute_result"]
    result = read_back(tmp_path, [cell])
    assert (result.messages, result.tests_passed, result.tests_total, result.items) == \
        (["make_zeros returned ones"], 1, 2, ["tensors.zeros"])
    assert result.shown == "Hidden tests: 1 of 2 passed, 0.5 of 1 points\nhello\nmake_zeros returned ones"
    assert messages_in(cell.outputs) == ["make_zeros returned ones"]


def test_the_points_are_the_gradebooks_not_the_notebooks(tmp_path):
    """An instructor's regrade in the gradebook shows; the points written in the notebook are not read."""
    result = read_back(tmp_path, [graded_cell(WRITTEN)], score=0.25)
    assert result.score == 0.25 and result.shown.startswith("Hidden tests: 1 of 2 passed, 0.25 of 1 points")


def test_a_fake_record_in_a_students_cell_of_the_same_id_is_not_read(tmp_path):
    """Only the grader writes a test cell's outputs: a student's cell that carries the test cell's id
    and a perfect record, ahead of the test cell, changes nothing."""
    answer = graded_cell(PERFECT, metadata={"nbgrader": {"grade": False, "solution": True, "grade_id": "c1"}})
    result = read_back(tmp_path, [answer, graded_cell(WRITTEN)])
    assert (result.messages, result.tests_passed) == (["make_zeros returned ones"], 1)


def test_a_printed_look_alike_of_a_result_gains_nothing(tmp_path):
    fake = json.dumps({RECORD_TYPE: PERFECT.record()})
    result = read_back(tmp_path, [graded_cell(WRITTEN, printed=f"Hidden tests: 2 of 2 passed, 1 of 1 points\n{fake}\n")])
    assert (result.score, result.messages, result.tests_passed, result.tests_total) == \
        (0.5, ["make_zeros returned ones"], 1, 2)
    assert result.shown.startswith("Hidden tests: 1 of 2 passed, 0.5 of 1 points\n")


def test_no_record_comes_out_of_the_students_process():
    """A student's display of the record's mimetype, or of the record as metadata, is dropped before
    it reaches a graded notebook, in any cell."""
    for kind in ("display_data", "execute_result"):
        forged = {"output_type": kind, "execution_count": 1, "metadata": {"autograder": PERFECT.record()},
                  "data": {RECORD_TYPE: PERFECT.record(), "text/plain": "1"}}
        kept, _ = engine._clean_outputs([forged], 10_000)
        assert kept[0]["data"] == {"text/plain": "1"} and kept[0]["metadata"] == {}


def malformed(change) -> list:
    outputs = [dict(o) for o in WRITTEN.outputs()]
    outputs[0] = {**outputs[0], "data": {**outputs[0]["data"], RECORD_TYPE: dict(WRITTEN.record())}}
    change(outputs)
    return outputs


MALFORMED = {
    "no outputs": lambda o: o.clear(),
    "no record": lambda o: o[0]["data"].pop(RECORD_TYPE),
    "record not first": lambda o: o.insert(0, {"output_type": "stream", "name": "stdout", "text": "x"}),
    "record not a dict": lambda o: o[0]["data"].update({RECORD_TYPE: "messages"}),
    "another version": lambda o: o[0]["data"][RECORD_TYPE].update(version=2),
    "more passed than run": lambda o: o[0]["data"][RECORD_TYPE].update(tests_passed=3),
    "a count that is a bool": lambda o: o[0]["data"][RECORD_TYPE].update(tests_passed=True),
    "one count only": lambda o: o[0]["data"][RECORD_TYPE].update(tests_total=None),
    "messages not a list": lambda o: o[0]["data"][RECORD_TYPE].update(messages="make_zeros"),
    "a message not text": lambda o: o[0]["data"][RECORD_TYPE].update(messages=[{"x": 1}]),
    "too many messages": lambda o: o[0]["data"][RECORD_TYPE].update(messages=["x"] * (MAX_MESSAGES + 1)),
    "a message too long": lambda o: o[0]["data"][RECORD_TYPE].update(messages=["x" * (MAX_MESSAGE_CHARS + 1)]),
    "an item not text": lambda o: o[0]["data"][RECORD_TYPE].update(items=[5]),
    "printed too long": lambda o: o[0]["data"][RECORD_TYPE].update(printed="x" * (MAX_SHOWN + 1)),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_record_says_so_and_keeps_the_gradebooks_points(case):
    outputs = malformed(MALFORMED[case])
    result = read_outputs(CellResult("c1", 0.0, 1), outputs)
    assert result.score == 0.0 and (result.tests_passed, result.tests_total, result.items) == (None, None, [])
    assert len(result.messages) == 1 and result.messages[0].startswith("not graded: "), result.messages
    assert messages_in(outputs) == []


def test_the_writer_cuts_a_result_to_what_readers_accept():
    result = CellResult("c1", 0, 1, [f"{i}" + "m" * 10_000 for i in range(MAX_MESSAGES + 50)], 0, 1,
                        ["item"] * (MAX_ITEMS + 1))
    record = record_in(result.outputs([new_output("stream", name="stdout", text="p" * 10 * MAX_SHOWN)]))
    assert len(record["messages"]) == MAX_MESSAGES and record["messages"][-1] == "... and 51 more messages"
    assert len(record["items"]) == MAX_ITEMS and len(record["printed"]) == MAX_SHOWN


def test_pages_keep_the_record_of_a_test_cell_only():
    """The feedback page's summary reads the record after SafeOutputs; a student's cell keeps none."""
    test_cell = graded_cell(WRITTEN)
    answer = graded_cell(PERFECT, metadata={"nbgrader": {"grade": False, "solution": True, "grade_id": "a1"}})
    for cell in (test_cell, answer):
        SafeOutputs().preprocess_cell(cell, {}, 0)
    assert test_cell.outputs[0]["data"][RECORD_TYPE] == record_in(graded_cell(WRITTEN).outputs)
    assert all(RECORD_TYPE not in o.get("data", {}) for o in answer.outputs)
    exporter = HTMLExporter()
    exporter.register_preprocessor(SafeOutputs, enabled=True)
    page, _ = exporter.from_notebook_node(new_notebook(cells=[graded_cell(WRITTEN)]))
    assert "Hidden tests: 1 of 2 passed" in page  # what people see is rendered, the record is not
    assert RECORD_TYPE not in page and "tensors.zeros" not in page
