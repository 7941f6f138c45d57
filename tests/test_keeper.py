"""The keeper (sandbox/inside/keeper.py) ends as the notebook's process ended, a signal included."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

import autograder.sandbox.inside as inside

# keeper imports its sibling `linux` by name, as in the sandbox; the folder is on the path only for
# that import, so that its files' names (watchdog, wire, ...) never shadow a package in later tests
sys.path.insert(0, str(Path(inside.__file__).parent))
try:
    from autograder.sandbox.inside import keeper  # noqa: E402
finally:
    sys.path.remove(str(Path(inside.__file__).parent))


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "exit 3", "init SIGKILL"])
def test_the_keeper_ends_as_its_child_ended(how):
    """A child killed by SIGKILL made the keeper raise (SIGKILL takes no handler) and end with exit code 1."""
    expected = {"SIGKILL": -signal.SIGKILL, "SIGTERM": -signal.SIGTERM, "exit 3": 3,
                "init SIGKILL": -signal.SIGKILL}[how]
    keeper_pid = os.fork()
    if keeper_pid == 0:
        try:
            child = os.fork()
            if child == 0:
                if how == "exit 3":
                    os._exit(3)
                if how == "init SIGKILL":
                    os._exit(128 + signal.SIGKILL)  # how an init reports a notebook killed by SIGKILL
                os.kill(os.getpid(), getattr(signal, how))
                os._exit(98)
            keeper.wait_and_mirror(child, init=False)
        finally:
            os._exit(99)  # never back into pytest: an escaped exception ends here
    _, status = os.waitpid(keeper_pid, 0)
    assert os.waitstatus_to_exitcode(status) == expected
