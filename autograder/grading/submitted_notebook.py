"""A submitted notebook file read as the untrusted bytes it is.

`read_submitted_notebook` turns a submission's bytes into a notebook, or, when they are not a
readable notebook (or are over the size limit), into the release notebook marked with the reason
(cells.UNREADABLE_KEY): the engine then grades every test cell 0 with that reason. `nbgrader
autograde` (autograder/nbgrader/exporters/), `python -m autograder grade` and the Gradescope
autograder all read submissions here.
"""
from __future__ import annotations

import os

import nbformat

from autograder.grading.cells import UNREADABLE_KEY
from autograder.grading.submission_files import FileTooLarge, NotARegularFile, digest, read_regular_file
from autograder.grading.text import printable
from autograder.sandbox import Limits


def read_submitted_notebook(data: bytes | str, fallback_path: str | None,
                            max_bytes: int = Limits.notebook_mb.default_value << 20, file_size: int | None = None):
    """A notebook from `data`, or the fallback notebook marked with why `data` could not be read.

    Outputs do not count for grading (every cell is run again), so a notebook that is only
    invalid because of its outputs (binary junk, wrong types) is read without them.
    """
    if len(data) > max_bytes:
        reason = _too_large(max(len(data), file_size or 0), max_bytes)
    else:
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
        try:
            return _parse(text)
        except Exception as exc:  # any unreadable file is the same outcome: 0 points and the reason
            reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
    return unreadable_notebook(fallback_path, reason)


def unreadable_notebook(fallback_path: str | None, reason: str):
    """The release notebook at `fallback_path`, marked with why the submission could not be read."""
    if not fallback_path or not os.path.exists(fallback_path):
        raise ValueError(f"the notebook could not be read ({reason}) and there is no release notebook to stand in")
    nb = nbformat.read(fallback_path, as_version=4)
    nb.metadata[UNREADABLE_KEY] = reason
    return nb


def read_submitted_file(path: str | os.PathLike, fallback_path: str | None,
                        max_bytes: int = Limits.notebook_mb.default_value << 20,
                        course_digests: dict[str, str] | None = None):
    """`read_submitted_notebook` of the file at `path`, opened once without following a link: a link
    (to the source notebook, say), a FIFO or a device, or a copy of a course file, is not the
    student's notebook and reads as the release notebook with the reason; so does a missing file."""
    if not os.path.lexists(path):
        return unreadable_notebook(fallback_path, missing_notebook(path))
    try:
        data = read_regular_file(path, max_bytes)
    except FileTooLarge as exc:
        return unreadable_notebook(fallback_path, _too_large(exc.size, max_bytes))
    except NotARegularFile as exc:
        return unreadable_notebook(fallback_path, f"the notebook file was not read: {exc}")
    course_file = (course_digests or {}).get(digest(data)) if data else None
    if course_file:
        return unreadable_notebook(fallback_path, "the notebook file is a copy of a course file, not your work")
    return read_submitted_notebook(data, fallback_path, max_bytes)


def missing_notebook(path: str | os.PathLike) -> str:
    """Why a notebook the assignment has is not graded: it is not in the submission, and what is."""
    folder, name = os.path.split(os.fspath(path))
    try:
        others = sorted(printable(other) for other in os.listdir(folder) if other.endswith(".ipynb"))
    except OSError:
        others = []
    return f"{name} is not in your submission (it has {', '.join(others) or 'no notebook at all'})"


def _too_large(size: int, max_bytes: int) -> str:
    return f"the file is {size / 2**20:.1f} MiB, over the limit of {max_bytes / 2**20:g} MiB"


def _parse(text: str):
    invalid = {}
    nb = nbformat.reads(text, as_version=4, capture_validation_error=invalid)
    if invalid:
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
        nbformat.validate(nb)
    return nb
