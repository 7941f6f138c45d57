"""Builds submission notebooks from short case files, so test corpora never drift from source/.

A case file is Python with a header and cell sections:

    # base: reference            (the release notebook with the reference solutions filled in)
    # expect: zeros-check=3 matmul-check=0
    # %% matmul-answer
    def matrix_product(a, b):
        return b @ a

`base: release` starts from the unedited release notebook instead. `# %% <grade_id>`
replaces that cell's code; `# %% after <grade_id>` inserts a new code cell after it.
`expect` lists what each named autograded cell should earn: points (`matmul-check=1.5`), or a
share of the cell's points that survives a change of them: `zero` (or `lost`), `full`, a fraction
(`1/2`) or a percentage (`50%`). Cells not named should earn full points on a `reference` base and
0 on a `release` base. Each
`# says: <grade_id>: <text>` line names text that cell's feedback must contain, and each
`# never-says: <grade_id>: <text>` line text it must not contain (reference code that reached the student's process).
A case holds on every grading device: device behaviour is graded on the meta device, which
every grader has, so there is no device-specific case (a `# device:` line is refused).

Attacks on the notebook file itself (tests/attacks/) use three more lines:
`# tamper: <what> <grade_id> [value]` edits a test cell's metadata or source (see TAMPERING),
`# file: <form>` writes the notebook in a broken or unusual form (see FILE_FORMS), and
`# extra-file: <name> <bytes>` adds a file of that size to the submission folder,
`# text-file: <name> <text>` adds a file holding that text (a `timestamp.txt` that is not a time),
`# link: <name> <target>` puts a symbolic link there (the notebook's own name replaces the notebook;
a relative target is taken from `submitted/<student>/<assignment>/`), `# fifo: <name>` a FIFO, and
`# honest-after: <n>` grades n honest students after the attack instead of one.
"""
from __future__ import annotations

import base64
import json
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from autograder.grading import cells
from autograder.authoring.solutions import MARKER
from autograder.nbgrader.course import Course

SECTION = re.compile(r"^# %% (after )?([\w-]+)[ \t]*$", re.MULTILINE)
SHARES = {"zero": 0.0, "lost": 0.0, "full": 1.0}


class Share(float):
    """An expected score stated as a share of the cell's points (`zero`, `full`, `1/2`, `50%`)."""


def expected_value(text: str) -> float:
    """Points (`1.5`), or a Share of the cell's points; ValueError for anything else."""
    if text in SHARES:
        return Share(SHARES[text])
    if re.fullmatch(r"\d+/\d+", text) and int(text.split("/")[1]):
        return Share(int(text.split("/")[0]) / int(text.split("/")[1]))
    if re.fullmatch(r"\d+(\.\d+)?%", text):
        return Share(float(text[:-1]) / 100)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    raise ValueError(f"{text!r} is no expected score: points (1.5), zero, lost, full, a fraction (1/2) or a percentage")


@dataclass
class Case:
    path: Path
    base: str
    expect: dict[str, float]
    replace: dict[str, str] = field(default_factory=dict)
    insert_after: dict[str, list[str]] = field(default_factory=dict)
    description: str = ""
    says: list[tuple[str, str]] = field(default_factory=list)
    never_says: list[tuple[str, str]] = field(default_factory=list)
    tamper: list[list[str]] = field(default_factory=list)
    file_form: str | None = None
    extra_files: dict[str, int] = field(default_factory=dict)
    text_files: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    fifos: list[str] = field(default_factory=list)
    honest_after: int = 1

    def expected_points(self, full: dict[str, float]) -> dict[str, float]:
        """`expect` in points, a Share turned into points of the cell's `full` points."""
        return {grade_id: value * full.get(grade_id, float("nan")) if isinstance(value, Share) else value
                for grade_id, value in self.expect.items()}


