"""The grader's side of the process boundary: start a student process, run cells in it, call student code.

`StudentProcess` owns the student's process (forked in the sandbox, see autograder/sandbox). `Student` is what hidden tests receive as their
`student` fixture: it calls the student's functions and classes in the student process and
returns plain data, or raises `StudentCodeError` / `StudentProcessGone` with a message written
for the student.
"""
from __future__ import annotations

import os
import signal
import time

import torch

from autograder import sandbox
from autograder.sandbox.inside import codec, wire
from autograder.grading.call_text import CallText
from autograder.grading.cells import AuthoringError
from autograder.grading.device import grading_device, simulated_device
from autograder.grading.reference_code import ReferenceCode
from autograder.grading.run import GradingRun
from autograder.grading.submission_files import scratch_files
from autograder.sandbox import Limits
from autograder.sandbox.inside.codec import Handle

__all__ = ["Limits", "Student", "StudentCodeError", "StudentProcess", "StudentProcessGone"]


class StudentProcessGone(Exception):
    """The student's process ended or ran past its time; nothing more can run in it."""


class StudentCodeError(Exception):
    """The student's code raised an exception while the grader called it."""

    def __init__(self, what: str, error: dict):
        self.name = what.split("(")[0]
        ename, evalue, where = (error.get(key) for key in ("ename", "evalue", "where"))
        # the student process's report is untrusted: text of bounded length, or nothing
        self.what = what
        self.ename = ename[:200] if type(ename) is str else "Error"
        self.evalue = evalue[:2000] if type(evalue) is str else ""
        self.where = where[:500] if type(where) is str else ""
        super().__init__(self.student_message())

    def student_message(self) -> str:
        # the release's stub raises NotImplementedError; the same error from inside torch (an
        # operation a device lacks) is the student's code failing, and is reported as such
        if self.ename == "NotImplementedError" and (not self.where or "raise NotImplementedError" in self.where):
            return (f"{self.name} is not implemented yet: replace `raise NotImplementedError()` "
                    f"with your code")
        if self.ename == "NameError" and self.evalue.startswith("name '"):
            name = self.evalue.split("'")[1]
            return (f"{name} is not defined in your notebook: keep the name {name} "
                    f"(was it renamed or deleted, or did the cell that defines it fail?)")
        where = f" at {self.where}" if self.where else ""
        return f"{self.what} raised {self.ename}: {self.evalue}{where}"


