"""Grading a whole class (autograder.classroom.grade_class): in parallel, in shards, into SQLite or PostgreSQL.

Every way of grading the class must leave the gradebook exactly as one plain, sequential
`nbgrader autograde` does over the same submissions: the sample class on `tensors`, plus `eve`,
whose submission nbgrader cannot grade (two notebooks, neither the assignment's), which scores 0
with the reason and does not stop the others. The grading by grade_class is conftest's
`graded_class`, which test_reports reads too.
"""
from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.classroom.grade_class import grade_class, parse_shard, split, students, usable_cores, usable_workers
from autograder.authoring.corpus import cell_feedback, copy_course, nbgrader
from autograder.authoring.submissions import build_sample_class
from autograder.nbgrader.course import Course
from autograder.results.model import autograded_cells
from helpers import (
    ROOT, SAMPLE_ASSIGNMENT as ASSIGNMENT, UNGRADABLE, copy_of, finish, hand_in_sample_class, scores,
    start_cli as cli,
)

pytestmark = pytest.mark.slow  # nbgrader runs or many notebooks: not in ./kit test --fast


def grade_cells(course, assignment):
    return autograded_cells(Course(course), assignment)


def sample_course(released: Path | None, target: Path, *generate_args: str) -> Path:
    """A copy of the session's released course (or, without one, a course released with
    `generate_args`) with `tensors` submitted by the sample class and eve."""
    if released is not None:
        course = copy_of(released, target)
    else:
        course = copy_course(target)
        nbgrader(course, "generate_assignment", ASSIGNMENT, "--force", *generate_args)
    return hand_in_sample_class(course)


@pytest.fixture(scope="module")
def sequential(released_course, tmp_path_factory) -> Path:
    """The reference: one plain `nbgrader autograde` over the whole class."""
    course = sample_course(released_course, tmp_path_factory.mktemp("sequential"))
    result = nbgrader(course, "autograde", ASSIGNMENT, "--force", check=False)
    assert result.returncode == 0, "eve's submission must not fail the run: " + result.stderr[-3000:]
    assert f"{UNGRADABLE} handed in no {ASSIGNMENT}.ipynb" in result.stderr
    return course


@pytest.fixture(scope="module")
def parallel(graded_class):
    """The class graded by grade_class across 2 workers into the course's SQLite gradebook (conftest's)."""
    return graded_class


def test_the_class_has_graded_and_ungradable_students(sequential):
    graded = scores(sequential, ASSIGNMENT)
    assert students(sequential, ASSIGNMENT) == ["alice", "bob", "carol", "dave", UNGRADABLE]
    assert {"alice", "bob", "carol", "dave", UNGRADABLE} <= set(graded)
    assert set(graded[UNGRADABLE].values()) == {0.0}
    assert len({sum(points.values()) for name, points in graded.items() if name != UNGRADABLE}) > 1, \
        "the sample class should not all score alike"


def test_parallel_grading_gives_the_sequential_gradebook(sequential, parallel):
    course, result, _ = parallel
    assert scores(course, ASSIGNMENT) == scores(sequential, ASSIGNMENT)
    cells = [cell.grade_id for cell in grade_cells(course, ASSIGNMENT)]
    for student in ["alice", "bob", "carol", "dave"]:
        assert all(scores(course, ASSIGNMENT)[student][(ASSIGNMENT, cell)] is not None for cell in cells)
        for cell in cells:  # the feedback too: grading is seeded, so it is the same run
            assert cell_feedback(course, student, ASSIGNMENT, cell) == cell_feedback(sequential, student, ASSIGNMENT, cell)


def test_an_ungradable_submission_scores_0_with_the_reason_and_the_rest_are_graded(parallel):
    course, result, progress = parallel
    assert result.students == ["alice", "bob", "carol", "dave", UNGRADABLE]
    assert result.failed == []
    assert set(scores(course, ASSIGNMENT)[UNGRADABLE].values()) == {0.0}
    reason = f"{ASSIGNMENT}.ipynb is not in your submission (it has not-in-the-assignment.ipynb, scratch.ipynb)"
    for cell in grade_cells(course, ASSIGNMENT):
        assert reason in cell_feedback(course, UNGRADABLE, ASSIGNMENT, cell.grade_id)


def test_progress_bar_counts_every_student(parallel):
    _, result, progress = parallel
    states = [state.strip() for state in progress.replace("\n", "\r").split("\r") if state.strip()]
    total = len(result.students)
    counted = [int(state.split("/")[0].rsplit("|", 1)[1].strip()) for state in states if "|" in state]
    assert counted[0] == 0 and sorted(set(counted)) == list(range(total + 1)), states
    assert f"{total}/{total}" in states[-1] and "failures=0" in states[-1], states[-1]
    for student in ["alice", "bob", "carol", "dave", UNGRADABLE]:
        assert any(f"{student} graded" in state for state in states), student


