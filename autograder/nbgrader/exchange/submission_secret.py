"""The submission secret nbgrader's submit writes beside a submission: what collect and release_feedback accept."""
from __future__ import annotations

import re

SECRET = "submission_secret.txt"
MAX_SECRET_BYTES = 1024  # nbgrader's submit writes 128 hex digits


def secret_problem(data: bytes) -> str | None:
    if not data or len(data) > MAX_SECRET_BYTES or not re.fullmatch(rb"[0-9A-Za-z_-]+", data.strip()):
        return "it is not a submission secret as nbgrader's submit writes one"
    return None
