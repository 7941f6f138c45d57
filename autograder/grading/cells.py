"""What the kit reads from notebook cells: which cells are graded, and by which hidden tests.

An autograded test cell holds visible asserts for the student and a hidden region that
names the items to grade, nothing else:

    ### BEGIN HIDDEN TESTS
    grade("tensors.zeros")
    ### END HIDDEN TESTS

Item `tensors.zeros` is the class `TestZeros` in `test_tensors.py` of the course's hidden tests
folder (GradeWithHiddenTests.hidden_tests; `hidden_tests/` in the course root by default).
"""
from __future__ import annotations

import ast
import base64
import binascii
import re
from pathlib import Path

HIDDEN_TESTS = "hidden_tests"  # the folder of the hidden tests in a course root, unless configured otherwise
UNREADABLE_KEY = "kit_unreadable"  # notebook metadata: why the submitted file could not be read

HIDDEN_REGION = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS[^\n]*(\n|$)",
                           re.MULTILINE | re.DOTALL)
ITEM_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


# Pictures a notebook may show (outputs, markdown attachments), known by their first bytes.
IMAGE_TYPES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff", "image/gif": b"GIF8"}
MAX_IMAGE_CHARS = 20 << 20


def is_image(mime, data) -> bool:
    """Whether `data` is base64 text of a picture of type `mime` (PNG, JPEG or GIF), and nothing else:
    a value a page puts into <img src="data:..."> must not be able to close the attribute."""
    magic = IMAGE_TYPES.get(mime)
    if magic is None or type(data) is not str or len(data) > MAX_IMAGE_CHARS:
        return False
    try:
        return base64.b64decode("".join(data.split()), validate=True).startswith(magic)
    except (binascii.Error, ValueError):
        return False


class AuthoringError(Exception):
    """A source notebook breaks the kit's authoring rules (an instructor's mistake)."""


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def split_hidden(source: str) -> tuple[str, list[str]]:
    """The visible code of a test cell, and the items its hidden regions name."""
    items = []
    for match in HIDDEN_REGION.finditer(source):
        items += parse_items(match.group(1))
    return HIDDEN_REGION.sub("", source), items


def parse_items(region: str) -> list[str]:
    try:
        statements = ast.parse(region).body
    except SyntaxError as exc:
        raise AuthoringError(f"hidden test region is not Python: {exc}") from None
    items = []
    for statement in statements:
        call = getattr(statement, "value", None)
        if not (isinstance(statement, ast.Expr) and isinstance(call, ast.Call)
                and getattr(call.func, "id", None) == "grade" and not call.keywords
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)):
            raise AuthoringError('a hidden test region may only hold calls like grade("tensors.zeros"), '
                                 f"found: {ast.unparse(statement)}")
        items += [arg.value for arg in call.args]
    for item in items:
        if not ITEM_NAME.match(item):
            raise AuthoringError(f'item "{item}" is not of the form "<set>.<name>" in lower_snake_case')
    return items


def item_class(item: str, folder: Path) -> tuple[str, str]:
    """(test file, class name) of an item's hidden tests in `folder`, as pytest's collected items name them."""
    exercise_set, name = item.split(".")
    class_name = "Test" + "".join(part.capitalize() for part in name.split("_"))
    return str(Path(folder) / f"test_{exercise_set}.py"), class_name
