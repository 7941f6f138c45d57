"""Reports on a graded assignment, read from the gradebook and the autograded notebooks.

- `gradescope_results`: one submission as Gradescope's results.json
  (https://gradescope-autograders.readthedocs.io/en/latest/specs/): one test per autograded cell,
  its output the student-facing messages of that cell, as the student's feedback shows them.
- `class_summary`: per autograded cell the mean score, how many got full marks and the most
  common failure messages; `format_summary` prints it, `plot_summary` draws it as a PNG.

Only what a student may see leaves here: the kit's messages (the "Not passed" error output a
hidden-tests cell gets), the name and message of any other error (never its traceback, which
could show test code), and printed output; the course's path on the grading machine is removed.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.grading import cells
from autograder.classroom.grade_class import default_db_url

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
MAX_OUTPUT = 4000


@dataclass
class Cell:
    notebook: str
    grade_id: str
    max_score: float


def grade_cells(course: Path, assignment: str, db_url: str | None = None) -> list[Cell]:
    """The assignment's autograded cells, in the order of the source notebooks."""
    with Gradebook(db_url or default_db_url(course)) as gradebook:
        found = [Cell(nb.name, cell.name, cell.max_score) for nb in gradebook.find_assignment(assignment).notebooks
                 for cell in nb.grade_cells if cell.cell_type == "code"]
    order = {}
    for cell in found:
        source = Path(course) / "source" / assignment / f"{cell.notebook}.ipynb"
        if cell.notebook not in order and source.exists():
            ids = [cells.nbgrader_meta(c).get("grade_id") for c in nbformat.read(source, as_version=4).cells]
            order[cell.notebook] = {grade_id: i for i, grade_id in enumerate(ids)}
    return sorted(found, key=lambda c: (c.notebook, order.get(c.notebook, {}).get(c.grade_id, 0), c.grade_id))


def scores(course: Path, assignment: str, db_url: str | None = None) -> dict[str, dict[tuple[str, str], float]]:
    """{student: {(notebook, grade_id): score}} for every submission in the gradebook."""
    with Gradebook(db_url or default_db_url(course)) as gradebook:
        return {sub.student.id: {(nb.name, grade.name): grade.score for nb in sub.notebooks for grade in nb.grades
                                 if grade.cell.cell_type == "code"}
                for sub in gradebook.find_assignment(assignment).submissions}


def _clean(text: str, course: Path) -> str:
    return ANSI.sub("", text).replace(str(Path(course).resolve()), ".").strip()


def cell_messages(course: Path, student: str, assignment: str, cell: Cell) -> tuple[list[str], str]:
    """(failure messages, everything the student sees) of one autograded cell of one submission."""
    path = Path(course) / "autograded" / student / assignment / f"{cell.notebook}.ipynb"
    if not path.exists():
        return ["not graded: no autograded notebook"], "not graded: no autograded notebook"
    nb = nbformat.read(path, as_version=4)
    found = next((c for c in nb.cells if cells.nbgrader_meta(c).get("grade_id") == cell.grade_id), None)
    if found is None:
        return ["not graded: the cell is missing"], "not graded: the cell is missing"
    failures, shown = [], []
    for output in found.get("outputs", []):
        kind = output.get("output_type")
        if kind == "execute_result" and "text/html" in output.get("data", {}):
            shown.append(html.unescape(re.sub(r"<[^>]+>", "", output["data"]["text/html"])))
        elif kind == "stream":
            shown.append(output.get("text", ""))
        elif kind == "error" and output.get("ename") == "Not passed":
            lines = [_clean(line, course).removeprefix("- ") for line in output.get("traceback", [])]
            failures += [line for line in lines if line]
        elif kind == "error":
            failures.append(f"{output.get('ename')}: {_clean(str(output.get('evalue')), course)}")
    shown += failures
    text = "\n".join(_clean(part, course) for part in shown if part.strip())
    return failures, text[:MAX_OUTPUT] + ("\n... (cut)" if len(text) > MAX_OUTPUT else "")


# ----------------------------------------------------------------------------- Gradescope

def gradescope_results(course: Path, assignment: str, student: str, db_url: str | None = None) -> dict:
    """One submission in Gradescope's results.json format."""
    points = scores(course, assignment, db_url).get(student)
    if points is None:
        raise ValueError(f"{student} has no graded submission of {assignment} in the gradebook")
    return _gradescope(course, assignment, db_url, lambda cell: (
        points.get((cell.notebook, cell.grade_id), 0.0), cell_messages(course, student, assignment, cell)[1]))