def test_a_glob_grades_every_assignment_in_one_nbgrader_run_per_worker(sequential, released_course, tmp_path_factory):
    course = sample_course(released_course, tmp_path_factory.mktemp("glob"))  # devices is released too
    build_sample_class("devices", ROOT, course / "submitted")
    logs, stream = course / "logs", io.StringIO()
    result = grade_class(course, "*", workers=2, logs=logs, stream=stream)
    devices = students(course, "devices")
    assert len(devices) >= 2 and result.submissions == len(students(course, ASSIGNMENT)) + len(devices)
    assert result.failed == []
    assert scores(course, ASSIGNMENT) == scores(sequential, ASSIGNMENT)
    graded = scores(course, "devices")
    assert sorted(graded) == devices and all(v is not None for points in graded.values() for v in points.values())
    for log in sorted(logs.glob("worker-*.log")):
        text = log.read_text()
        assert text.count("$ ") == 1 and "class_worker" in text, "one process per worker, for every assignment"
        assert "autograde devices for" in text and f"autograde {ASSIGNMENT} for" in text
    assert len(list(logs.glob("worker-*.log"))) == 2
    assert f"{devices[0]}/devices graded" in stream.getvalue()
    nbgrader(course, "autograde", "devices", "--force")  # nbgrader alone, on the same submissions
    assert scores(course, "devices") == graded


def test_shards_split_the_class_into_disjoint_parts():
    ids = [f"s{i:03d}" for i in range(23)]
    for n in range(1, 6):
        parts = [split(ids, k, n) for k in range(n)]
        assert sorted(sum(parts, [])) == ids
        assert max(map(len, parts)) - min(map(len, parts)) <= 1
    assert split(list(reversed(ids)), 1, 3) == split(ids, 1, 3)
    assert parse_shard("2/4") == (2, 4)
    for bad in ["4/4", "1", "-1/2", "a/b"]:
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_workers_are_capped_by_the_submissions_and_the_cores():
    """A Slurm task asks for --workers $SLURM_CPUS_PER_TASK; more workers than cores only add start-ups."""
    assert usable_workers(4, 41, cores=2) == 2
    assert usable_workers(4, 3, cores=8) == 3
    assert usable_workers(2, 41, cores=8) == 2
    assert usable_workers(4, 0, cores=2) == 1
    assert usable_workers(4, 41) == min(4, usable_cores()) and usable_cores() == len(os.sched_getaffinity(0))


def test_sqlite_shards_run_at_once_then_merge(sequential, released_course, tmp_path_factory):
    """Two shards as a Slurm array would run them, each into its own SQLite file, then one merge."""
    course = sample_course(released_course, tmp_path_factory.mktemp("shards"))
    shards = [cli(course, "grade-class", ASSIGNMENT, "--shard", f"{k}/2", "--workers", "1",
                  "--db", f"sqlite:///{course / f'shard-{k}.db'}") for k in range(2)]
    results = [finish(process) for process in shards]
    assert [rc for rc, _, _ in results] == [0, 0], results
    assert scores(course, ASSIGNMENT) == {}, "the shards must leave the course's gradebook alone"
    rc, out, err = finish(cli(course, "merge", ASSIGNMENT, "shard-0.db", "shard-1.db"))
    assert rc == 0, err
    assert scores(course, ASSIGNMENT) == scores(sequential, ASSIGNMENT)


def test_merge_says_what_it_could_not_merge_and_goes_on(tmp_path):
    """A missing shard file, or one without the assignment, gets a message; the other shards still merge."""
    def gradebook(name: str, assignment: str, *submitters: str) -> str:
        url = f"sqlite:///{tmp_path / name}"
        with Gradebook(url) as book:
            book.add_assignment(assignment)
            for student in submitters:
                book.add_student(student)
                book.add_submission(assignment, student)
        return url

    target = gradebook("course.db", ASSIGNMENT)
    gradebook("other-assignment.db", "ann", "bob")
    gradebook("good.db", ASSIGNMENT, "alice")
    rc, out, err = finish(cli(tmp_path, "merge", ASSIGNMENT, "missing.db", "other-assignment.db", "good.db",
                              "--db", target))
    assert rc == 1, (out, err)
    assert "missing.db: no such gradebook file" in err
    assert not (tmp_path / "missing.db").exists(), "merging must not create the gradebook it did not find"
    assert f"other-assignment.db: no assignment matches '{ASSIGNMENT}'" in err and "(it has: ann)" in err
    assert "good.db: merged 1 submissions (alice)" in out
    with Gradebook(target) as book:
        assert [s.student.id for s in book.find_assignment(ASSIGNMENT).submissions] == ["alice"]


@pytest.fixture
def postgres_url():
    """A new, empty PostgreSQL database on the server of KIT_TEST_DB_URL (.ci/run starts one)."""
    url = os.environ["KIT_TEST_DB_URL"]
    import psycopg

    name = f"kit_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            yield url.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.skipif(not os.environ.get("KIT_TEST_DB_URL"),
                    reason="KIT_TEST_DB_URL is not set: no PostgreSQL server (.ci/run starts one with .ci/postgres.sh)")
def test_sharded_grading_into_postgresql(sequential, postgres_url, tmp_path_factory):
    """Two shards of two workers each write straight into one PostgreSQL gradebook, at the same time."""
    course = sample_course(None, tmp_path_factory.mktemp("postgres"), "--db", postgres_url)
    shards = [cli(course, "grade-class", ASSIGNMENT, "--shard", f"{k}/2", "--workers", "2", "--db", postgres_url)
              for k in range(2)]
    results = [finish(process) for process in shards]
    assert [rc for rc, _, _ in results] == [0, 0], results  # eve's shard too: 0 with the reason
    assert not (course / "gradebook.db").exists() or scores(course, ASSIGNMENT) == {}
    graded = scores(course, ASSIGNMENT, postgres_url)
    assert graded == scores(sequential, ASSIGNMENT)
    assert "FAILED" not in "".join(out for _, out, _ in results)
