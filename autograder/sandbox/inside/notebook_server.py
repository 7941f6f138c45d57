"""One notebook's requests, served in the student's process: run a cell, call student code.

Everything in this process is untrusted, because it runs the student's code. It never
decides a grade: it answers the grader's requests with plain data only (see wire.py),
and the grader checks those answers in its own process. The zygote (zygote.py) forks the
process and hands it to `serve` on the pipes the grader passed for it.

Requests (dicts): {"op": "run_cell", "code"}, {"op": "call", "target", "args", "kwargs",
"call", "keep", "seed", "fake_devices", "simulated_device"}, {"op": "put", "value"},
{"op": "define", "code", "name"}, {"op": "exit"}.
Replies: {"ok": True, ...} or {"ok": False, "error": {"ename", "evalue", "where"}}.

A cell's outputs are captured by an IPython shell whose display hook, display publisher and
streams record notebook outputs instead of printing them.
"""
import base64
import contextlib
import io
import os
import random
import sys
import traceback

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
import torch

import codec  # sibling files: only this folder is bound into the sandbox
import other_device
import wire

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
        shell, outputs = self.shell, self.shell.outputs
        room = MAX_OUTPUT_CHARS - shell.output_chars
        shell.output_chars += len(text)
        if room <= 0:
            return len(text)
        if outputs and outputs[-1]["output_type"] == "stream" and outputs[-1]["name"] == self.name:
            outputs[-1]["text"].append(text[:room])  # joined once the cell ends: no quadratic copies
        elif text:
            outputs.append({"output_type": "stream", "name": self.name, "text": [text[:room]]})
        return len(text)


class StudentShell(InteractiveShell):
    displayhook_class = CapturingDisplayHook
    display_pub_class = CapturingDisplayPublisher

    def __init__(self, **kwargs):
        self.outputs: list = []  # this shell's own, set before IPython's set-up may display anything
        self.output_chars = 0
        super().__init__(**kwargs)

    def record(self, output):
        self.output_chars += len(repr(output))
        if self.output_chars <= MAX_OUTPUT_CHARS:
            self.outputs.append(output)

    def _showtraceback(self, etype, evalue, stb):
        self.record({"output_type": "error", "ename": getattr(etype, "__name__", str(etype)),
                     "evalue": str(evalue), "traceback": list(stb)})


def shell_config():
    """The shell's settings, the same at warm-up (warm_up.py) and in every notebook."""
    from traitlets.config import Config
    config = Config()
    config.HistoryManager.enabled = False  # no history database, and no thread that saves it
    # Inline plots drawn once: the default tight bounding box draws every figure twice, which
    # is most of a plotting cell's time. The picture only gains a margin.
    # PNG at zlib's fastest level: the same pixels, half the encoding (7 ms instead of 15 of a
    # figure's 60 to 150 ms), about 14% more bytes (docs/speed.md).
    config.InlineBackend.print_figure_kwargs = {"bbox_inches": None, "pil_kwargs": {"compress_level": 1}}
    return config


def _plain_output(output):
    """Bytes (PNG images) become base64 text, as in a notebook file; stream pieces are joined."""
    if output.get("output_type") == "stream":
        output["text"] = "".join(output["text"])
    if "data" in output:
        output["data"] = {mime: base64.b64encode(value).decode() if isinstance(value, bytes) else value
                          for mime, value in output["data"].items()}
    return codec.to_plain(output)


LIBRARY_DIRS = tuple({os.path.dirname(os.__file__), os.path.dirname(os.path.dirname(torch.__file__))})


def _error(exc):
    """The exception for the grader, located at the last line of the student's own code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename not in (__file__, other_device.__file__) and not f.filename.startswith(LIBRARY_DIRS)]
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


def accelerators_here() -> bool:
    """Whether this machine has a device besides the cpu whose random generator torch.manual_seed seeds."""
    lazy = [getattr(torch, name, None) for name in ("cuda", "xpu", "mtia")]
    return (any(module is not None and module.is_available() for module in lazy) or torch.backends.mps.is_available()
            or hasattr(torch, torch._C._get_privateuse1_backend_name()))


class NotebookServer:
    def __init__(self):
        self.shell = StudentShell.instance(config=shell_config())
        self.shell.outputs = []
        self.handles = {}
        # asked before any student code runs (a call may fake cuda's is_available, see faked_devices)
        self.accelerators = accelerators_here()

    def seed(self, seed):
        """torch.manual_seed(seed) and random.seed(seed), before each call. Where the cpu is the only device,
        its generator is all that torch.manual_seed seeds; yet it also queues the seed for accelerators that
        could start later, writing out the stack three times: most of a call's cost here."""
        if self.accelerators:
            torch.manual_seed(seed)
        else:
            torch.default_generator.manual_seed(seed)
        random.seed(seed)

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
            obj = self.handles[target[codec.HANDLE_KEY]]
        for attribute in target.get("path", ()):
            obj = getattr(obj, attribute)
        return obj

    def unref(self, value):
        if type(value) is dict and codec.HANDLE_KEY in value:
            return self.resolve(value)
        if type(value) in (list, tuple):
            return type(value)(self.unref(v) for v in value)
        if type(value) is dict:
            return {k: self.unref(v) for k, v in value.items()}
        return value

    def keep(self, value):
        handle = len(self.handles) + 1
        self.handles[handle] = value
        return {"ok": True, "handle": {codec.HANDLE_KEY: handle, "type": codec.type_name(value)}}

    def call(self, request):
        target = self.resolve(request["target"])
        if request["seed"] is not None:
            self.seed(request["seed"])
        if request["call"]:
            args = self.unref(request["args"])
            kwargs = self.unref(request["kwargs"])
            self.shell.outputs = []  # prints inside student functions are not shown
            real = sys.stdout, sys.stderr
            sys.stdout, sys.stderr = CellStream(self.shell, "stdout"), CellStream(self.shell, "stderr")
            try:
                with faked_devices(request.get("fake_devices")), \
                        other_device.simulated(request.get("simulated_device"), target, args, kwargs):
                    value = target(*args, **kwargs)
            finally:
                sys.stdout, sys.stderr = real
        else:
            value = target
        if request["keep"]:
            return self.keep(value)
        return {"ok": True, "value": codec.to_plain(value)}

    def handle(self, request):
        op = request["op"]
        if op == "run_cell":
            return self.run_cell(request["code"])
        if op == "call":
            return self.call(request)
        if op == "put":
            return self.keep(self.unref(request["value"]))
        if op == "define":  # the grader's own function or class, apart from the student's names
            namespace = {"__name__": "kit_grader", "torch": torch, "nn": torch.nn}
            exec(compile(request["code"], "<grader>", "exec"), namespace)
            return self.keep(namespace[request["name"]])
        raise ValueError(f"unknown request {op!r}")


def serve(request_fd, reply_fd):
    """Answer the grader's requests until it says exit or goes away."""
    server = NotebookServer()
    while True:
        try:
            # the grader's requests: a code cell may be as large as the notebook's size bound
            request = wire.receive(request_fd, max_json_bytes=1 << 30)
        except wire.WireError:
            return
        if request["op"] == "exit":
            return
        try:
            reply = server.handle(request)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt from student code too
            reply = {"ok": False, "error": _error(exc)}
        try:
            wire.send(reply_fd, reply)
        except Exception as exc:  # an answer that cannot be serialised is the student's failure
            wire.send(reply_fd, {"ok": False, "error": _error(exc)})