def gradescope_not_graded(course: Path, assignment: str, reason: str, db_url: str | None = None) -> dict:
    """Gradescope's results.json for a submission that could not be graded: every cell 0, with the reason."""
    result = _gradescope(course, assignment, db_url, lambda cell: (0.0, reason))
    result["output"] += f". {reason}"
    return result


def _gradescope(course: Path, assignment: str, db_url: str | None, score_and_output) -> dict:
    cell_list = grade_cells(course, assignment, db_url)
    several = len({c.notebook for c in cell_list}) > 1
    tests = []
    for cell in cell_list:
        score, output = score_and_output(cell)
        tests.append({"name": f"{cell.notebook}: {cell.grade_id}" if several else cell.grade_id,
                      "score": round(score, 2), "max_score": cell.max_score, "output": output,
                      "visibility": "visible"})
    total = round(sum(t["score"] for t in tests), 2)
    return {"score": total, "output": f"{assignment}: {total:g} of {sum(c.max_score for c in cell_list):g} points",
            "tests": tests}


def write_gradescope(course: Path, assignment: str, out: Path, db_url: str | None = None,
                     student: str | None = None) -> list[Path]:
    """`out/<student>/results.json` for every graded submission; with `student`, `out` is that one file."""
    if student:
        targets = {student: Path(out)}
    else:
        targets = {s: Path(out) / s / "results.json" for s in sorted(scores(course, assignment, db_url))}
    for name, path in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(gradescope_results(course, assignment, name, db_url), indent=2) + "\n")
    return list(targets.values())


# ----------------------------------------------------------------------------- class summary

@dataclass
class CellSummary:
    cell: Cell
    scores: list[float]
    failures: list[tuple[str, int]] = field(default_factory=list)  # (an example message, how many students)

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0

    @property
    def full_marks(self) -> int:
        return sum(score >= self.cell.max_score - 1e-6 for score in self.scores)


def class_summary(course: Path, assignment: str, db_url: str | None = None, top: int = 3) -> list[CellSummary]:
    """Per autograded cell: every submission's score and the `top` most common failure messages.

    Messages that differ only in their numbers count as one (each student once), shown by the
    first example met.
    """
    by_student = scores(course, assignment, db_url)
    rows = []
    for cell in grade_cells(course, assignment, db_url):
        counts, examples = Counter(), {}
        for student in sorted(by_student):
            if by_student[student].get((cell.notebook, cell.grade_id), 0.0) >= cell.max_score - 1e-6:
                continue
            failures, _ = cell_messages(course, student, assignment, cell)
            for key, message in {NUMBER.sub("#", m): m for m in failures}.items():
                counts[key] += 1
                examples.setdefault(key, message)
        rows.append(CellSummary(cell, [by_student[s].get((cell.notebook, cell.grade_id), 0.0) for s in sorted(by_student)],
                                [(examples[key], n) for key, n in counts.most_common(top)]))
    return rows


def format_summary(assignment: str, rows: list[CellSummary], width: int = 100) -> str:
    count = len(rows[0].scores) if rows else 0
    lines = [f"{assignment}: {count} submissions", f"{'cell':<24} {'mean / max':<13} {'full marks':<11}  most common failures"]
    for row in rows:
        head = f"{row.cell.grade_id[:24]:<24} {row.mean:>6.2f} / {row.cell.max_score:<4g} {row.full_marks:>5}/{count:<5}"
        failures = [f"{n}x {message[:width]}" for message, n in row.failures] or ["-"]
        lines.append(f"{head}  {failures[0]}")
        lines += [" " * (len(head) + 2) + failure for failure in failures[1:]]
    return "\n".join(lines)


def plot_summary(assignment: str, rows: list[CellSummary], path: Path) -> Path:
    """A bar per autograded cell: the mean score as a share of its points, with full marks n/N."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    count = len(rows[0].scores) if rows else 0
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.5))
    names = [row.cell.grade_id for row in rows][::-1]
    shares = [100 * row.mean / row.cell.max_score if row.cell.max_score else 0 for row in rows][::-1]
    bars = ax.barh(names, shares, color="#4c72b0")
    for bar, row in zip(bars, rows[::-1]):
        ax.text(min(bar.get_width(), 100) + 1, bar.get_y() + bar.get_height() / 2,
                f"{row.mean:.2f}/{row.cell.max_score:g}  full {row.full_marks}/{count}", va="center", fontsize=8)
    ax.set_xlim(0, 135)
    ax.set_xlabel("mean score (% of the cell's points)")
    ax.set_title(f"{assignment}: {count} submissions")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