def read_case(path: Path) -> Case:
    text = Path(path).read_text()
    header, *_ = SECTION.split(text, maxsplit=1)
    fields = dict(re.findall(r"^# (\w+): ?(.*)$", header, re.MULTILINE))
    expect = {}
    for word in fields.get("expect", "").split():
        grade_id, _, value = word.partition("=")
        try:
            expect[grade_id] = expected_value(value)
        except ValueError as error:
            line = 1 + next((n for n, text in enumerate(header.splitlines()) if text.startswith("# expect:")), 0)
            raise ValueError(f"{path}:{line}: {word!r} in '# expect:': {error}") from None
    base = fields.get("base", "reference")
    if "device" in fields:
        raise ValueError(f"{path}: a case must hold on every grading device; grade device behaviour on the meta device")
    if base not in ("reference", "release"):
        raise ValueError(f"{path}: base must be 'reference' or 'release', not {base!r}")
    says = re.findall(r"^# says: ([\w-]+): (.*?)\s*$", header, re.MULTILINE)
    case = Case(Path(path), base, expect, description=fields.get("case", ""), says=says,
                never_says=re.findall(r"^# never-says: ([\w-]+): (.*?)\s*$", header, re.MULTILINE),
                tamper=[line.split() for line in re.findall(r"^# tamper: (.*?)\s*$", header, re.MULTILINE)],
                file_form=fields.get("file") or None,
                extra_files={name: int(size) for name, size in
                             re.findall(r"^# extra-file: (\S+) (\d+)\s*$", header, re.MULTILINE)},
                text_files=dict(re.findall(r"^# text-file: (\S+) (.*?)\s*$", header, re.MULTILINE)),
                links=dict(re.findall(r"^# link: (\S+) (\S+)\s*$", header, re.MULTILINE)),
                fifos=re.findall(r"^# fifo: (\S+)\s*$", header, re.MULTILINE),
                honest_after=int(next(iter(re.findall(r"^# honest-after: (\d+)\s*$", header, re.MULTILINE)), 1)))
    for what, *_ in case.tamper:
        if what not in TAMPERING:
            raise ValueError(f"{path}: unknown tamper {what!r}; known: {', '.join(TAMPERING)}")
    if case.file_form and case.file_form not in FILE_FORMS:
        raise ValueError(f"{path}: unknown file form {case.file_form!r}; known: {', '.join(FILE_FORMS)}")
    matches = list(SECTION.finditer(text))
    for match, following in zip(matches, matches[1:] + [None]):
        body = text[match.end():following.start() if following else len(text)].strip("\n") + "\n"
        if match.group(1):
            case.insert_after.setdefault(match.group(2), []).append(body)
        else:
            case.replace[match.group(2)] = body
    return case


def _grade_id(cell) -> str | None:
    return cells.nbgrader_meta(cell).get("grade_id")


def build_notebook(case: Case, release_path: Path, source_path: Path):
    """The submitted notebook that `case` describes."""
    nb = nbformat.read(release_path, as_version=4)
    if case.base == "reference":
        reference = {_grade_id(c): MARKER.sub("", c.source) for c in nbformat.read(source_path, as_version=4).cells
                     if cells.nbgrader_meta(c).get("solution")}
        for cell in nb.cells:
            if _grade_id(cell) in reference:
                cell.source = reference[_grade_id(cell)]
    known = {_grade_id(c) for c in nb.cells}
    for grade_id in list(case.replace) + list(case.insert_after):
        if grade_id not in known:
            raise ValueError(f"{case.path}: no cell with grade_id {grade_id!r} in {release_path}")
    result = []
    for cell in nb.cells:
        if _grade_id(cell) in case.replace:
            cell.source = case.replace[_grade_id(cell)]
        result.append(cell)
        for number, code in enumerate(case.insert_after.get(_grade_id(cell), [])):
            added = new_code_cell(code)
            added.id = f"{_grade_id(cell)}-added-{number}"
            result.append(added)
    nb.cells = result
    for what, grade_id, *value in case.tamper:
        index = next((i for i, c in enumerate(nb.cells) if _grade_id(c) == grade_id), None)
        if index is None:
            raise ValueError(f"{case.path}: no cell with grade_id {grade_id!r} to tamper with")
        TAMPERING[what](nb, index, *value)
    return nb


def _edit_source(nb, index, *code):
    nb.cells[index].source = " ".join(code) or "pass"


def _delete(nb, index):
    del nb.cells[index]


def _retype(nb, index):
    cell = nb.cells[index]
    nb.cells[index] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata, id=cell.id)


def _reid(nb, index, new_id):
    nb.cells[index].metadata.nbgrader["grade_id"] = new_id


def _duplicate(nb, index):
    copy = nbformat.from_dict(json.loads(json.dumps(nb.cells[index])))
    copy.id = f"{copy.id}-copy"
    nb.cells.insert(index + 1, copy)


def _points(nb, index, points):
    nb.cells[index].metadata.nbgrader["points"] = float(points)


def _checksum(nb, index):
    nb.cells[index].metadata.nbgrader["checksum"] = "0" * 32


def _unmark(nb, index):
    del nb.cells[index].metadata["nbgrader"]


def _add_graded(nb, index, new_id, points):
    """A new autograded cell after `index`, claiming points of its own."""
    cell = new_code_cell("print('all hidden tests passed')", id=f"{new_id}-cell")
    cell.metadata.nbgrader = {"grade": True, "solution": False, "locked": True, "grade_id": new_id,
                              "points": float(points), "schema_version": 3}
    nb.cells.insert(index + 1, cell)


def _set_meta(nb, index, key, *value):
    """One nbgrader metadata field set to a JSON value (`points "x"`, `grade false`, `schema_version 99`)."""
    nb.cells[index].metadata.nbgrader[key] = json.loads(" ".join(value))


