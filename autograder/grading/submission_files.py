"""A submission folder read as the untrusted bytes it is: regular files only, read once, bounded.

Every place where a student's files enter the course reads them here: the exchange's collect,
the LMS collectors, the copy into `submitted/` and `autograded/`, the sandbox's scratch folder,
the Gradescope and single-file runners. A folder is walked through file descriptors (`openat`
with `O_NOFOLLOW`), so no link is followed, whatever it points to and whenever it is swapped in;
each file is opened once, checked to be a regular file on the descriptor it is read from, and
read up to a bound. What is not taken is said, with the reason, in `Refused` entries:
- links (to a course file, a device, anything), FIFOs, sockets and devices;
- names that could leave the folder or hide (`..`, a slash, control characters);
- files past the size or count bounds;
- a regular file whose bytes are a course file's (`course_digests`: a copy of a source notebook,
  the solutions, the hidden tests or the gradebook is not the student's work).
"""
from __future__ import annotations

import hashlib
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

SKIPPED_FOLDERS = {".ipynb_checkpoints", "__pycache__"}
MAX_DEPTH = 8
MAX_NAME = 255
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refused:
    """A file of a submission that was not taken, and why (for the log and the student)."""
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass
class SubmissionFiles:
    """The regular files taken from a submission folder, by relative path, and what was refused."""
    files: dict[str, bytes] = field(default_factory=dict)
    refused: list[Refused] = field(default_factory=list)


class NotARegularFile(OSError):
    """A path that is a link, a device, a FIFO, a folder or missing, or a file over its bound."""


class FileTooLarge(NotARegularFile):
    """A regular file over its bound; `size` is its size in bytes."""

    def __init__(self, message: str, size: int):
        super().__init__(message)
        self.size = size


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a link"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _read_open_file(fd: int, max_bytes: int) -> bytes:
    """The bytes of the open `fd`, refused unless it is a regular file of at most `max_bytes`."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise NotARegularFile(f"it is {_kind(info.st_mode)}, not a regular file")
    if info.st_size > max_bytes:
        raise FileTooLarge(f"it is {_size(info.st_size)}, over the {_size(max_bytes)} left for it", info.st_size)
    chunks, total = [], 0
    while total <= max_bytes:
        chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > max_bytes:  # grew while read
        raise FileTooLarge(f"it grew past the {_size(max_bytes)} left for it", total)
    return b"".join(chunks)


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count} bytes"


def _open_flags(directory: bool = False) -> int:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK  # NONBLOCK: a FIFO does not hang open()
    return flags | os.O_DIRECTORY if directory else flags


def read_regular_file(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The bytes of `path` if it is a regular file (not a link to one) of at most `max_bytes`;
    NotARegularFile, with the reason, otherwise."""
    try:
        fd = os.open(path, _open_flags())
    except OSError as exc:
        if os.path.islink(path):
            raise NotARegularFile(f"it is a link (to {_link_target(path)}), which is not followed") from exc
        raise NotARegularFile(f"it cannot be opened ({exc.strerror or exc})") from exc
    try:
        return _read_open_file(fd, max_bytes)
    finally:
        os.close(fd)


def _link_target(path, dir_fd: int | None = None) -> str:
    try:
        target = os.readlink(path, dir_fd=dir_fd)
    except OSError:
        return "?"
    return target if len(target) <= 80 else target[:77] + "..."


def _safe_name(name: str) -> bool:
    return (0 < len(name) <= MAX_NAME and name not in (".", "..") and "/" not in name and "\x00" not in name
            and name.isprintable())


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_submission(folder: str | os.PathLike, max_bytes: int, max_count: int = 1000,
                    course_digests: dict[str, str] | None = None) -> SubmissionFiles:
    """The regular files under `folder` (not itself a link), up to `max_bytes` and `max_count` in all.

    `course_digests` maps the sha256 of course files to their names: a file with those bytes is refused.
    """
    result = SubmissionFiles()
    budget = {"bytes": max_bytes, "count": max_count}
    try:
        top = os.open(folder, _open_flags(directory=True))
    except OSError as exc:
        kind = "a link, which is not followed" if os.path.islink(folder) else (exc.strerror or str(exc))
        result.refused.append(Refused(".", f"the submission folder cannot be read: {kind}"))
        return result
    try:
        _walk(top, "", 0, result, budget, course_digests or {})
    finally:
        os.close(top)
    return result


