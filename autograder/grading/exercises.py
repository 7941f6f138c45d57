"""The exercises of a notebook: each starts with a markdown cell whose first line is the heading
`## Exercise N: name (k points, ≈ n lines)` and holds one graded cell, a task (an answer cell and its
check) or a written answer graded by hand (`(k points, written)`).

Read where a graded cell's exercise is needed: by the authoring tools (autograder/authoring/exercises.py
writes the headings from the metadata), by the feedback page (autograder/results/feedback.py names
each test cell's exercise) and by the grade exports (autograder/nbgrader/export.py names each task's
column), the last two through `graded_exercises`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import nbformat

from autograder.grading import cells

# The heading as an author writes it (`## Exercise 3: The loss`) or as it was generated; the
# older `## 3. The loss` is read too, so that a notebook of the first format converts itself.
HEADING = re.compile(r"^##[ \t]+(?:Exercise[ \t]+\d+:|\d+\.)[ \t]*(?P<name>.+?)"
                     r"(?:[ \t]+\(\d+(?:\.\d+)? points?, (?:≈ \d+ lines?|written)\))?[ \t]*$")
SECTION = re.compile(r"^##?[ \t]")  # any heading of level 1 or 2 ends an exercise
SOLUTION = re.compile(r"### BEGIN SOLUTION[^\n]*\n(.*?)### END SOLUTION", re.DOTALL)
# What a task's text shows as the line its visible check prints when it passes.
EXPECTED = re.compile(r"\*\*Expected output\*\*[^\n]*\n+```[^\n]*\n(?P<line>[^\n]+)\n```")


@dataclass
class Exercise:
    number: int
    name: str
    heading: object  # the markdown cell that starts it
    cells: list = field(default_factory=list)  # the cells after the heading, up to the next heading

    @property
    def graded(self) -> list:
        return [cell for cell in self.cells if cells.nbgrader_meta(cell).get("grade")]

    @property
    def points(self) -> float:
        return sum(float(cells.nbgrader_meta(cell).get("points", 0)) for cell in self.graded)

    @property
    def written(self) -> bool:
        """Graded by hand: its graded cell is a markdown answer."""
        return any(cell.cell_type == "markdown" for cell in self.graded)

    @property
    def answer(self):
        """The code cell the student completes, or None for a written answer."""
        return next((cell for cell in self.cells if cell.cell_type == "code"
                     and cells.nbgrader_meta(cell).get("solution")), None)

    @property
    def lines(self) -> int:
        """How long the reference answer is: its non-blank, non-comment lines between the markers."""
        code = "".join(SOLUTION.findall(self.answer.source)) if self.answer is not None else ""
        return sum(1 for line in code.splitlines() if line.strip() and not line.strip().startswith("#"))

    @property
    def check(self):
        """The code cell of autograded tests, or None for a written answer."""
        return next((cell for cell in self.graded if cell.cell_type == "code"), None)

    @property
    def expected_output(self) -> str | None:
        """The line the task's text says its check prints when it passes; `…` stands for what varies."""
        found = EXPECTED.search(self.heading.source)
        return found.group("line") if found else None

    def heading_line(self) -> str:
        effort = "written" if self.written else f"≈ {plural(self.lines, 'line')}"
        return f"## Exercise {self.number}: {self.name} ({plural(self.points, 'point')}, {effort})"


def matches_expected(expected: str, printed: str) -> bool:
    """`…` in an expected output stands for what varies from run to run (random numbers)."""
    pattern = ".*?".join(re.escape(part) for part in expected.split("…"))
    return re.fullmatch(pattern, printed) is not None


def plural(count: float, word: str) -> str:
    return f"{count:g} {word}{'' if count == 1 else 's'}"


def exercises(nb) -> list[Exercise]:
    """The notebook's exercises in order; raises AuthoringError where the structure is broken."""
    found: list[Exercise] = []
    current = None
    for index, cell in enumerate(nb.cells):
        first_line = cell.source.split("\n", 1)[0] if cell.cell_type == "markdown" else ""
        heading = HEADING.match(first_line) if not cells.nbgrader_meta(cell).get("grade") else None
        if heading and heading.group("name").strip().lower() not in ("key points", "done"):
            current = Exercise(len(found) + 1, heading.group("name").strip(), cell)
            found.append(current)
            continue
        if cell.cell_type == "markdown" and SECTION.match(first_line) and not cells.nbgrader_meta(cell).get("grade"):
            current = None
            continue
        if cells.nbgrader_meta(cell).get("grade") and current is None:
            raise cells.AuthoringError(f"cell {index} ({cells.nbgrader_meta(cell).get('grade_id')}) is graded but "
                                       "sits under no '## Exercise N: name' heading")
        if current is not None:
            current.cells.append(cell)
    for exercise in found:
        graded = [cells.nbgrader_meta(c).get("grade_id") for c in exercise.graded]
        if len(graded) != 1:
            raise cells.AuthoringError(f"exercise {exercise.number} ({exercise.name}) holds {len(graded)} graded "
                                       f"cells {graded}: one task per exercise (a written answer is an exercise "
                                       "of its own)")
    return found


def graded_exercises(path) -> list[tuple[int, str, str]]:
    """(number, name, grade_id) of each exercise of the notebook file at `path` (a release notebook);
    empty where its exercise headings cannot be read."""
    try:
        return [(e.number, e.name, cells.nbgrader_meta(e.graded[0])["grade_id"])
                for e in exercises(nbformat.read(path, as_version=4))]
    except cells.AuthoringError:
        return []
