"""The student's side of grading: runs notebook cells and calls student code on request.

Everything in this process is untrusted, because it runs the student's code. It never
decides a grade: it answers the grader's requests with plain data only (see wire.py),
and the grader checks those answers in its own process.

Started by autograder.session as `python worker.py REQUEST_FD REPLY_FD`, as a script so
that the kit's package is not on the student's sys.path.

Requests (dicts): {"op": "run_cell", "code"}, {"op": "call", "target", "args", "kwargs",
"call", "keep", "seed", "fake_devices"}, {"op": "put", "value"}, {"op": "exit"}.
Replies: {"ok": True, ...} or {"ok": False, "error": {"ename", "evalue", "where"}}.
"""
import base64
import contextlib
import io
import os
import random
import sys
import traceback

import wire  # a sibling file: this process runs as a script

del sys.path[0]  # the kit's own folder is not for student code

from IPython.core.displayhook import DisplayHook  # noqa: E402
from IPython.core.displaypub import DisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
import torch  # noqa: E402

MAX_OUTPUT_CHARS = 1_000_000


class CapturingDisplayHook(DisplayHook):
    """Records a cell's value (`Out[n]`) as an execute_result output."""

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.shell.record({"output_type": "execute_result", "data": format_dict,
                           "metadata": md_dict or {}, "execution_count": self.shell.execution_count})

    def finish_displayhook(self):
        pass


class CapturingDisplayPublisher(DisplayPublisher):
    """Records display() calls, inline plots and rendered graphs as display_data outputs."""

    def publish(self, data, metadata=None, *args, **kwargs):
        self.shell.record({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    def clear_output(self, wait=False):
        self.shell.outputs.clear()


class CellStream(io.TextIOBase):
    """sys.stdout / sys.stderr while a cell runs: text becomes stream outputs."""

    def __init__(self, shell, name):
        self.shell, self.name = shell, name

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        outputs = self.shell.outputs
        if outputs and outputs[-1]["output_type"] == "stream" and outputs[-1]["name"] == self.name:
            outputs[-1]["text"] += text
        elif text:
            self.shell.record({"output_type": "stream", "name": self.name, "text": text})
        return len(text)


class WorkerShell(InteractiveShell):
    displayhook_class = CapturingDisplayHook
    display_pub_class = CapturingDisplayPublisher

    outputs: list = []
    output_chars = 0

    def record(self, output):
        self.output_chars += len(repr(output))
        if self.output_chars <= MAX_OUTPUT_CHARS:
            self.outputs.append(output)

    def _showtraceback(self, etype, evalue, stb):
        self.record({"output_type": "error", "ename": getattr(etype, "__name__", str(etype)),
                     "evalue": str(evalue), "traceback": list(stb)})


def _plain_output(output):
    """Bytes (PNG images) become base64 text, as in a notebook file."""
    if "data" in output:
        output["data"] = {mime: base64.b64encode(value).decode() if isinstance(value, bytes) else value
                          for mime, value in output["data"].items()}
    return wire.to_plain(output)


LIBRARY_DIRS = tuple({os.path.dirname(os.__file__), os.path.dirname(os.path.dirname(torch.__file__))})


def _error(exc):
    """The exception for the grader, located at the last line of the student's own code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename != __file__ and not f.filename.startswith(LIBRARY_DIRS)]
    where = f"line {frames[-1].lineno}: {frames[-1].line}" if frames else ""
    return {"ename": type(exc).__name__, "evalue": str(exc)[:2000], "where": where[:500]}


@contextlib.contextmanager
def faked_devices(fake):
    """Pretend cuda / mps are (not) available during a call, to test every branch of device choice."""
    if not fake:
        yield
        return
    saved = torch.cuda.is_available, torch.backends.mps.is_available
    torch.cuda.is_available = lambda: bool(fake["cuda"])
    torch.backends.mps.is_available = lambda: bool(fake["mps"])
    try:
        yield
    finally:
        torch.cuda.is_available, torch.backends.mps.is_available = saved


class Worker:
    def __init__(self):
        self.shell = WorkerShell.instance()
        self.shell.outputs = []
        self.handles = {}

    def run_cell(self, code):
        shell = self.shell
        shell.outputs, shell.output_chars = [], 0
        real = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = CellStream(shell, "stdout"), CellStream(shell, "stderr")
        try:
            result = shell.run_cell(code, store_history=True)
        finally:
            sys.stdout, sys.stderr = real
        failure = result.error_before_exec or result.error_in_exec
        return {"ok": True, "outputs": [_plain_output(o) for o in shell.outputs],
                "execution_count": result.execution_count,
                "error": None if failure is None else _error(failure),
                "truncated": shell.output_chars > MAX_OUTPUT_CHARS}

    def resolve(self, target):
        if "name" in target:
            name, *attributes = target["name"].split(".")
            if name not in self.shell.user_ns:
                raise NameError(f"name '{name}' is not defined")
            obj = self.shell.user_ns[name]
            for attribute in attributes:
                obj = getattr(obj, attribute)
        else:
            obj = self.handles[target[wire.HANDLE_KEY]]
        for attribute in target.get("path", ()):
            obj = getattr(obj, attribute)
        return obj

    def unref(self, value):
        if type(value) is dict and wire.HANDLE_KEY in value:
            return self.resolve(value)
        if type(value) in (list, tuple):
            return type(value)(self.unref(v) for v in value)
        if type(value) is dict:
            return {k: self.unref(v) for k, v in value.items()}
        return value

    def keep(self, value):
        handle = len(self.handles) + 1
        self.handles[handle] = value
        return {"ok": True, "handle": {wire.HANDLE_KEY: handle, "type": wire.type_name(value)}}

    def call(self, request):
        target = self.resolve(request["target"])
        if request["seed"] is not None:
            torch.manual_seed(request["seed"])
            random.seed(request["seed"])
        if request["call"]:
            args = self.unref(request["args"])
            kwargs = self.unref(request["kwargs"])
            self.shell.outputs = []  # prints inside student functions are not shown
            real = sys.stdout, sys.stderr
            sys.stdout, sys.stderr = CellStream(self.shell, "stdout"), CellStream(self.shell, "stderr")
            try:
                with faked_devices(request.get("fake_devices")):
                    value = target(*args, **kwargs)
            finally:
                sys.stdout, sys.stderr = real
        else:
            value = target
        if request["keep"]:
            return self.keep(value)
        return {"ok": True, "value": wire.to_plain(value)}

    def handle(self, request):
        op = request["op"]
        if op == "run_cell":
            return self.run_cell(request["code"])
        if op == "call":
            return self.call(request)
        if op == "put":
            return self.keep(self.unref(request["value"]))
        raise ValueError(f"unknown request {op!r}")


def main(request_fd, reply_fd):
    worker = Worker()
    while True:
        try:
            request = wire.receive(request_fd)
        except wire.WireError:
            return
        if request["op"] == "exit":
            return
        try:
            reply = worker.handle(request)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt from student code too
            reply = {"ok": False, "error": _error(exc)}
        try:
            wire.send(reply_fd, reply)
        except Exception as exc:  # an answer that cannot be serialised is the student's failure
            wire.send(reply_fd, {"ok": False, "error": _error(exc)})


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
