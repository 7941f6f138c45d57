"""A submission folder is read as regular files only, once and bounded (grading/submission_files.py),
and nbgrader is given nothing else to copy (nbgrader/submission_guard.py)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.grading.submission_files import (
    NotARegularFile, course_file_digests, read_regular_file, read_submission, write_files,
)
from autograder.grading.submitted_notebook import read_submitted_file
from autograder.grading.cells import UNREADABLE_KEY
from autograder.nbgrader.submission_guard import REFUSED_SUFFIX, read_timestamp, set_aside_unsafe_files
from conftest import ROOT

SOURCE = ROOT / "source" / "tensors" / "tensors.ipynb"
RELEASE = ROOT / "release" / "tensors" / "tensors.ipynb"


@pytest.fixture
def folder(tmp_path):
    top = tmp_path / "submitted" / "alice" / "tensors"
    top.mkdir(parents=True)
    (top / "tensors.ipynb").write_bytes(RELEASE.read_bytes())
    (top / "notes.txt").write_text("mine")
    (top / "data").mkdir()
    (top / "data" / "x.csv").write_text("1,2\n")
    return top


def reasons(taken) -> dict[str, str]:
    return {refused.name: refused.reason for refused in taken.refused}


def test_regular_files_are_taken_whole(folder):
    taken = read_submission(folder, 1 << 20)
    assert taken.files == {"data/x.csv": b"1,2\n", "notes.txt": b"mine", "tensors.ipynb": RELEASE.read_bytes()}
    assert taken.refused == []


def test_links_are_never_followed_wherever_they_point(folder):
    os.symlink(os.path.relpath(SOURCE, folder), folder / "answers.html")   # a course file, relative
    os.symlink("/dev/zero", folder / "data.csv")                           # a device
    os.symlink("missing", folder / "dangling.txt")                         # nothing
    os.symlink(str(ROOT / "hidden_tests"), folder / "tests")               # a folder
    taken = read_submission(folder, 1 << 20)
    said = reasons(taken)
    assert set(said) == {"answers.html", "data.csv", "dangling.txt", "tests"}
    assert all("link" in reason and "not followed" in reason for reason in said.values()), said
    assert "/dev/zero" in said["data.csv"]
    assert set(taken.files) == {"data/x.csv", "notes.txt", "tensors.ipynb"}


def test_fifos_are_refused_without_hanging(folder):
    os.mkfifo(folder / "pipe")
    assert "FIFO" in reasons(read_submission(folder, 1 << 20))["pipe"]
    with pytest.raises(NotARegularFile, match="FIFO"):
        read_regular_file(folder / "pipe", 100)


def test_a_linked_submission_folder_is_not_read(folder, tmp_path):
    os.symlink(str(ROOT / "source" / "tensors"), tmp_path / "linked")
    taken = read_submission(tmp_path / "linked", 1 << 20)
    assert taken.files == {} and "link" in taken.refused[0].reason


def test_the_size_and_count_bounds_hold(folder):
    (folder / "zz.bin").write_bytes(b"x" * 5000)
    taken = read_submission(folder, 4000 + len(RELEASE.read_bytes()))
    assert reasons(taken) == {"zz.bin": f"it is 5000 bytes, over the {4000 - 4 - 4} bytes left for it"}
    taken = read_submission(folder, 1 << 20, max_count=2)
    assert len(taken.files) == 2 and any("too many files" in r for r in reasons(taken).values())


def test_a_copy_of_a_course_file_is_refused_by_its_bytes(folder):
    (folder / "reference.txt").write_bytes(SOURCE.read_bytes())
    taken = read_submission(folder, 1 << 20, course_digests=course_file_digests([ROOT / "source"]))
    assert "a copy of a course file" in reasons(taken)["reference.txt"]
    assert "reference.txt" not in taken.files


def test_a_hard_link_to_a_course_file_is_refused_by_its_bytes(folder, tmp_path):
    course_file = tmp_path / "source.ipynb"
    course_file.write_bytes(SOURCE.read_bytes())
    os.link(course_file, folder / "hard.txt")
    taken = read_submission(folder, 1 << 20, course_digests=course_file_digests([course_file]))
    assert "a copy of a course file" in reasons(taken)["hard.txt"]


def test_write_files_writes_plain_new_files(folder, tmp_path):
    write_files(read_submission(folder, 1 << 20).files, tmp_path / "copy")
    assert (tmp_path / "copy" / "data" / "x.csv").read_text() == "1,2\n"
    assert not any(p.is_symlink() for p in (tmp_path / "copy").rglob("*"))


def test_a_notebook_that_is_a_link_reads_as_the_release_notebook_with_the_reason(folder):
    (folder / "tensors.ipynb").unlink()
    os.symlink(os.path.relpath(SOURCE, folder), folder / "tensors.ipynb")
    nb = read_submitted_file(folder / "tensors.ipynb", str(RELEASE))
    assert "link" in nb.metadata[UNREADABLE_KEY] and "not followed" in nb.metadata[UNREADABLE_KEY]
    assert "### BEGIN SOLUTION" not in RELEASE.read_text()  # what stands in holds no solution


def test_a_notebook_that_copies_the_source_notebook_reads_as_the_release_notebook(folder):
    (folder / "tensors.ipynb").write_bytes(SOURCE.read_bytes())
    nb = read_submitted_file(folder / "tensors.ipynb", str(RELEASE),
                             course_digests=course_file_digests([ROOT / "source"]))
    assert "copy of a course file" in nb.metadata[UNREADABLE_KEY]


def test_unsafe_files_are_set_aside_before_nbgrader_copies_and_nothing_is_deleted(folder):
    os.symlink("/dev/zero", folder / "data.csv")
    os.symlink(os.path.relpath(SOURCE, folder), folder / "answers.html")
    said = set_aside_unsafe_files(str(folder), 1 << 20, {})
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["answers.html" + REFUSED_SUFFIX, "data", "data.csv" + REFUSED_SUFFIX,
                            "notes.txt", "tensors.ipynb"])
    assert os.readlink(folder / ("data.csv" + REFUSED_SUFFIX)) == "/dev/zero"  # kept as it was
    assert len(said) == 2 and all("not passed on" in line for line in said)


@pytest.mark.parametrize("content", [b"not a time", b"2024-01-01 10:00:00" + b" " * 200, b"\xff\xfe"])
def test_a_timestamp_that_is_not_a_time_means_no_time_never_a_failure(folder, content):
    (folder / "timestamp.txt").write_bytes(content)
    said = set_aside_unsafe_files(str(folder), 1 << 20, {})
    assert len(said) == 1 and "no time" in said[0]
    assert not (folder / "timestamp.txt").exists()
    assert read_timestamp(str(folder)) is None


def test_a_timestamp_that_is_a_link_is_set_aside(folder):
    os.symlink("/dev/zero", folder / "timestamp.txt")
    assert read_timestamp(str(folder)) is None
    set_aside_unsafe_files(str(folder), 1 << 20, {})
    assert not os.path.lexists(folder / "timestamp.txt")


def test_a_good_timestamp_stays(folder):
    (folder / "timestamp.txt").write_text("2024-01-01 10:00:00.000000 UTC")
    assert set_aside_unsafe_files(str(folder), 1 << 20, {}) == []
    assert read_timestamp(str(folder)).year == 2024
