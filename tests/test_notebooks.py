"""Each solution notebook runs top to bottom in a fresh Jupyter kernel, prints each exercise's expected
output and draws what it should."""
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.authoring import exercises
from autograder.authoring.solutions import runnable, source_notebooks
from autograder.authoring.checkups import NOTEBOOK_SECONDS
from conftest import ROOT
from test_exercise_structure import expected_line

pytestmark = pytest.mark.slow  # nbgrader runs or many notebooks: not in ./kit test --fast

PICTURES = {"autograd": "image/svg+xml", "building_blocks": "image/png", "training": "image/png"}


@pytest.mark.parametrize("source", source_notebooks(ROOT), ids=lambda p: p.parent.name)
def test_solution_notebook_runs_in_a_fresh_kernel(source):
    nb = runnable(source)
    # Each cell gets the whole notebook's budget; `python -m autograder timings` measures the total.
    NotebookClient(nb, timeout=NOTEBOOK_SECONDS, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    for exercise in exercises.exercises(nb):  # every check prints its expected line when the answer is right
        if not exercise.written:
            printed = "".join(o.get("text", "") for o in exercise.check.outputs
                              if o.output_type == "stream" and o.name == "stdout").splitlines()
            expected = expected_line(exercise)
            assert len(printed) == 1 and exercises.matches_expected(expected, printed[0]), \
                f"exercise {exercise.number} ({exercise.name}) printed {printed}, its expected output says {expected!r}"
    mime = PICTURES.get(source.parent.name)
    if mime:
        assert any(mime in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs), \
            f"{source.name} should show a picture ({mime})"


def test_gpu_check_says_clearly_when_there_is_no_cuda():
    import torch
    if torch.cuda.is_available():
        pytest.skip("this machine has cuda: the gpu-check grades for real here")
    result = subprocess.run([sys.executable, "-m", "autograder", "gpu-check"], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0 and result.stdout.startswith("no cuda here"), result.stdout + result.stderr
