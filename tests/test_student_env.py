"""The students' environment file pins the same versions as the grader's requirements.txt."""
from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STUDENT_MUST_HAVE = {"torch", "nbgrader", "jupyterlab", "torchviz", "matplotlib"}


def pins(path: Path) -> dict[str, str]:
    """{package: version} of the `name==version` lines; any other requirement line is an error."""
    found = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:\[[\w,\-]+\])?==([\w.+\-]+)", line)
        assert match, f"{path.name}:{number}: {line!r} is not pinned with =="
        found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def test_student_file_pins_the_graders_versions():
    grader, student = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-student.txt")
    assert STUDENT_MUST_HAVE <= set(student), f"missing from requirements-student.txt: {STUDENT_MUST_HAVE - set(student)}"
    drift = {name: (pinned, grader.get(name)) for name, pinned in student.items() if grader.get(name) != pinned}
    assert not drift, f"requirements-student.txt differs from requirements.txt (student, grader): {drift}"
    assert student["torch"] == "2.13.0"


@pytest.mark.parametrize("name", sorted(STUDENT_MUST_HAVE))
def test_installed_versions_are_the_pinned_ones(name):
    try:
        installed = version(name)
    except PackageNotFoundError:
        pytest.fail(f"{name} is not installed here; run ./kit setup")
    # A local build tag (torch's "+cpu", "+cu128") is the same release.
    assert installed.split("+")[0] == pins(ROOT / "requirements.txt")[name]
