"""One engine per gradebook database (autograder.nbgrader.gradebook): reused, never stale, never shared by accident."""
from __future__ import annotations

import os
import sqlite3

import pytest
from nbgrader import api

from autograder.nbgrader import gradebook as gradebook_engine


@pytest.fixture(scope="module")
def alembic_version() -> str:
    return api.get_alembic_version()  # a subprocess of about 5 s, which nbgrader runs for every new database


@pytest.fixture
def shared(monkeypatch, alembic_version):
    """share_engines() for this test only; nbgrader's own __init__ comes back afterwards."""
    monkeypatch.setattr(api, "get_alembic_version", lambda: alembic_version)
    monkeypatch.setattr(api.Gradebook, "__init__", api.Gradebook.__init__)
    monkeypatch.setattr(gradebook_engine, "_engines", {})
    gradebook_engine.share_engines()


def test_a_second_open_reuses_the_engine_and_looks_like_nbgraders_own(shared, tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with api.Gradebook(url, "course") as first:
        first.add_student("alice")
        engine, stock_attributes = first.engine, set(vars(first))
    with api.Gradebook(url, "course") as second:
        assert second.engine is engine
        assert set(vars(second)) == stock_attributes, "nbgrader's Gradebook.__init__ changed: update autograder.nbgrader.gradebook._open"
        assert second.course_id == "course"
        assert [student.id for student in second.students] == ["alice"]
        second.add_student("bob")
    rows = sqlite3.connect(tmp_path / "gradebook.db").execute("select id from student order by id").fetchall()
    assert rows == [("alice",), ("bob",)], "a write through the shared engine must be committed to the file"


def test_a_gradebook_file_deleted_in_between_is_set_up_again(shared, tmp_path):
    path = tmp_path / "gradebook.db"
    url = f"sqlite:///{path}"
    with api.Gradebook(url, "course") as gradebook:
        gradebook.add_student("alice")
    path.unlink()
    with api.Gradebook(url, "course") as gradebook:  # without a fresh schema check: "no such table"
        gradebook.add_student("bob")
        assert [student.id for student in gradebook.students] == ["bob"]


def test_a_gradebook_file_replaced_by_another_is_set_up_again(shared, tmp_path):
    path = tmp_path / "gradebook.db"
    url = f"sqlite:///{path}"
    with api.Gradebook(url, "course") as gradebook:
        gradebook.add_student("alice")
        old_engine = gradebook.engine
    with api.Gradebook(f"sqlite:///{tmp_path / 'other.db'}", "course") as other:
        other.add_student("carol")
    os.replace(tmp_path / "other.db", path)
    with api.Gradebook(url, "course") as gradebook:
        assert gradebook.engine is not old_engine
        assert [student.id for student in gradebook.students] == ["carol"]


def test_in_memory_databases_are_never_shared(shared):
    with api.Gradebook("sqlite://", "course") as first:
        first.add_student("alice")
    with api.Gradebook("sqlite://", "course") as second:
        assert second.engine is not first.engine
        assert second.students == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_builds_its_own_engine(shared, tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with api.Gradebook(url, "course") as gradebook:
        parent_engine = gradebook.engine
    pid = os.fork()
    if pid == 0:  # child: exit status 0 only if it got an engine of its own that works
        try:
            with api.Gradebook(url, "course") as gradebook:
                gradebook.add_student("from-child")
                os._exit(0 if gradebook.engine is not parent_engine else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with api.Gradebook(url, "course") as gradebook:
        assert [student.id for student in gradebook.students] == ["from-child"]
