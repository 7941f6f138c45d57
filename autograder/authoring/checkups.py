"""Checks an instructor or a GPU machine runs by hand: notebook run times, and grading on cuda.

  python -m autograder timings    each source notebook, top to bottom in a fresh Jupyter kernel
  python -m autograder gpu-check  the solutions and the sample class graded on cuda
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import nbformat
import torch
from nbclient import NotebookClient

from autograder.authoring.solutions import runnable, source_notebooks
from autograder.classroom.grade_file import grade_file
from autograder.authoring.submissions import build_notebook, read_case
from autograder.nbgrader.course import Course

NOTEBOOK_SECONDS = 30


def run_in_fresh_kernel(nb_path: Path, cell_timeout: int = NOTEBOOK_SECONDS) -> float:
    """Execute the runnable source notebook in a new python3 kernel; returns seconds; raises on error."""
    nb = runnable(nb_path)
    started = time.perf_counter()
    NotebookClient(nb, timeout=cell_timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(nb_path.parent)}}).execute()
    return time.perf_counter() - started


def timings(course: Course) -> int:
    slow = 0
    for nb_path in source_notebooks(course.root):
        seconds = run_in_fresh_kernel(nb_path)
        slow += seconds >= NOTEBOOK_SECONDS
        print(f"{nb_path.relative_to(course.root)}: {seconds:.1f} s {'(over the limit)' if seconds >= NOTEBOOK_SECONDS else ''}")
    print(f"limit: {NOTEBOOK_SECONDS} s per notebook in a fresh kernel")
    return 1 if slow else 0


def sample_cases(course: Course):
    for path in sorted(course.sample_class.glob("*/*/*.py")):
        yield path.parent.name, path.parent.parent.name, path


def gpu_check(course: Course) -> int:
    if not torch.cuda.is_available():
        print("no cuda here: this check grades the solutions and the sample class on an NVIDIA GPU, "
              "and this machine has none (torch.cuda.is_available() is False). Nothing was graded.")
        return 0
    os.environ["KIT_DEVICE"] = "cuda"
    print(f"grading device: cuda ({torch.cuda.get_device_name(0)}), torch {torch.__version__}")
    wrong = 0
    for nb_path in source_notebooks(course.root):
        result = grade_file(nb_path, nb_path, course=course)
        wrong += result["score"] != result["max_score"]
        print(f"solutions {nb_path.parent.name:<16} {result['score']:g} / {result['max_score']:g}")
    with tempfile.TemporaryDirectory() as scratch:
        for assignment, student, case_path in sample_cases(course):
            case = read_case(case_path)
            source = course.source(assignment, case_path.stem)
            nb = build_notebook(case, course.release(assignment, case_path.stem), source)
            path = Path(scratch) / student / assignment / source.name
            path.parent.mkdir(parents=True)
            nbformat.write(nb, path)
            result = grade_file(path, source, course=course)
            full = {c["grade_id"]: c["max_score"] if case.base == "reference" else 0.0 for c in result["cells"]}
            expected = {**full, **case.expected_points({c["grade_id"]: c["max_score"] for c in result["cells"]})}
            got = {c["grade_id"]: c["score"] for c in result["cells"]}
            same = all(abs(got[k] - expected[k]) < 0.01 for k in got)
            wrong += not same
            print(f"{student:<9} {assignment:<16} {result['score']:g} / {result['max_score']:g}"
                  f"{'' if same else f'  DIFFERS from the expected {expected}'}")
    print("all as expected on cuda" if not wrong else f"{wrong} result(s) differ on cuda")
    return 1 if wrong else 0
