"""The one entry point that starts the sandbox: `start`, and the sandbox it started, `running`.

Every place that starts or warms the sandbox calls `start`: `nbgrader autograde` as it loads
its configuration (nbgrader/startup_hooks.py), the preprocessor that grades, each student process
(grading/student_process.py), a class worker and the Gradescope run, which start it
before their own imports so that the zygote's imports and warm-up overlap them.
"""
from __future__ import annotations

import atexit

from autograder.sandbox.backend import Sandbox
from autograder.sandbox.bubblewrap import BubblewrapSandbox
from autograder.sandbox.limits import Limits

BACKENDS: dict[str, type[Sandbox]] = {"bubblewrap": BubblewrapSandbox}  # c.Sandbox.backend: a name here

_running: Sandbox | None = None


def start(limits: Limits | None = None) -> Sandbox:
    """The sandbox of this grading run, started now (or restarted) if it is not running; its zygote
    imports and warms up in the background, and the first fork waits for it.

    `limits` (default: `Limits()`, whose disk_mb a course may change: the sandbox is then started
    again at the first notebook) give the scratch folder's size, the only limit that is the
    sandbox's own, and the configuration that names the backend (`c.Sandbox.backend`).
    """
    global _running
    limits = limits if limits is not None else Limits()
    name = Sandbox(limits).backend
    backend = BACKENDS.get(name)
    if backend is None:
        raise ValueError(f"c.Sandbox.backend is {name!r}, which is no sandbox backend of the kit: "
                         f"it has {', '.join(repr(known) for known in sorted(BACKENDS))}")
    if _running is not None and (not _running.alive or type(_running) is not backend
                                 or _running.limits.disk_mb != limits.disk_mb):
        _running.close()
        _running = None
    if _running is None:
        _running = backend(limits)
        _running.start_zygote()
        atexit.unregister(_close_running)  # once, however often the sandbox restarts
        atexit.register(_close_running)
    return _running


def running() -> Sandbox | None:
    """The sandbox `start` started last, or None."""
    return _running


def _close_running() -> None:
    """At the grader's exit (registered by `start`, not on import): the zygote's processes and this
    run's cgroups go too."""
    if _running is not None:
        _running.close()
