"""source/ is the single truth: release/ and solutions/ are generated from it and must not drift."""
import json
import re
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import exercises
from autograder.grading import cells
from autograder.grading.cells import HIDDEN_TESTS
from autograder.authoring.solutions import MARKER, solution_module, solution_path, source_notebooks
from conftest import ROOT

SOURCES = source_notebooks(ROOT)
HIDDEN = ROOT / HIDDEN_TESTS


def release_path(source):
    return ROOT / "release" / source.parent.name / source.name


def test_there_are_source_notebooks():
    assert SOURCES, "no notebooks under source/"


@pytest.mark.slow  # nbgrader generate_assignment for every set
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_release_matches_a_fresh_generate_assignment(released_course, source):
    fresh = released_course / "release" / source.parent.name / source.name
    committed = release_path(source)
    assert committed.exists(), f"{committed} is missing: run nbgrader generate_assignment {source.parent.name}"
    assert json.loads(committed.read_text()) == json.loads(fresh.read_text()), (
        f"{committed} differs from what nbgrader generate_assignment makes of {source}: regenerate release/")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_release_holds_no_solution_or_hidden_test(source):
    text = release_path(source).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "grade("):
        assert marker not in text, f"{marker!r} appears in {release_path(source)}"
    released = {cells.nbgrader_meta(c).get("grade_id"): c.source
                for c in nbformat.read(release_path(source), as_version=4).cells}
    for cell in nbformat.read(source, as_version=4).cells:
        if cells.nbgrader_meta(cell).get("solution"):
            answer = released[cells.nbgrader_meta(cell)["grade_id"]]
            # a code answer becomes a stub; a written answer (markdown, graded by hand) leaves room for the student's
            assert ("raise NotImplementedError()" if cell.cell_type == "code" else "YOUR ANSWER HERE") in answer
            regions = [part.split("### END SOLUTION")[0] for part in cell.source.split("### BEGIN SOLUTION")[1:]]
            for line in (line.strip() for region in regions for line in region.splitlines()):
                if len(line) >= 12:  # shorter lines (")", "return x") are too common to tell anything
                    assert line not in answer, f"solution line {line!r} appears in the released answer cell"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_solutions_are_generated_from_source(source):
    path = solution_path(source, ROOT)
    assert path.exists() and path.read_text() == solution_module(source, ROOT), (
        f"{path} differs from the solution cells of {source}: run python -m autograder solutions")
    assert not MARKER.search(path.read_text())


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_test_cell_names_existing_hidden_tests(source):
    test_cells = [c for c in nbformat.read(source, as_version=4).cells if cells.is_test_cell(c)]
    assert test_cells, f"{source} has no autograded test cells"
    for cell in test_cells:
        _, items = cells.split_hidden(cell.source)
        grade_id = cells.nbgrader_meta(cell)["grade_id"]
        assert items, f"test cell {grade_id} names no hidden tests"
        for item in items:
            path, class_name = cells.item_class(item, HIDDEN)
            assert re.search(rf"^class {class_name}\b", Path(path).read_text(), re.MULTILINE), \
                f"{grade_id}: item {item} has no class {class_name} in {path}"


def test_hidden_region_accepts_only_grade_calls():
    visible, items = cells.split_hidden('assert True\n### BEGIN HIDDEN TESTS\ngrade("tensors.zeros")\n'
                                        '### END HIDDEN TESTS\n')
    assert visible == "assert True\n" and items == ["tensors.zeros"]
    assert cells.item_class("tensors.row_view", HIDDEN) == (str(HIDDEN / "test_tensors.py"), "TestRowView")
    for bad in ['import os\ngrade("tensors.zeros")', "grade(name)", 'grade("Zeros")', "grade(", 'check("a.b")']:
        with pytest.raises(cells.AuthoringError):
            cells.split_hidden(f"### BEGIN HIDDEN TESTS\n{bad}\n### END HIDDEN TESTS\n")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_headings_contents_and_points_are_written_once_from_the_metadata(source):
    """Each exercise's heading, the contents list and the closing points line are generated from the
    cells' metadata (python -m autograder solutions): running the generator again changes nothing."""
    nb = nbformat.read(source, as_version=4)
    assert not exercises.with_structure(nb), \
        f"{source}: headings, contents or points line have drifted from the metadata: run python -m autograder solutions"


def test_the_tables_of_points_follow_the_metadata():
    """README's demo table ('out of') and the instructors' table of sets give each set's total as the metadata does
    (this lesson's documents: check-course does not apply it to a course)."""
    totals = {source.parent.name: sum(p for _, p, written in exercises.graded_cells(nbformat.read(source, as_version=4))
                                      if not written) for source in SOURCES}
    readme = (ROOT / "README.md").read_text()
    header = next(line for line in readme.splitlines() if line.startswith("| student |"))
    out_of = next(line for line in readme.splitlines() if "**out of**" in line)
    columns = [c.strip() for c in header.strip("|").split("|")]
    values = [c.strip() for c in out_of.strip("|").split("|")]
    for name, total in totals.items():
        assert values[columns.index(name)] == f"{total:g}", f"README: {name} is out of {total:g} autograded points"
    sets = (ROOT / "docs" / "instructors.md").read_text()
    for name, total in totals.items():
        row = next(line for line in sets.splitlines() if f"`source/{name}/{name}.ipynb`" in line)
        assert row.rstrip(" |").rsplit("|", 1)[1].strip() == f"{total:g}", f"docs/instructors.md: {name} totals {total:g}"


def test_solutions_keep_only_the_imports_they_use():
    """The grader imports every solutions module: a plotting import the answers never use stays out."""
    from autograder.authoring.solutions import without_unused_imports
    module = ("import math\nimport matplotlib.pyplot as plt\nimport torch\nimport torch.nn as nn\n"
              "from torch import optim\nimport os, sys\n\n\ndef f(x):\n    return nn.Linear(1, 1)(torch.sin(x)) + os.sep\n")
    kept = without_unused_imports(module)
    assert "import torch\n" in kept and "import torch.nn as nn\n" in kept and "import os, sys\n" in kept
    assert "matplotlib" not in kept and "import math" not in kept and "optim" not in kept
    for path in (ROOT / "solutions").glob("[a-z]*.py"):
        assert "matplotlib" not in path.read_text(), path


def test_a_case_described_as_correct_is_counted_as_a_correct_variant():
    """A case whose description says "correct" and that states `expect:` lines is counted as a mistake
    by the accuracy report, which then finds it 'not named' (three of autograd's did)."""
    from autograder.authoring import corpus
    wrong = [entry.case.path for entry in corpus.entries(ROOT)
             if entry.case.description.startswith("correct") and entry.kind != "correct variant"]
    assert wrong == [], f"described as correct, counted as mistakes (drop their expect: lines): {wrong}"
