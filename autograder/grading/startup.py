"""What a grading process sets up once, when it starts: called by nbgrader_config.py (every
nbgrader command of the course, class workers included) and by `python -m autograder`.
Importing the engine sets up nothing.
"""
from __future__ import annotations

import atexit
import gc

from autograder.grading.run import GradingRun
from autograder.sandbox.inside import lazy_dynamo


def prepare_grading_process() -> None:
    """Set up this process for grading; a second call changes nothing."""
    GradingRun.instance()  # before any thread that may ask for it (startup_hooks.py)
    # The grader trains reference models (torch.optim) but never compiles: torch's compiler, a
    # third of a grading run's start-up, stays unloaded until code asks for it (see lazy_dynamo).
    lazy_dynamo.install()
    # A grading process holds torch, pytest and nbgrader, about a million objects, which the
    # interpreter's last garbage collections at exit walk for most of a second (a sixth of a
    # one-notebook run here). Frozen, they are left to the end of the process.
    atexit.unregister(gc.freeze)  # registered once, however often this is called
    atexit.register(gc.freeze)
