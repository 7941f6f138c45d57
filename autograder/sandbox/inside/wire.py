"""Frames over pipes between the student process and the grader: each frame is its size, then the
codec's bytes (codec.py: plain data only). A reader bounds what it waits for and what it takes.

The grader imports this file as a module of autograder.sandbox.inside; in the sandbox it is a file
beside zygote.py, and its sibling codec.py is imported by name.
"""
from __future__ import annotations

import os
import select
import struct
import time

if __package__:  # the grader's import, as part of the kit's package
    from autograder.sandbox.inside.codec import MAX_JSON_BYTES, WireError, WireInvalid, dumps, loads
else:  # in the sandbox: a sibling file
    from codec import MAX_JSON_BYTES, WireError, WireInvalid, dumps, loads

HEADER = struct.Struct(">Q")  # frame size


class WireTimeout(WireError):
    """No frame arrived in time."""


def send(fd: int, obj, timeout: float | None = None) -> None:
    """Write one frame to `fd`. With `timeout`, `fd` must be non-blocking: a reader that stops
    reading (or shrinks the pipe) raises WireTimeout instead of blocking the writer for good."""
    data = dumps(obj)
    view = memoryview(HEADER.pack(len(data)) + data)
    deadline = None if timeout is None else time.monotonic() + timeout
    poller = None
    while view:
        if deadline is not None:
            if poller is None:
                poller = select.poll()
                poller.register(fd, select.POLLOUT)
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(left * 1000):
                raise WireTimeout("the other side did not take the message in time")
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            continue
        view = view[written:]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WireTimeout("no answer in time")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise WireError("the pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, timeout: float | None = None, max_bytes: int = 1 << 30, max_json_bytes: int = MAX_JSON_BYTES):
    """The next frame from `fd`, loaded as plain data (not yet validated by from_plain).

    `max_json_bytes` bounds the frame's structure (tensors' bytes travel beside it): the grader
    keeps the default for what the student's process sends; the student's process and the
    zygote take the grader's requests (a large code cell) with a bound as large as the message."""
    deadline = None if timeout is None else time.monotonic() + timeout
    (size,) = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    if size > max_bytes:
        raise WireInvalid(f"a message of {size} bytes is over the limit of {max_bytes} bytes")
    return loads(_read_exactly(fd, size, deadline), max_json_bytes=max_json_bytes)