class StudentProcess:
    """One student process, forked by the sandbox's zygote, that runs one notebook.

    Files of `workdir` (the submission folder) are copied into the process's scratch folder.
    """

    def __init__(self, workdir: str | os.PathLike, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.gone: str | None = None
        self.ending: dict | None = None
        self.deadline = time.monotonic() + self.limits.notebook_seconds
        to_student_r, self._to_student = os.pipe()
        self._from_student, from_student_w = os.pipe()
        # Every write to the student's process has a deadline, as every read does: a process that
        # stops reading (or shrinks its pipe) would otherwise block the grader in write() for good.
        os.set_blocking(self._to_student, False)
        try:
            self.sandbox = GradingRun.instance().start_sandbox(self.limits)
            self.pid = self.sandbox.fork(scratch_files(workdir, self.limits.files_mb << 20),
                                        to_student_r, from_student_w, self.limits,
                                        limit_data=grading_device().type != "cuda")
        except sandbox.ZygoteGone as exc:
            self.pid, self.gone = None, f"your notebook could not be started: {exc}"
        finally:
            os.close(to_student_r)
            os.close(from_student_w)

    def request(self, message: dict, timeout: float, doing) -> dict:
        """Send one request and return the validated reply; StudentProcessGone if the process is lost.
        `doing` (text, or a CallText) says when, in the messages of a lost process."""
        if self.gone:
            raise StudentProcessGone(self.gone)
        left = self.deadline - time.monotonic()
        whole_notebook = left < timeout
        timeout = max(0.0, min(timeout, left))
        until = time.monotonic() + timeout
        try:
            try:
                wire.send(self._to_student, message, timeout)
            except wire.WireTimeout:
                self.end()
                self.gone = (f"your notebook's process did not take the grader's request {doing} within "
                             f"{timeout:g} s (it stopped reading it), so it was stopped")
                raise StudentProcessGone(self.gone) from None
            reply = codec.from_plain(wire.receive(self._from_student, max(0.0, until - time.monotonic()),
                                                 self.limits.max_reply_mb << 20))
        except wire.WireTimeout:
            self.end()
            limit = (f"your notebook ran past its {self.limits.notebook_seconds:g} s in all" if whole_notebook
                     else f"your code ran past {timeout:g} s {doing}")
            self.gone = f"{limit}, so it was stopped"
            raise StudentProcessGone(self.gone) from None
        except wire.WireInvalid as exc:
            self.end()
            self.gone = f"the answer from your notebook's process {doing} was not understood ({exc}), so it was stopped"
            raise StudentProcessGone(self.gone) from None
        except (wire.WireError, OSError):
            self.end()
            self.gone = f"your notebook's process ended {doing} ({self._exit_reason()})"
            raise StudentProcessGone(self.gone) from None
        if type(reply) is not dict or type(reply.get("ok")) is not bool:
            self.end()
            self.gone = f"the answer from your notebook's process {doing} was not understood, so it was stopped"
            raise StudentProcessGone(self.gone)
        return reply

    def _exit_reason(self) -> str:
        ending = self.ending or {}
        code, cpu = ending.get("exit_code"), ending.get("cpu_seconds") or 0
        if ending.get("reason"):
            return str(ending["reason"])
        if code is None:
            return "the grading sandbox stopped"
        if code < 0 and cpu >= self.limits.cpu_seconds - 1:
            return f"it used more than its {self.limits.cpu_seconds} s of CPU time"
        if code < 0:
            return f"killed by signal {signal.Signals(-code).name}"
        return f"exit code {code}"

    def run_cell(self, code: str, label: str) -> dict:
        return self.request({"op": "run_cell", "code": code}, self.limits.cell_seconds, f"in {label}")

    def end(self, wait: bool = True) -> None:
        """Stop the process and everything it started; remember how it ended.

        Without `wait` (a normal close), the zygote answers before the process is torn down."""
        if self.pid is None or self.ending is not None:
            return
        try:
            self.ending = self.sandbox.end(self.pid, wait=wait)
        except sandbox.ZygoteGone as exc:
            self.ending = {"exit_code": None, "reason": None, "error": str(exc)}

    def abandon(self, reason: str) -> None:
        """Stop the process for good while another thread may still be waiting on its pipes.

        The pipes stay open (they only see the end of the process): closed, their numbers could
        be reused by the next notebook's pipes, which that thread would then read."""
        self.gone = self.gone or reason
        self._abandoned = True
        self.end()

    def close(self) -> None:
        # A process lost on the way (gone) is waited for, to say how it ended; one the grader is
        # simply done with is answered for at once and torn down while the next notebook starts.
        self.end(wait=self.gone is not None)
        if getattr(self, "_abandoned", False):
            return
        for fd in (self._to_student, self._from_student):
            try:
                os.close(fd)
            except OSError:
                pass


def _encode(value):
    if isinstance(value, Handle):
        return codec.handle_ref(value)
    if type(value) in (list, tuple):
        return type(value)(_encode(v) for v in value)
    if type(value) is dict:
        return {k: _encode(v) for k, v in value.items()}
    return value


def _target(target) -> dict:
    if isinstance(target, str):
        return {"name": target}
    return codec.handle_ref(target)


class Student:
    """The student's notebook as the hidden tests see it: calls in, plain data out.

    Every call seeds torch and random with `seed` first, so a submission graded twice
    gets the same results whatever the student seeds.
    """

    def __init__(self, process: StudentProcess, seed: int = 0, fake_devices: dict | None = None,
                 references: ReferenceCode | None = None):
        self.process, self.seed, self.fake_devices = process, seed, fake_devices
        self.references = references  # the course's reference code, which `define` never sends

    answer = None  # the answer cell of the test cell being graded (answer_alone.AnswerCell), set by the engine

    def alone(self, rule, **definitions: str) -> "Student":
        """The answer cell of the test cell being graded, run alone in a fresh process under `rule`
        (a rules.Rule) after the grader's `definitions` ({name: code}, as for `define`; their handles
        in the result's `defined`): see autograder/grading/answer_alone.py."""
        if self.answer is None:
            raise RuntimeError("Student.alone is for the hidden tests of a test cell being graded")
        return self.answer.alone(self, rule, definitions)

    def with_seed(self, seed: int) -> "Student":
        """The same student, calling with another seed (to see whether results are random)."""
        return Student(self.process, seed, self.fake_devices, self.references)

    def with_devices(self, *, cuda: bool, mps: bool) -> "Student":
        """The same student, with torch.cuda.is_available() and torch.backends.mps.is_available()
        answering `cuda` and `mps` during each call."""
        return Student(self.process, self.seed, {"cuda": cuda, "mps": mps}, self.references)

    def _call(self, target, args, kwargs, *, call: bool, keep: bool, what: str | CallText):
        request = {"op": "call", "target": _target(target), "args": _encode(list(args)),
                   "kwargs": _encode(dict(kwargs)), "call": call, "keep": keep, "seed": self.seed,
                   "fake_devices": self.fake_devices, "simulated_device": simulated_device()}
        reply = self.process.request(request, self.process.limits.call_seconds, CallText(what, "while running "))
        if not reply["ok"]:
            error = reply.get("error")
            raise StudentCodeError(str(what), error if type(error) is dict else {})
        if keep:
            handle = reply.get("handle")
            if not isinstance(handle, Handle):
                raise StudentProcessGone(f"the answer from your notebook's process for {what} was not understood")
            return handle
        return reply.get("value")

    def call(self, target, *args, **kwargs):
        """Call a student function (by name) or object (by Handle) and return its result as plain data."""
        return self._call(target, args, kwargs, call=True, keep=False, what=CallText((target, args, kwargs)))

    def keep(self, target, *args, **kwargs) -> Handle:
        """Like call, but the result stays in the student process and a Handle to it comes back."""
        return self._call(target, args, kwargs, call=True, keep=True, what=CallText((target, args, kwargs)))

    def get(self, target):
        """A student variable (by name) or an attribute (by Handle) as plain data."""
        what = target if isinstance(target, str) else repr(target).strip("<>")
        return self._call(target, (), {}, call=False, keep=False, what=what)

    def handle(self, target) -> Handle:
        """A student variable (by name) or an attribute (by Handle), kept in the student process:
        a Handle to pass to grader code there (a student function to call under the grader's rules)."""
        what = target if isinstance(target, str) else repr(target).strip("<>")
        return self._call(target, (), {}, call=False, keep=True, what=what)

    def define(self, code: str, name: str) -> Handle:
        """Run the grader's `code` (torch and nn imported) in the student process, in a namespace of its
        own, and keep what it names there: a function or a class for student code to use, so
        that a task is graded apart from the student's other answers.

        The student can read whatever their process receives: code that defines a function or class of
        the course's reference solutions again (`references`) is refused with an AuthoringError, a
        mistake of the course's that stops grading; hidden tests use stand-ins of their own."""
        repeated = self.references.repeated_in(code) if self.references is not None else []
        if repeated:
            raise AuthoringError(f"a hidden test would send the course's reference code into the student's process "
                                 f"({'; '.join(repeated)}): give it a stand-in of the grader's own instead")
        reply = self.process.request({"op": "define", "code": code, "name": name},
                                    self.process.limits.call_seconds, "while receiving test code")
        if not reply["ok"] or not isinstance(reply.get("handle"), Handle):
            raise StudentProcessGone("your notebook's process could not receive the test code")
        return reply["handle"]

    def put(self, value) -> Handle:
        """Place `value` in the student process and keep it there, so a test can see what student code does to it."""
        reply = self.process.request({"op": "put", "value": _encode(value)},
                                    self.process.limits.call_seconds, "while receiving test data")
        if not reply["ok"] or not isinstance(reply.get("handle"), Handle):
            raise StudentProcessGone("your notebook's process could not receive the test data")
        return reply["handle"]
