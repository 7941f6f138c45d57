"""nbgrader's own command line, run in a course folder with this interpreter, and its API in this process."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable


def nbgrader(course: Path, *args: str, check: bool = True, prefix: tuple[str, ...] = (),
             env: dict | None = None, while_running: Callable[[subprocess.Popen], None] | None = None,
             timeout: float = 3600) -> subprocess.CompletedProcess:
    """Run `nbgrader <args>` in `course`; its output comes back in the result.

    `prefix` is a command that runs it (another user, a memory cap; it must exec nbgrader in its
    own process); `env` adds variables; `while_running(process)` is called once it has started
    (to watch it) and should return when it ends. With `check`, a failure raises RuntimeError."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               **(env or {}))
    # files, not pipes: a long log must not block nbgrader while nobody reads it
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([*prefix, sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                                   stdout=out, stderr=err, text=True)
        try:
            if while_running is not None:
                while_running(process)
            process.wait(timeout=timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(process.args, process.returncode, out.read(), err.read())
    if check and result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-5000:]}")
    return result


def api(course: Path, db_url: str | None = None, config=None):
    """nbgrader's API (NbGraderAPI) over `course` with its nbgrader_config.py (or `config`), in this process.

    `api(course).autograde(assignment, student, force=True, create=True)` runs `nbgrader autograde`
    for one student and returns {"success", "log", "error"}; every call shares this process, so
    the kit's sandbox and the hidden tests start once."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from autograder.nbgrader.course import load_config

    # a new gradebook asks the `alembic` command for its schema's version: the one beside this interpreter
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    config = config if config is not None else load_config(course, for_nbgrader=True)
    config.CourseDirectory.root = str(course)
    if db_url:
        config.CourseDirectory.db_url = db_url
    return NbGraderAPI(CourseDirectory(config=config), config=config)