def _drop_meta(nb, index, key):
    del nb.cells[index].metadata.nbgrader[key]


def _raw_with_attachments(nb, index):
    """The cell retyped as a raw cell shown as HTML, with an attachment: what nbformat allows a raw cell."""
    cell = nb.cells[index]
    raw = nbformat.v4.new_raw_cell("<script>document.title = 'pwned'</script>", metadata=cell.metadata, id=cell.id)
    raw.metadata["format"] = "text/html"
    raw.attachments = {"x.png": {"text/html": "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="}}
    nb.cells[index] = raw


TAMPERING = {"edit": _edit_source, "delete": _delete, "retype": _retype, "reid": _reid, "duplicate": _duplicate,
             "points": _points, "checksum": _checksum, "unmark": _unmark, "add-graded": _add_graded,
             "set-meta": _set_meta, "drop-meta": _drop_meta, "raw-with-attachments": _raw_with_attachments}


def _invalid_json(nb) -> bytes:
    text = nbformat.writes(nb)
    return text[: len(text) // 2].encode()


def _nbformat_3(nb) -> bytes:
    return nbformat.writes(nbformat.convert(nb, 3), version=3).encode()


def _wrong_kernel(nb) -> bytes:
    nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nb.metadata["language_info"] = {"name": "R"}
    return nbformat.writes(nb).encode()


def _huge(nb) -> bytes:
    nb.cells.append(nbformat.v4.new_markdown_cell("x" * (80 << 20)))
    return nbformat.writes(nb).encode()


def _binary_outputs(nb) -> bytes:
    """Outputs holding raw bytes that are not UTF-8, and a value of the wrong type."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "@@JUNK@@"}),
                            {"output_type": "stream", "name": "stdout", "text": 12345}]
    junk = bytes(b for b in random.Random(0).randbytes(4096) if b >= 0x20 and b not in b'"\\')
    return json.dumps(nb).encode().replace(b"@@JUNK@@", junk)


def _pasted_picture(nb) -> bytes:
    """A 7 MB picture pasted into a markdown cell (an attachment): an honest notebook of about 9.5 MB."""
    png = b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(7 << 20)
    cell = nbformat.v4.new_markdown_cell("My drawing of the graph: ![graph](attachment:graph.png)")
    cell.attachments = {"graph.png": {"image/png": base64.b64encode(png).decode()}}
    nb.cells.append(cell)
    return nbformat.writes(nb).encode()


def _many_empty_cells(nb) -> bytes:
    """60,000 empty code cells at the end: an honest notebook of about 6 MB."""
    nb.cells += [new_code_cell("", id=f"empty-{k}") for k in range(60_000)]
    return nbformat.writes(nb).encode()


FILE_FORMS = {"invalid-json": _invalid_json, "nbformat-3": _nbformat_3, "wrong-kernel": _wrong_kernel,
              "huge": _huge, "binary-outputs": _binary_outputs,
              "pasted-picture": _pasted_picture, "many-empty-cells": _many_empty_cells}


def case_files(case: Case, nb, notebook_name: str) -> dict[str, bytes]:
    """The files a student folder holds for `case`: the notebook (in its form) and any extra files."""
    form = FILE_FORMS.get(case.file_form)
    files = {notebook_name: form(nb) if form else nbformat.writes(nb).encode()}
    for name, size in case.extra_files.items():
        files[name] = random.Random(name).randbytes(size)
    for name, text in case.text_files.items():
        files[name] = text.encode()
    return files


def write_special_files(case: Case, folder: Path) -> None:
    """The links and FIFOs of `case` in the student's `folder` (after case_files' files are written)."""
    for name, target in case.links.items():
        path = folder / name
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target)
    for name in case.fifos:
        os.mkfifo(folder / name)


def build_sample_class(assignment: str, root: Path, target: Path | None = None) -> list[Path]:
    """Write tests/sample_class/<student>/<assignment>/* into submitted/ (or `target`).

    `<notebook>.py` files are case files; anything else (a broken .ipynb, say) is copied as is.
    """
    course = Course(root)
    target = target or course.submissions_folder()
    written = []
    for student_dir in sorted(course.sample_class.iterdir()):
        folder = student_dir / assignment
        if not folder.is_dir():
            continue
        out_dir = target / student_dir.name / assignment
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(folder.iterdir()):
            if path.suffix == ".py":
                nb = build_notebook(read_case(path), course.release(assignment, path.stem),
                                    course.source(assignment, path.stem))
                out = out_dir / f"{path.stem}.ipynb"
                nbformat.write(nb, out)
            else:
                out = out_dir / path.name
                out.write_bytes(path.read_bytes())
            written.append(out)
    return written
