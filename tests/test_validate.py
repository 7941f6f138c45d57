"""`nbgrader validate`, as a student runs it before submitting: it names the visible checks that fail."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_steps import TWO_MISTAKES, notebook_with

pytestmark = pytest.mark.slow


HUB_CONFIG = Path(__file__).resolve().parent.parent / "docs" / "jupyterhub"


def validate(home, notebook, config_path: Path | None = None) -> str:
    path = home / "tensors.ipynb"
    nbformat.write(notebook, path)
    env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"))
    if config_path:
        env["JUPYTER_CONFIG_PATH"] = str(config_path)
    result = subprocess.run([sys.executable, "-m", "nbgrader", "validate", path.name], cwd=home, env=env,
                            capture_output=True, text=True, timeout=600)
    return result.stdout + result.stderr


def test_validate_names_the_failing_visible_checks(tmp_path):
    shown = validate(tmp_path, notebook_with("tensors", TWO_MISTAKES, base="release"))
    # zeros and column order are wrong; uniform, from_numpy, the batched product, row sums, the mean
    # above a threshold and the pairwise distances still stubs; the strided slice is right.
    assert "VALIDATION FAILED ON 8 CELL(S)" in shown, shown[-2000:]
    assert "AssertionError: the entries are all 1.0 (torch.ones?)" in shown
    assert "expected a 1-D tensor of shape (6,)" in shown and "NotImplementedError" in shown
    assert "every_other_row passes the visible checks" not in shown  # validate lists failures only


def test_validate_passes_a_solved_notebook(tmp_path):
    assert "Success! Your notebook passes all the tests." in validate(tmp_path, notebook_with("tensors", {}))


def test_validate_on_the_hub_keeps_a_long_message_whole(tmp_path):
    """nbgrader cuts validate's lines at 90 characters; the hub's nbgrader_config.py widens them, so that a
    check's message keeps its fix, which follows the cause."""
    message = "the cause comes first" + ", then the words that explain it" * 4 + ": THE FIX AT THE END"
    raising = f"def make_zeros(rows, cols):\n    raise AssertionError({message!r})\n"
    assert message not in validate(tmp_path, notebook_with("tensors", {"zeros-answer": raising}))
    assert message in validate(tmp_path, notebook_with("tensors", {"zeros-answer": raising}), HUB_CONFIG)