def _walk(dir_fd: int, prefix: str, depth: int, result: SubmissionFiles, budget: dict, course_digests: dict) -> None:
    try:
        names = sorted(os.listdir(dir_fd))
    except OSError as exc:
        result.refused.append(Refused(prefix or ".", f"the folder cannot be listed ({exc.strerror or exc})"))
        return
    for name in names:
        shown = prefix + (name if name.isprintable() else name.encode("unicode_escape", "replace").decode("ascii"))
        if not _safe_name(name):
            result.refused.append(Refused(shown, "its name is not a plain file name"))
            continue
        try:
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError as exc:
            result.refused.append(Refused(shown, f"it cannot be read ({exc.strerror or exc})"))
            continue
        if stat.S_ISDIR(info.st_mode):
            if name in SKIPPED_FOLDERS:
                continue
            if depth + 1 >= MAX_DEPTH:
                result.refused.append(Refused(shown + "/", f"it is nested deeper than {MAX_DEPTH} folders"))
                continue
            try:
                child = os.open(name, _open_flags(directory=True), dir_fd=dir_fd)
            except OSError as exc:
                result.refused.append(Refused(shown + "/", f"it cannot be opened ({exc.strerror or exc})"))
                continue
            try:
                _walk(child, shown + "/", depth + 1, result, budget, course_digests)
            finally:
                os.close(child)
            continue
        if stat.S_ISLNK(info.st_mode):
            result.refused.append(Refused(shown, f"it is a link (to {_link_target(name, dir_fd)}), which is not followed"))
            continue
        if not stat.S_ISREG(info.st_mode):
            result.refused.append(Refused(shown, f"it is {_kind(info.st_mode)}, not a regular file"))
            continue
        if budget["count"] <= 0:
            result.refused.append(Refused(shown, "the submission holds too many files"))
            continue
        try:
            fd = os.open(name, _open_flags(), dir_fd=dir_fd)
        except OSError as exc:  # swapped for a link since the stat above, or unreadable
            result.refused.append(Refused(shown, f"it cannot be opened ({exc.strerror or exc})"))
            continue
        try:
            data = _read_open_file(fd, budget["bytes"])
        except NotARegularFile as exc:
            result.refused.append(Refused(shown, str(exc)))
            continue
        finally:
            os.close(fd)
        course_file = course_digests.get(digest(data)) if data else None
        if course_file:
            result.refused.append(Refused(shown, f"it is a copy of a course file ({course_file})"))
            continue
        result.files[shown] = data
        budget["bytes"] -= len(data)
        budget["count"] -= 1


def stand_in_notebook(expected: list[str], found: list[str]) -> str | None:
    """Which of the notebooks `found` (file names) to grade as the assignment's only notebook when
    none has its name: a lone notebook under another name (`tensors (1).ipynb`: browsers, LMSs and
    Gradescope rename uploads); None when the name is there, or the choice is not plain."""
    if len(expected) == 1 and len(found) == 1 and found[0] != f"{expected[0]}.ipynb":
        return found[0]
    return None


def write_files(files: dict[str, bytes], dest: str | os.PathLike) -> None:
    """Write what read_submission took under `dest` (made if missing), as plain new files."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)


def course_file_digests(paths: list[str | os.PathLike], max_bytes: int = 64 << 20) -> dict[str, str]:
    """{sha256: name} of the regular files under `paths` (folders walked, files taken as they are)."""
    found: dict[str, str] = {}
    for top in paths:
        top = Path(top)
        candidates = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else []
        for path in candidates:
            try:
                data = read_regular_file(path, max_bytes)
            except NotARegularFile:
                continue
            if data:
                found.setdefault(digest(data), str(path))
    return found


def scratch_files(folder: str | os.PathLike, max_bytes: int) -> dict[str, bytes]:
    """The files of a submission folder to copy into its student process's scratch folder; what is
    refused is logged (the entry points have refused and said it already, so this is the last net)."""
    taken = read_submission(folder, max_bytes)
    for refused in taken.refused:
        log.warning("not copied into the sandbox: %s", refused)
    return taken.files
