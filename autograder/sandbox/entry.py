"""The one function that starts the sandbox: `start` chooses the backend (`c.Sandbox.backend`) and
starts its zygote, or keeps the one running when it still fits.

The grading run holds the sandbox it started (grading/run.py: `GradingRun.start_sandbox`, which
calls `start`); every place that starts or warms the sandbox goes through it: `nbgrader autograde`
as it loads its configuration (nbgrader/startup_hooks.py), the preprocessor that grades, each
student process (grading/student_process.py), a class worker and the Gradescope run, which start
it before their own imports so that the zygote's imports and warm-up overlap them.
"""
from __future__ import annotations

from autograder.sandbox.backend import Sandbox
from autograder.sandbox.bubblewrap import BubblewrapSandbox
from autograder.sandbox.limits import Limits

BACKENDS: dict[str, type[Sandbox]] = {"bubblewrap": BubblewrapSandbox}  # c.Sandbox.backend: a name here


def start(limits: Limits | None = None, running: Sandbox | None = None) -> Sandbox:
    """`running` if it is alive with the backend and scratch size `limits` ask for; otherwise a new
    sandbox (`running` is closed), whose zygote imports and warms up in the background while the
    first fork waits for it.

    `limits` (default: `Limits()`) give the scratch folder's size, the only limit that is the
    sandbox's own, and the configuration that names the backend (`c.Sandbox.backend`). A new
    sandbox takes over what `running` learnt of the host and said about it.
    """
    limits = limits if limits is not None else Limits()
    name = Sandbox(limits).backend
    backend = BACKENDS.get(name)
    if backend is None:
        raise ValueError(f"c.Sandbox.backend is {name!r}, which is no sandbox backend of the kit: "
                         f"it has {', '.join(repr(known) for known in sorted(BACKENDS))}")
    if (running is not None and running.alive and type(running) is backend
            and running.limits.disk_mb == limits.disk_mb):
        return running
    if running is not None:
        running.close()
    started = backend(limits, earlier=running)
    started.start_zygote()
    return started
