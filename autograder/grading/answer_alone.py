"""A test cell's answer cell, run alone in a fresh student process under its task's rule on how.

The notebook's own process has run every cell the student wrote before the test cell: what a
hidden test's probe finds there may have been saved, patched or prepared by any of them. A task
with a rule on how (rules.py) is graded instead in a process forked for it, in which, before any
student code, the prelude imports torch and nn, the rule's lockdown switches the forbidden
machinery off and the hidden test's own definitions are made; then the answer cell runs, and
nothing else of the notebook. Its code must first pass `rules.check` here, in the grader.

The engine makes one `AnswerCell` per graded test cell (`Student.answer`); hidden tests ask for
`student.alone(rule, **definitions)` and grade what the returned student computes. The processes
end with the test cell.
"""
from __future__ import annotations

import copy
import shutil
import tempfile

from autograder.grading import cells
from autograder.grading.rules import PRELUDE, Rule, RuleBroken, check
from autograder.grading.student_process import Student, StudentCodeError, StudentProcess, StudentProcessGone
from autograder.sandbox import Limits


def answer_code(notebook_cells: list, test_index: int) -> str | None:
    """The code of the answer cells of the test cell at `test_index`: its task's code cells marked as
    solutions (metadata the release's, restored before grading) since the test cell before it."""
    found = []
    for cell in reversed(notebook_cells[:test_index]):
        if cells.is_test_cell(cell):
            break
        if cell.get("cell_type") == "code" and cells.nbgrader_meta(cell).get("solution"):
            found.append(cell.get("source", ""))
    return "\n\n".join(reversed(found)) if found else None


class AloneStudent(Student):
    """The student of a fresh process that ran one answer cell under `rule`; `defined` holds the
    handles of the hidden test's definitions, made there before the answer cell ran."""

    rule: Rule
    defined: dict

    def _call(self, target, args, kwargs, **how):
        try:
            return super()._call(target, args, kwargs, **how)
        except StudentCodeError as error:
            if machinery_refused(self.rule, error.evalue):
                raise RuleBroken(f"{how.get('what', self.rule.task)} used {self.rule.forbids.what}, which is "
                                 f"switched off for this task: {self.rule.why}") from None
            raise


class AnswerCell:
    """The answer cell of the test cell being graded, and the fresh processes that run it alone."""

    def __init__(self, code: str | None, label: str, limits: Limits):
        self.code, self.label, self.limits = code, label, limits
        self._alone: dict[tuple, AloneStudent] = {}
        self._processes: list[StudentProcess] = []
        self._folders: list[str] = []

    @classmethod
    def of(cls, notebook_cells: list, test_index: int, limits: Limits) -> "AnswerCell":
        return cls(answer_code(notebook_cells, test_index), f"cell {test_index + 1}", limits)

    def alone(self, student: Student, rule: Rule, definitions: dict[str, str]) -> AloneStudent:
        """`student`'s answer cell alone, in a fresh process, under `rule` (one process per rule and
        definitions, shared by the test cell's hidden tests); RuleBroken if its code breaks the rule."""
        key = (rule, tuple(sorted(definitions.items())))
        if key not in self._alone:
            self._alone[key] = self._start(student, rule, definitions)
        return self._alone[key]

    def _start(self, student: Student, rule: Rule, definitions: dict[str, str]) -> AloneStudent:
        if self.code is None:
            raise RuleBroken(f"{rule.task}: no answer cell was found before this test cell (was its cell deleted "
                             f"or moved?): the task is graded from its answer cell alone")
        check(self.code, rule)
        folder = tempfile.mkdtemp(prefix="kit-answer-alone-")  # no files of the submission: the cell alone
        self._folders.append(folder)
        process = StudentProcess(folder, self.limits)
        self._processes.append(process)
        alone = copy.copy(student)  # the same seed and grader's settings, on the fresh process
        alone.__class__, alone.process, alone.answer = AloneStudent, process, None
        alone.rule, alone.defined = rule, {}
        self._run(process, PRELUDE, "the grader's imports")
        if rule.forbids is not None and rule.forbids.lockdown:
            alone.define(rule.forbids.lockdown, "refuse")
        for name, code in definitions.items():
            alone.defined[name] = alone.define(code, name)
        reply = process.run_cell(self.code, f"{self.label}, run alone")
        error = reply.get("error")
        if type(error) is dict and machinery_refused(rule, error.get("evalue")):
            raise RuleBroken(f"{rule.task}'s answer cell used {rule.forbids.what}, which is switched off for this "
                             f"task: {rule.why}")
        return alone

    @staticmethod
    def _run(process: StudentProcess, code: str, what: str) -> None:
        reply = process.run_cell(code, what)
        if reply.get("error") is not None:
            raise StudentProcessGone(f"your notebook's process could not run {what}")

    def close(self, abandon: bool = False) -> None:
        """End the fresh processes; `abandon` while the hidden tests' thread may still use them."""
        for process in self._processes:
            if abandon:
                process.abandon("the grader stopped grading this notebook")
            else:
                process.close()
        for folder in self._folders:
            shutil.rmtree(folder, ignore_errors=True)
        self._processes, self._folders, self._alone = [], [], {}

    def __enter__(self) -> "AnswerCell":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(abandon=exc_type is not None)


def machinery_refused(rule: Rule, text) -> bool:
    """Whether `text` (an error's message) is the refusal of the machinery `rule` forbids."""
    machinery = rule.forbids
    return machinery is not None and bool(machinery.refusal) and type(text) is str and machinery.refusal in text
