"""What one `nbgrader autograde` asks of the gradebook per notebook: opens, statements and commits,
counted with SQLAlchemy's event listeners in the grading process (docs/speed.md, "the gradebook").

Stock nbgrader's OverwriteCells and SaveAutoGrades query the gradebook cell by cell and commit
every grade and comment; the kit's pre-convert hook opened it twice. On that code a notebook of
`tensors` (9 graded cells, 3 students graded once) took 11 opens, 32 commits and 247 statements;
now 10, 14 and about 185. Each open made an SQLAlchemy engine of its own; now the run has one.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from autograder.authoring import corpus
from autograder.authoring.submissions import Case
from helpers import copy_of

ASSIGNMENT = "tensors"
STUDENTS = 3

# In the grading process: nbgrader's app as the command runs it, with listeners on every engine
# and session and a count of Gradebook opens (wrapped, not replaced).
COUNT = """
import json, sys
from nbgrader import api
from nbgrader.apps.nbgraderapp import NbGraderApp
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

counts = {"opens": 0, "statements": 0, "commits": 0}
engines = set()

def statement(conn, *args):
    counts["statements"] += 1
    engines.add(id(conn.engine))

event.listen(Engine, "before_cursor_execute", statement)
event.listen(Session, "after_commit", lambda *args: counts.__setitem__("commits", counts["commits"] + 1))
stock_init = api.Gradebook.__init__

def counted_init(self, *args, **kwargs):
    counts["opens"] += 1
    stock_init(self, *args, **kwargs)

api.Gradebook.__init__ = counted_init
sys.argv = ["nbgrader", "autograde", sys.argv[1], "--force"]
try:
    NbGraderApp.launch_instance()
except SystemExit as exc:
    status = exc.code or 0
else:
    status = 0
open("gradebook-traffic.json", "w").write(json.dumps(dict(counts, engines=len(engines))))
sys.exit(status)
"""


def autograde_counted(course: Path) -> dict[str, float]:
    """Opens, statements and commits per notebook of one `nbgrader autograde ASSIGNMENT` in `course`,
    and the SQLAlchemy engines that ran them in the whole run."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run([sys.executable, "-c", COUNT, ASSIGNMENT], cwd=course, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = json.loads((course / "gradebook-traffic.json").read_text())
    return {name: value if name == "engines" else value / STUDENTS for name, value in counts.items()}


def test_a_notebook_costs_the_gradebook_a_bounded_number_of_opens_statements_and_commits(released_course, tmp_path):
    course = copy_of(released_course, tmp_path / "course")
    for number in range(STUDENTS):
        reference = Case(Path("reference"), "reference", {})
        corpus.write_submission(course, corpus.Entry(ASSIGNMENT, f"s{number}", reference))

    per_notebook = autograde_counted(course)

    # what is recorded is unchanged: every reference notebook has full points
    full = corpus.full_points(ASSIGNMENT)
    assert corpus.gradebook_scores(course, ASSIGNMENT) == {f"s{number}": full for number in range(STUDENTS)}
    # nbgrader's converter opens it 5 times, OverwriteKernelspec, OverwriteCells, SaveAutoGrades and
    # AssignLatePenalties once each, the kit's hook once; each open is about 16 statements and a commit
    assert per_notebook["opens"] <= 10, per_notebook
    assert per_notebook["commits"] <= 15, per_notebook
    assert per_notebook["statements"] <= 200, per_notebook
    # every open uses the run's one engine for the gradebook (startup_hooks.share_gradebook_engine), whose
    # statement cache compiles each query once per run; an engine per open was 30 here
    assert per_notebook["engines"] == 1, per_notebook
