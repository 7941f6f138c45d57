"""The seam between the grader and a kind of sandbox: `Sandbox`, the base of every backend.

The grader needs three things of a sandbox, whatever it is made of: start the zygote
(autograder/sandbox/inside/zygote.py) with the transport it is asked on, fork a student
process for one notebook on the pipes the grader hands it, and end that process, saying how it
ended. `Sandbox` names them; `BubblewrapSandbox` (bubblewrap.py) is today's backend, and
`entry.start` is the one place one is chosen and started, by `c.Sandbox.backend`.

A container backend (podman, docker, a Kubernetes pod) would go here as another subclass,
named in `entry.BACKENDS`: its `start_zygote` runs the same `zygote.py` in a container that
mounts this package's `inside/` folder read-only (all its .py files: `bubblewrap.inside_files`)
and shares a Unix socket with the grader, so that the zygote's requests, and the student
process's pipe ends that travel with them as file descriptors (SCM_RIGHTS), stay as they are
(`zygote_client.ZygoteChannel`, `zygote_client.fork_request`). A backend that cannot pass file
descriptors (another machine) would have to carry the pipes' bytes itself.
"""
from __future__ import annotations

import sys

from traitlets import Unicode
from traitlets.config import Configurable

from autograder.sandbox.limits import Limits


class Sandbox(Configurable):
    """Where student code runs, as the grader sees it. Subclasses implement every method below.

    One instance at a time per grading run (entry.start; `earlier`: the one it replaces): the zygote
    it starts forks one student process per notebook. Only the scratch folder's size (`limits.disk_mb`) is the sandbox's own;
    every other limit comes with each fork.
    """

    backend = Unicode("bubblewrap", help="Which sandbox runs student code: one of autograder.sandbox.BACKENDS "
                                         "(today only 'bubblewrap', which falls back to an unconfined process, "
                                         "loudly, where bubblewrap is not usable).").tag(config=True)

    def __init__(self, limits: Limits, earlier: "Sandbox | None" = None, **kwargs):
        super().__init__(parent=limits, **kwargs)  # c.Sandbox.* comes with the limits' configuration
        self.limits = limits
        # what this grading run has said about the host, carried from the sandbox this one replaces
        self.warned: set[str] = earlier.warned if earlier is not None else set()

    def warn_once(self, gap: str) -> None:
        """Say on stderr, once per grading run, that a protection is missing and grading goes on without it."""
        if gap not in self.warned:
            self.warned.add(gap)
            print(f"KIT SANDBOX WARNING: {gap}. Grading goes on without this protection.", file=sys.stderr, flush=True)

    def start_zygote(self) -> None:
        """Start the zygote with its transport, and return without waiting: its imports and warm-up
        run while the grader gets on with its own work. The first fork waits for them (at most
        `limits.start_seconds`), and raises ZygoteGone if they fail."""
        raise NotImplementedError

    @property
    def alive(self) -> bool:
        """Whether the zygote is still running (a sandbox that is not is started anew)."""
        raise NotImplementedError

    def fork(self, files: dict[str, bytes], request_fd: int, reply_fd: int, limits: Limits, limit_data: bool) -> int:
        """Start a student process for one notebook, under `limits`, with `files` in its scratch folder; it
        reads the grader's requests from `request_fd` and writes its replies to `reply_fd` (the
        grader keeps the other ends). Its pid as the sandbox sees it; ZygoteGone if the sandbox
        cannot."""
        raise NotImplementedError

    def end(self, pid: int, wait: bool = True) -> dict:
        """Kill student process `pid` and what it started; how it ended: exit_code, cpu_seconds,
        peak_mib, reason. `wait=False`: answer without waiting for it to be torn down."""
        raise NotImplementedError

    def close(self) -> None:
        """Stop the zygote and every student process, and remove what the sandbox made."""
        raise NotImplementedError
