"""Where student code runs: a pre-warmed zygote in a sandbox, forking one student process per notebook.

The zygote (inside/zygote.py) imports torch and IPython and warms them up once, then forks a
process for each notebook, so a notebook starts in milliseconds instead of seconds. What it
needs later (plotting, graph drawing) it warms up while it is idle. Only the .py files of
inside/ are visible to it; they import only each other, the standard library, torch and IPython.

The grader's side, by job:
- entry.py: `start`, the one function that starts (and so warms) a sandbox; the grading run
  (grading/run.py) holds the one it started;
- backend.py: `Sandbox`, the seam a backend implements, chosen by `c.Sandbox.backend`;
- bubblewrap.py: the bubblewrap backend (today's only one): the `bwrap` command line and its binds;
- protections.py: what this machine allows (bubblewrap, a uid per notebook), probed by the backend;
- zygote_client.py: the transport to a zygote (a Unix socket) and what a fork request carries;
- limits.py: `Limits`, what one notebook may use.
The grader talks to the zygote over the socket; each student process gets its own pair of pipes
(see grading/student_process.py).
"""
from autograder.sandbox.backend import Sandbox
from autograder.sandbox.bubblewrap import BubblewrapSandbox, bubblewrap_command, inside_files
from autograder.sandbox.entry import BACKENDS, start
from autograder.sandbox.limits import Limits
from autograder.sandbox.protections import Protections, SubordinateIds, protections
from autograder.sandbox.zygote_client import ZygoteGone, student_env

__all__ = ["BACKENDS", "BubblewrapSandbox", "Limits", "Protections", "Sandbox", "SubordinateIds", "ZygoteGone",
           "bubblewrap_command", "inside_files", "protections", "start",
           "student_env"]
