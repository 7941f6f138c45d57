"""One notebook in, results out: run its cells in the sandbox, score each test cell by its hidden tests."""
import atexit
import gc

from autograder.sandbox.inside import lazy_dynamo

# The grader trains reference models (torch.optim) but never compiles: torch's compiler, a
# third of a grading run's start-up, stays unloaded (see lazy_dynamo).
lazy_dynamo.install()

# A grading process holds torch, pytest and nbgrader, about a million objects, which the
# interpreter's last garbage collections at exit walk for most of a second (a sixth of a
# one-notebook run here). Frozen, they are left to the end of the process.
atexit.register(gc.freeze)
