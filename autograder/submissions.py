"""Builds submission notebooks from short case files, so test corpora never drift from source/.

A case file is Python with a header and cell sections:

    # base: reference            (the release notebook with the reference solutions filled in)
    # expect: zeros-check=3 matmul-check=0
    # %% matmul-answer
    def matrix_product(a, b):
        return b @ a

`base: release` starts from the unedited release notebook instead. `# %% <grade_id>`
replaces that cell's code; `# %% after <grade_id>` inserts a new code cell after it.
`expect` lists the points each named autograded cell should earn; cells not named
should earn full points on a `reference` base and 0 on a `release` base. Each
`# says: <grade_id>: <text>` line names text that cell's feedback must contain.
`# device: cpu` marks a case whose expected points hold only on that grading device.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from autograder import cells
from autograder.authoring import MARKER, ROOT

SECTION = re.compile(r"^# %% (after )?([\w-]+)[ \t]*$", re.MULTILINE)


@dataclass
class Case:
    path: Path
    base: str
    expect: dict[str, float]
    replace: dict[str, str] = field(default_factory=dict)
    insert_after: dict[str, list[str]] = field(default_factory=dict)
    description: str = ""
    says: list[tuple[str, str]] = field(default_factory=list)
    device: str | None = None


def read_case(path: Path) -> Case:
    text = Path(path).read_text()
    header, *_ = SECTION.split(text, maxsplit=1)
    fields = dict(re.findall(r"^# (\w+): ?(.*)$", header, re.MULTILINE))
    expect = {k: float(v) for k, v in re.findall(r"([\w-]+)=([\d.]+)", fields.get("expect", ""))}
    base = fields.get("base", "reference")
    if base not in ("reference", "release"):
        raise ValueError(f"{path}: base must be 'reference' or 'release', not {base!r}")
    says = re.findall(r"^# says: ([\w-]+): (.*?)\s*$", header, re.MULTILINE)
    case = Case(Path(path), base, expect, description=fields.get("case", ""), says=says,
                device=fields.get("device") or None)
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
    return nb


def build_sample_class(assignment: str, root: Path = ROOT, target: Path | None = None) -> list[Path]:
    """Write tests/sample_class/<student>/<assignment>/* into submitted/ (or `target`).

    `<notebook>.py` files are case files; anything else (a broken .ipynb, say) is copied as is.
    """
    target = target or root / "submitted"
    written = []
    for student_dir in sorted((root / "tests" / "sample_class").iterdir()):
        folder = student_dir / assignment
        if not folder.is_dir():
            continue
        out_dir = target / student_dir.name / assignment
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(folder.iterdir()):
            if path.suffix == ".py":
                nb = build_notebook(read_case(path), root / "release" / assignment / f"{path.stem}.ipynb",
                                    root / "source" / assignment / f"{path.stem}.ipynb")
                out = out_dir / f"{path.stem}.ipynb"
                nbformat.write(nb, out)
            else:
                out = out_dir / path.name
                out.write_bytes(path.read_bytes())
            written.append(out)
    return written
