"""The grader's side of talking to a zygote: its control socket, its requests, what travels with them.

Any backend whose zygote the grader reaches over a Unix socket uses these (bubblewrap.py does).
"""
from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from autograder.sandbox.limits import Limits


class ZygoteGone(Exception):
    """The zygote stopped answering; the next notebook starts a new one."""


class ZygoteChannel:
    """The transport: a Unix socket pair whose other end the zygote gets as a file descriptor.

    A request is one byte carrying the file descriptors that go with it (SCM_RIGHTS: a student
    process's pipe ends), then the request as a wire frame (inside/wire.py); the reply is a wire
    frame. The first frame the zygote sends is its "ready", once its imports and warm-up are done.
    """

    def __init__(self):
        self._sock, self._theirs = socket.socketpair()

    def zygote_fd(self) -> int:
        """The zygote's end, to pass to its process (pass_fds) and name on its command line."""
        return self._theirs.fileno()

    def handed_over(self) -> None:
        """The zygote's process has its end: the grader's copy goes."""
        self._theirs.close()

    def ready(self, timeout: float) -> dict:
        """The zygote's first frame; wire.WireError if it does not come within `timeout` seconds."""
        # wire imports torch (1.2 s): here, once the zygote's own imports are under way
        from autograder.sandbox.inside import wire
        return wire.receive(self._sock.fileno(), timeout)

    def ask(self, request: dict, fds=()):
        """Send `request` with `fds` and return the reply; OSError or wire.WireError if the zygote is lost."""
        from autograder.sandbox.inside import codec, wire
        socket.send_fds(self._sock, [b"R"], list(fds))
        wire.send(self._sock.fileno(), request)
        return codec.from_plain(wire.receive(self._sock.fileno(), 30))

    def close(self) -> None:
        self._sock.close()


def fork_request(files: dict[str, bytes], uid: int | None, scratch_root: str, limits: Limits, limit_data: bool) -> dict:
    """The zygote's request for a student process run as `uid` (None: the zygote's own), with `files`."""
    # each file as a uint8 tensor: its bytes travel beside the request's JSON, not inside it
    import torch
    files = {name: torch.frombuffer(bytearray(data), dtype=torch.uint8) if data else
             torch.empty(0, dtype=torch.uint8) for name, data in files.items()}
    return {"op": "fork", "scratch_root": scratch_root, "uid": uid, "files": files,
            "env": student_env(), "limits": limits.for_child(uid, limit_data)}


def student_env() -> dict:
    """The environment of student code: nothing of the grader's own settings."""
    keep = ("PATH", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    # Fresh memory is filled with a non-zero byte, so `torch.Tensor(5, 3)` or
    # `torch.empty` shows up as the uninitialised memory it is, not as zeros.
    env["MALLOC_PERTURB_"] = "165"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTORCH_NVML_BASED_CUDA_CHECK"] = "1"  # is_available() must not initialise CUDA before fork
    # One CPU thread: importing torch would otherwise start an OpenMP pool in the zygote, and a
    # forked child that inherits a pool without its threads can hang.
    env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = "1"
    return env
