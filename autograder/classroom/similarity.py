"""Which students' answers look alike: a similarity report over one assignment, by copydetect.

    python -m autograder similarity ASSIGNMENT [--out DIR] [--top N]

What each student wrote in the answer cells of the assignment (nbgrader's solution cells of
submitted/<student>/<assignment>/*.ipynb, in notebook order) becomes one file per student; the
release's own code of those cells (the stubs, signatures and docstrings) is boilerplate and is not
counted. copydetect (https://github.com/blingenf/copydetect) fingerprints the files by winnowing
k-grams of tokens, as MOSS does, which sees through renamed variables and reformatting.

A pair's score is the larger of its two shares of copied code: 1.0 when one file is contained in
the other. A high score is a reason to look at the pair, not a verdict: short or heavily guided
tasks make honest answers alike.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.grading import cells
from autograder.nbgrader.course import Course


@dataclass
class Pair:
    first: str
    second: str
    score: float  # the larger share of copied code, 0 to 1
    overlap: int  # tokens in common


def answer_code(nb, answer_ids: list[str]) -> str:
    """The code of the answer cells `answer_ids` of a notebook, in that order (missing ones are empty)."""
    found = {cells.nbgrader_meta(c).get("grade_id"): c.source for c in nb.cells
             if c.cell_type == "code" and cells.nbgrader_meta(c).get("solution")}
    return "\n\n".join(f"# {grade_id}\n{found.get(grade_id, '')}" for grade_id in answer_ids) + "\n"


def _answer_ids(release: Path) -> list[str]:
    nb = nbformat.read(release, as_version=4)
    return [cells.nbgrader_meta(c)["grade_id"] for c in nb.cells
            if c.cell_type == "code" and cells.nbgrader_meta(c).get("solution")]


def write_answers(course: Path, assignment: str, folder: Path) -> tuple[Path, Path, list[str]]:
    """One file of answers per student under folder/students, the release's under folder/boilerplate;
    the students whose notebooks could not be read are left out, and returned."""
    students, boilerplate = folder / "students", folder / "boilerplate"
    students.mkdir(parents=True)
    boilerplate.mkdir()
    releases = sorted(Course(course).release(assignment).glob("*.ipynb"))
    if not releases:
        raise ValueError(f"no release notebooks in release/{assignment}: run nbgrader generate_assignment first")
    unreadable = []
    for release in releases:
        ids = _answer_ids(release)
        (boilerplate / f"{release.stem}.py").write_text(answer_code(nbformat.read(release, as_version=4), ids))
        for submitted in sorted(Course(course).submissions_folder().glob(f"*/{assignment}/{release.name}")):
            student = submitted.parent.parent.name
            try:
                nb = nbformat.read(submitted, as_version=4)
            except Exception:  # noqa: BLE001 -- any unreadable file is the same: nothing to compare
                unreadable.append(student)
                continue
            with open(students / f"{student}.py", "a") as out:
                out.write(answer_code(nb, ids))
    return students, boilerplate, unreadable


def similar_pairs(course: Path, assignment: str, report: Path | None = None,
                  top: int = 10) -> tuple[list[Pair], list[str]]:
    """Every pair of students, most similar first, and the students left out; with `report`, copydetect's
    HTML report of the `top` pairs, side by side, is written there."""
    from copydetect import CopyDetector

    if report is not None:
        Path(report).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kit-similarity-") as scratch:
        students, boilerplate, unreadable = write_answers(course, assignment, Path(scratch))
        detector = CopyDetector(test_dirs=[str(students)], ref_dirs=[str(students)], boilerplate_dirs=[str(boilerplate)],
                                extensions=["py"], noise_t=15, guarantee_t=15, display_t=0.0, autoopen=False,
                                silent=True, out_file=str(report) if report else str(Path(scratch) / "report.html"))
        detector.run()
        pairs = {}
        for test_share, ref_share, test_file, ref_file, *_, overlap in detector.get_copied_code_list():
            a, b = sorted((Path(test_file).stem, Path(ref_file).stem))
            if a != b:
                pair = Pair(a, b, round(max(float(test_share), float(ref_share)), 3), int(overlap))
                if (a, b) not in pairs or pair.score > pairs[a, b].score:
                    pairs[a, b] = pair
        ranked = sorted(pairs.values(), key=lambda p: (-p.score, p.first, p.second))
        if report is not None:
            # the report shows the pairs at or above the score of the top-th pair
            detector.display_t = ranked[min(top, len(ranked)) - 1].score - 1e-9 if ranked else 0.0
            detector.generate_html_report(output_mode="save")
    return ranked, unreadable


def plot_scores(assignment: str, pairs: list[Pair], path: Path) -> Path:
    """A histogram of the pairs' scores: the few far to the right are the ones to look at."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist([p.score for p in pairs], bins=20, range=(0, 1), color="#4c72b0")
    ax.set_xlabel("similarity of a pair of students (share of copied code)")
    ax.set_ylabel("pairs")
    ax.set_title(f"{assignment}: {len(pairs)} pairs")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def format_pairs(pairs: list[Pair], top: int) -> str:
    return "\n".join(f"{p.first} {p.second} {p.score:.2f}" for p in pairs[:top])
