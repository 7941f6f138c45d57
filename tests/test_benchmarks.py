"""The profile's own logic (benchmarks/grading_profile.py): each step counts its own time only, and the table."""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def profile_module():
    spec = importlib.util.spec_from_file_location("grading_profile", ROOT / "benchmarks" / "grading_profile.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("grading_profile", module)
    spec.loader.exec_module(module)
    return module


class Clock:
    """A perf_counter that moves only when told."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_step_counts_its_own_time_not_the_steps_inside_it(profile_module, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(profile_module.time, "perf_counter", clock)

    class Converter:
        def outer(self):
            clock.now += 1.0
            self.inner()
            clock.now += 0.5
            return "done"

        def inner(self):
            clock.now += 2.0
            return {"outputs": [{"data": {"image/png": "x"}}]}

    profile = profile_module.Profile()
    profile.wrap(Converter, "outer", "nbgrader: outer")
    profile.wrap(Converter, "inner", "student: cells",
                 relabel=lambda reply, step: "student: plot cells" if profile_module.has_image(reply) else step)
    profile.wrap(Converter, "inner", "wrapped twice")  # a second wrap is ignored
    assert Converter().outer() == "done"
    assert dict(profile.seconds) == {"nbgrader: outer": 1.5, "student: plot cells": 2.0}
    assert profile.calls["student: plot cells"] == 1


def test_the_table_sums_test_classes_and_groups_the_gradebook(profile_module):
    runs = {
        "tensors": {"seconds": {"hidden tests: TestA": 2.0, "hidden tests: TestB": 1.0, "gradebook: opens": 0.5,
                                "gradebook: Session.commit in x": 1.0, "gradebook: Gradebook.find_grade": 1.0},
                    "notebooks": 10},
        "training": {"seconds": {"hidden tests: TestC": 6.0}, "notebooks": 10},
    }
    columns = {name: profile_module.per_notebook(run, wall) for (name, run), wall in zip(runs.items(), [6.0, 10.0])}
    assert columns["tensors"]["start-up: imports, zygote, exit (no step)"] == pytest.approx(0.05)
    floors = {"tensors": {"seconds": {"plot cells": 0.0, "other cells": 0.1}},
              "training": {"seconds": {"plot cells": 0.1, "other cells": 0.1}}}
    table = profile_module.format_steps(columns, {"tensors": 0.6, "training": 1.0}, floors)
    rows = {line.split(" | ")[0].strip("| "): line for line in table.splitlines()}
    assert rows["hidden tests: all classes"] == "| hidden tests: all classes | 0.300 | 0.600 | 0.450 | 56% |"
    assert rows["gradebook: commits"].startswith("| gradebook: commits | 0.100 | 0.000 | 0.050 |")
    assert rows["gradebook: queries and writes"].startswith("| gradebook: queries and writes | 0.100 |")
    assert rows["kit / floor"] == "| kit / floor | 6.0x | 5.0x | 5.3x | |"
    order = [line.split(" | ")[0] for line in table.splitlines()[2:]]
    assert order.index("| start-up: imports, zygote, exit (no step)") < order.index("| gradebook: opens")
