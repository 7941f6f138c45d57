"""`nbgrader validate`, as a student runs it before submitting: it names the visible checks that fail."""
from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from course_steps import TWO_MISTAKES, notebook_with

pytestmark = pytest.mark.slow


def validate(home, notebook) -> str:
    path = home / "tensors.ipynb"
    nbformat.write(notebook, path)
    env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"))
    result = subprocess.run([sys.executable, "-m", "nbgrader", "validate", path.name], cwd=home, env=env,
                            capture_output=True, text=True, timeout=600)
    return result.stdout + result.stderr


def test_validate_names_the_failing_visible_checks(tmp_path):
    shown = validate(tmp_path, notebook_with("tensors", TWO_MISTAKES, base="release"))
    # zeros and matmul are wrong; random, from_numpy, the batch product, view, flat product and the
    # pairwise distances still stubs; add is right.
    assert "VALIDATION FAILED ON 8 CELL(S)" in shown, shown[-2000:]
    assert "AssertionError: the entries are all 1.0 (torch.ones?)" in shown
    assert "expected [[19., 22.], [43., 50.]]" in shown and "NotImplementedError" in shown
    assert "add passes the visible checks" not in shown  # validate lists failures only


def test_validate_passes_a_solved_notebook(tmp_path):
    assert "Success! Your notebook passes all the tests." in validate(tmp_path, notebook_with("tensors", {}))
