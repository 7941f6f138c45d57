"""The grading run (autograder.grading.run.GradingRun) owns what a grading process keeps between
notebooks; no engine module keeps state of its own."""
from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from traitlets.config import Config

from autograder.grading.run import GradingRun
from autograder.sandbox import Limits, Sandbox, entry
from conftest import ROOT

MUTABLE_CALLS = {"dict", "list", "set", "Lock", "RLock", "defaultdict", "OrderedDict", "Counter", "deque", "count"}


def module_state(source: str) -> list[str]:
    """What a module's source keeps at module or class level that can change: `global` statements, and
    containers, counters or locks bound to names that are not CONSTANTS."""
    found = []
    tree = ast.parse(source)
    found += [f"global {', '.join(node.names)}" for node in ast.walk(tree) if isinstance(node, ast.Global)]
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    for node in [*tree.body, *(statement for cls in classes for statement in cls.body)]:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        if value is None:
            continue
        call = value.func if isinstance(value, ast.Call) else None
        mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
            call is not None and (getattr(call, "id", None) or getattr(call, "attr", None)) in MUTABLE_CALLS)
        for target in [elt for t in targets for elt in (t.elts if isinstance(t, ast.Tuple) else [t])]:
            name = getattr(target, "id", None)
            if name is None:  # an attribute of another module set from here (a patch of a library)
                found.append(f"{ast.unparse(target)} = ...")
            elif mutable and name != "__all__" and not name.isupper():
                found.append(name)
    return found


def test_no_engine_module_keeps_state_of_its_own():
    kept = {str(path.relative_to(ROOT)): state for path in sorted((ROOT / "autograder").rglob("*.py"))
            if (state := module_state(path.read_text()))}
    assert kept == {}, f"module-level state belongs to autograder.grading.run.GradingRun: {kept}"


def test_the_check_sees_module_state():
    """The test above can fail: each kind of state the engine held before the run object is found."""
    source = ("import threading\nfrom nbgrader import api\nLIMITS = {'a': 1}\n"
              "_sessions: dict = {}\n_lock = threading.Lock()\n_warned = set()\n_prepared = False\n"
              "def prepare():\n    global _prepared\n    _prepared = True\n"
              "api.Gradebook.__init__ = prepare\n"
              "class Backend:\n    backend = 'bubblewrap'\n    _uids = itertools.count()\n")
    assert module_state(source) == ["global _prepared", "_sessions", "_lock", "_warned", "api.Gradebook.__init__ = ...",
                                    "_uids"]


class FakeSandbox(Sandbox):
    """A sandbox that starts no process: what the run does with the sandboxes it starts."""

    started = 0

    def __init__(self, limits, earlier=None, **kwargs):
        super().__init__(limits, earlier, **kwargs)
        self.running, self.earlier = False, earlier

    def start_zygote(self):
        FakeSandbox.started += 1
        self.running = True

    @property
    def alive(self):
        return self.running

    def close(self):
        self.running = False


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setitem(entry.BACKENDS, "fake", FakeSandbox)
    return GradingRun()  # not the process's own instance


def test_the_run_keeps_its_sandbox_while_it_fits_and_replaces_one_that_died(run):
    limits = Limits(config=Config({"Sandbox": {"backend": "fake"}, "Limits": {"disk_mb": 64}}))
    first = run.start_sandbox(limits)
    assert run.start_sandbox(limits) is first and run.sandbox is first
    first.warn_once("no bubblewrap")
    first.close()  # the zygote died
    second = run.start_sandbox(limits)
    assert second is not first and second.alive and second.earlier is first
    assert second.warned == {"no bubblewrap"}, "what the run said about the host is said once"
    bigger = run.start_sandbox(Limits(config=Config({"Sandbox": {"backend": "fake"}, "Limits": {"disk_mb": 128}})))
    assert bigger is not second and not second.alive, "a sandbox with another scratch size is started again"


def test_course_file_digests_are_read_once_and_again_when_a_course_file_changes(run, tmp_path, monkeypatch):
    (tmp_path / "solutions").mkdir()
    solution = tmp_path / "solutions" / "tensors.py"
    solution.write_text("def zeros(n):\n    return [0] * n\n")
    reads = []
    from autograder.grading import run as run_module
    monkeypatch.setattr(run_module, "course_file_digests",
                        lambda paths, read=run_module.course_file_digests: reads.append(paths) or read(paths))
    first = run.course_file_digests([str(tmp_path / "solutions")])
    assert run.course_file_digests([str(tmp_path / "solutions")]) == first and len(reads) == 1
    solution.write_text("def zeros(n):\n    return [0.0] * n\n")
    stamp = solution.stat().st_mtime_ns + 10**9  # a change within the clock's resolution is still a change
    os.utime(solution, ns=(stamp, stamp))
    second = run.course_file_digests([str(tmp_path / "solutions")])
    assert len(reads) == 2 and second != first and list(second.values()) == [str(solution)]


def test_a_process_has_one_run():
    assert GradingRun.instance() is GradingRun.instance()
    assert Path(__file__).name  # the run is per process: a forked grader's sessions renew themselves (hidden_tests)
