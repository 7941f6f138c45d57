"""The student's side of grading: runs notebook cells and calls student code on request.

Everything in this process is untrusted, because it runs the student's code. It never
decides a grade: it answers the grader's requests with plain data only (see wire.py),
and the grader checks those answers in its own process.

Started by autograder.sandbox as `python zygote.py CONTROL_FD sandboxed|unconfined CGROUPS`
(CGROUPS: JSON, the run's cgroup folders as this process sees them, or null), as a
script so that the kit's package is not on the student's sys.path. It runs as a zygote:
imports once, then forks one child per notebook (see Zygote); each child serves one
notebook's requests on its own pipes (see serve).

Requests (dicts): {"op": "run_cell", "code"}, {"op": "call", "target", "args", "kwargs",
"call", "keep", "seed", "fake_devices"}, {"op": "put", "value"}, {"op": "define", "code", "name"},
{"op": "exit"}.
Replies: {"ok": True, ...} or {"ok": False, "error": {"ename", "evalue", "where"}}.
"""
import base64
import contextlib
import ctypes
import gc
import io
import itertools
import json
import os
import random
import resource
import select
import shutil
import signal
import socket
import sys
import time
import traceback
from typing import NamedTuple

import cgroups  # sibling files: this process runs as a script
import gpu_memory
import lazy_dynamo
import wire

del sys.path[0]  # the kit's own folder is not for student code

from IPython.core.displayhook import DisplayHook  # noqa: E402
from IPython.core.displaypub import DisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
import torch  # noqa: E402

lazy_dynamo.install()  # torch's compiler loads only for a notebook that uses torch.compile

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
    """Bytes (PNG images) become base64 text, as in a notebook file; stream pieces are joined."""
    if output.get("output_type") == "stream":
        output["text"] = "".join(output["text"])
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


class NotebookServer:
    def __init__(self):
        self.shell = WorkerShell.instance(config=_shell_config())
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
        if op == "define":  # the grader's own function or class, apart from the student's names
            namespace = {"__name__": "kit_grader", "torch": torch, "nn": torch.nn}
            exec(compile(request["code"], "<grader>", "exec"), namespace)
            return self.keep(namespace[request["name"]])
        raise ValueError(f"unknown request {op!r}")


def serve(request_fd, reply_fd):
    """Answer the grader's requests until it says exit or goes away."""
    worker = NotebookServer()
    while True:
        try:
            # the grader's requests: a code cell may be as large as the notebook's size bound
            request = wire.receive(request_fd, max_json_bytes=1 << 30)
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


# --- the zygote: imports once, forks one child per notebook ---------------------------

PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 4, 24, 36, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x08000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
MNT_DETACH = 2
KIT_DIR = os.path.dirname(os.path.abspath(__file__))  # zygote.py and wire.py
SCRATCH = "/scratch"  # where each contained child mounts its own scratch folder (see _private_mounts)
WATCH_SECONDS = 0.1
_libc = None


def _call(name, *args):
    """A libc call; OSError with errno when it fails."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if getattr(_libc, name)(*args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{name}: {os.strerror(errno)}")


def _prctl(option, value):
    _call("prctl", option, value, 0, 0, 0)


def _mount(source, target, fstype, flags, data=None):
    _call("mount", source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
          data.encode() if data else None)


def _private_mounts(disk_bytes, uid):
    """In a notebook's process, alone in its pid namespace with its init: its own mount, IPC and network namespaces,
    a /proc that shows only its own processes, and a scratch folder, /tmp and /dev/shm on a tmpfs
    of its own, which no other notebook can see and which vanishes with the namespace."""
    _call("unshare", CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET)
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    if os.path.isdir(cgroups.INSIDE):  # the run's cgroups are the kit's: out of the student's sight
        for name in os.listdir(cgroups.INSIDE):
            _call("umount2", f"{cgroups.INSIDE}/{name}".encode(), MNT_DETACH)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    owner = "" if uid is None else f",uid={uid},gid={uid}"
    _mount("tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, f"size={disk_bytes},mode=0700{owner}")
    for name in ("tmp", "shm", "work"):
        os.mkdir(f"{SCRATCH}/{name}", 0o700 if name == "work" else 0o1777)
        if uid is not None:
            os.chown(f"{SCRATCH}/{name}", uid, uid)
    # What the sandbox shows under /tmp (Python in a checkout under /tmp, say) stays visible
    # under the private /tmp: the shared /tmp is kept aside, its parts bound back, then let go.
    under_tmp = sorted({path for path in (sys.prefix, sys.base_prefix, KIT_DIR) if path.startswith("/tmp/")})
    if under_tmp:
        os.mkdir(f"{SCRATCH}/shared-tmp", 0o700)
        _mount("/tmp", f"{SCRATCH}/shared-tmp", None, MS_BIND | MS_REC)
    _mount(f"{SCRATCH}/tmp", "/tmp", None, MS_BIND)
    for path in under_tmp:
        os.makedirs(path, exist_ok=True)
        _mount(f"{SCRATCH}/shared-tmp/{path.removeprefix('/tmp/')}", path, None, MS_BIND | MS_REC)
    if under_tmp:
        _call("umount2", f"{SCRATCH}/shared-tmp".encode(), MNT_DETACH)
        os.rmdir(f"{SCRATCH}/shared-tmp")
    _mount(f"{SCRATCH}/shm", "/dev/shm", None, MS_BIND)
    _mount(f"{SCRATCH}/work", SCRATCH, None, MS_BIND)  # last: it hides the folders above


def _drop_capabilities():
    """No capability survives into student code, not even through execve (ambient, bounding set)."""
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    for cap in range(64):
        try:
            _prctl(PR_CAPBSET_DROP, cap)
        except OSError:  # past the last capability this kernel knows
            break


def warm_up():
    """Import and exercise what every notebook uses (torch, the shell), so each forked child starts warm.

    Tensors stay tiny: torch then runs inline and starts no thread pool, and CUDA is never
    touched, so forking stays safe. Plotting, graph drawing and the meta device warm up later,
    while the zygote is idle (LATER_WARM_UP), so that the first notebook need not wait for them.
    """
    shell = WorkerShell.instance(config=_shell_config())  # first: the inline plot backend hooks into it
    # Plain tracebacks without colours: the default, with source context and syntax
    # highlighting, costs about 0.1 s per error, and a blank notebook raises in every check.
    shell.InteractiveTB.set_mode(mode="Plain")
    shell.colors = "nocolor"
    # Graphs (torchviz's drawings) shown as PNG, not SVG: the grader keeps only text and PNG or
    # JPEG pictures of a notebook's outputs, since an SVG can carry script into the pages people read.
    for module, name in (("graphviz.graphs", "Digraph"), ("graphviz.graphs", "Graph"), ("graphviz.sources", "Source")):
        shell.display_formatter.mimebundle_formatter.for_type_by_name(module, name, _graph_as_png)
    import torch.nn.functional  # noqa: F401
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = torch.nn.functional.mse_loss(model(torch.ones(4, 2)), torch.zeros(4, 1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    _freeze()


def _graph_as_png(graph):
    return {"image/png": graph.pipe(format="png")}


def _import_plotting():
    import matplotlib.pyplot  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import numpy  # noqa: F401


def _import_graph_drawing():
    import torchviz  # noqa: F401


def _meta_tensors():
    """The first operation on the meta device loads torch's Python meta kernels (1.7 s here)."""
    (torch.ones(2, device="meta") + torch.ones(2, device="meta")).sum()


def _draw_once():
    """Draw and save one figure: fonts and the PNG writer load here, not in every notebook."""
    import matplotlib.pyplot as plt
    figure = plt.figure()
    plt.plot([1, 10, 100], label="warm-up")
    plt.yscale("log")
    plt.title("warm-up")
    plt.legend()
    figure.savefig(io.BytesIO(), format="png")
    plt.close("all")


# The rest of the warm-up, a few seconds that a run's first notebook would otherwise wait for:
# after that notebook has ended (a run of one notebook never pays for it), a step at a time (each a
# few tenths of a second) whenever no request is waiting. A child forked before it imports what
# it needs itself.
LATER_WARM_UP = [_import_plotting, _import_graph_drawing, _draw_once, _meta_tensors]


def _freeze():
    """What the warm-up made lives as long as the zygote. Frozen, it is never walked by a child's
    garbage collections (faster, and the pages stay shared), and objects that hold the zygote's
    files (matplotlib's cached fonts, which a child drops at fork) are not finalized in a child
    after it closed their descriptors ("Exception ignored in close_file_callback")."""
    gc.collect()
    gc.freeze()


def _shell_config():
    from traitlets.config import Config
    config = Config()
    config.HistoryManager.enabled = False  # no history database, and no thread that saves it
    # Inline plots drawn once: the default tight bounding box draws every figure twice, which
    # is most of a plotting cell's time. The picture only gains a margin.
    config.InlineBackend.print_figure_kwargs = {"bbox_inches": None}
    return config


def _processes():
    """(pid, ppid, pgid, uid, rss, threads) of every process this one can see; rss in bytes."""
    page = os.sysconf("SC_PAGE_SIZE")
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{name}/status") as f:  # the real uid, even of a non-dumpable process
                uid = next(int(line.split()[1]) for line in f if line.startswith("Uid:"))
        except (OSError, StopIteration, ValueError, IndexError):
            continue
        yield Process(int(name), int(fields[1]), int(fields[2]), uid, int(fields[21]) * page, int(fields[17]))


class Process(NamedTuple):
    pid: int
    ppid: int
    pgid: int
    uid: int
    rss: int
    threads: int


class Zygote:
    """Receives fork requests on a Unix socket; each child serves one notebook.

    Requests: {"op": "fork", "scratch", "uid", "files", "limits"} with the child's request and
    reply pipes attached (SCM_RIGHTS), answered {"pid"}; {"op": "end", "pid", "wait"}, answered
    with how the child ended. Between requests it watches each child's memory and processes.

    Forking a process of this size and tearing one down take about 15 ms each, so both happen
    between notebooks: the next child is forked ahead of time and waits for its notebook (the
    spare), and a child that ends normally is killed and answered for at once (its peak memory
    and CPU time read from /proc) and reaped later.
    """

    def __init__(self, control_fd, sandboxed, cgroup_run=None):
        self.sock = socket.socket(fileno=control_fd)
        self.sandboxed = sandboxed  # alone in a pid namespace, so leftovers can be found and killed
        self.contained = False  # each child in pid and mount namespaces of its own (see probe_containment)
        self.cgroup_run = cgroup_run  # each child in a cgroup of its own (see cgroups.py)
        self._cgroup_names = (f"notebook-{n}" for n in itertools.count())
        self.children = {}
        self.spare = None  # (pid, socket, cgroup) of the child forked ahead of time
        self.stale_cgroups = []  # of ended children, removed once the kernel lets go of them
        self.gpu = None  # the GPUs' memory in use (see gpu_memory.py), where there are GPUs

    def run(self):
        warm_up()
        self.gpu = gpu_memory.GpuMemory.open()
        _prctl(PR_SET_DUMPABLE, 0)  # children of the same user cannot ptrace or read the zygote
        _prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of an uncontained child come back here, not to init
        self.contained, why = self.probe_containment()
        cgroup_why = self.probe_cgroups()
        self.fork_spare()
        wire.send(self.sock.fileno(), {"ok": True, "threads": len(os.listdir("/proc/self/task")),
                                       "contained": self.contained, "why": why,
                                       "cgroups": self.cgroup_run is not None, "cgroups_why": cgroup_why})
        warm_up_steps, warmed = [], False  # the later warm-up starts once the first notebook has ended
        while True:
            ready = select.select([self.sock], [], [], 0 if warm_up_steps else WATCH_SECONDS)[0]
            self.watch()
            if not ready:
                if warm_up_steps:  # idle: one more step of the warm-up
                    warm_up_steps.pop(0)()
                    if not warm_up_steps:
                        _freeze()
                        if self.spare:  # forked before: replaced by a fully warm one
                            self.drop_spare()
                        self.fork_spare()
                continue
            marker, fds, _, _ = socket.recv_fds(self.sock, 1, 2)
            if not marker:
                break
            request = None
            try:
                request = wire.receive(self.sock.fileno(), timeout=30)
                if request["op"] == "fork":
                    reply = self.fork(request, fds)
                elif request["op"] == "end":
                    reply = self.end(request["pid"], wait=request.get("wait", True))
                else:
                    reply = {"ok": False}
            except Exception as exc:  # a bad request fails alone; the zygote serves the next one
                for fd in fds:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
            wire.send(self.sock.fileno(), reply)
            if not warmed and type(request) is dict and request.get("op") == "end":
                warm_up_steps, warmed = list(LATER_WARM_UP), True
            self.fork_spare()
        for pid in list(self.children):
            self.end(pid)
        if self.spare:
            self.drop_spare()
        for cgroup in self.stale_cgroups:
            cgroup.remove(kill=True)

    def probe_containment(self):
        """Whether children can get namespaces of their own here: (True, "") or (False, why)."""
        if not self.sandboxed:
            return False, "no sandbox"
        pid = self.fork_contained()
        if pid == 0:
            try:
                _private_mounts(1 << 20, None)
                os._exit(0)
            except BaseException as exc:
                os._exit(100 + (getattr(exc, "errno", 0) or 0) % 100)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        return (True, "") if code == 0 else (False, f"namespaces or mounts refused, {os.strerror(code - 100)}")

    def probe_cgroups(self):
        """Whether a child can enter and be limited by a cgroup of its own: "" or why not (and
        then no child gets one)."""
        if self.cgroup_run is None:
            return "no cgroup for this run"
        cgroup = cgroups.NotebookCgroup(self.cgroup_run, "probe")
        try:
            cgroup.create()
            cgroup.limit(64 << 20, 16)
            pid = os.fork()
            if pid == 0:
                try:
                    cgroup.enter()
                    os._exit(0)
                except BaseException as exc:
                    os._exit(100 + (getattr(exc, "errno", 0) or 0) % 100)
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            if code != 0:
                raise OSError(code - 100, os.strerror(code - 100))
        except OSError as exc:
            self.cgroup_run = None
            return f"a notebook cannot enter a cgroup of its own ({exc.strerror or exc})"
        finally:
            cgroup.remove()
        return ""

    def fork_contained(self, cgroup=None):
        """Like fork(), but the child runs in a new pid namespace under an init (its pid 1): when
        the child ends, the init does, and with it every process of the namespace, however started.

        The zygote's direct child stays outside, as a small keeper: it makes the namespace, forks
        the init into it, waits for it and ends as the child ended. (The zygote cannot make the
        namespace itself: it could not always go back to its own for the next fork.) Returns the
        keeper's pid in the zygote, 0 in the child.
        """
        keeper = os.fork()
        if keeper != 0:
            return keeper
        try:
            if cgroup is not None:  # first: all that the notebook starts is counted there
                cgroup.enter()
            _call("unshare", CLONE_NEWPID)
            child = os.fork()
        except BaseException as exc:
            os._exit(100 + (getattr(exc, "errno", 0) or 0) % 100)
        if child == 0:
            # pid 1 of the namespace, an init: the notebook's process is its child, so that it
            # gets signals as any process does (pid 1 ignores its own SIGKILL), and orphans are reaped
            try:
                child = os.fork()
            except BaseException:
                os._exit(71)
            if child == 0:
                return 0
            _wait_and_mirror(child, init=True)
        _wait_and_mirror(child, init=False)

    def fork_spare(self):
        """Fork the next child now; it waits on its own socket for the notebook it will serve."""
        if self.spare is not None:
            return
        mine, theirs = socket.socketpair()
        cgroup = None
        if self.cgroup_run is not None:
            cgroup = cgroups.NotebookCgroup(self.cgroup_run, next(self._cgroup_names))
            cgroup.create()
        pid = self.fork_contained(cgroup) if self.contained else os.fork()
        if pid == 0:
            code = 0
            try:
                if cgroup is not None and not self.contained:
                    cgroup.enter()
                self.sock.close()
                mine.close()
                _, fds, _, _ = socket.recv_fds(theirs, 1, 2)
                request = wire.receive(theirs.fileno(), timeout=30)
                theirs.close()
                _become_student(request, fds, self.contained)
                serve(*fds)
            except BaseException:
                code = 70
            finally:
                os._exit(code)  # never run the zygote's exit handlers or the student's atexit hooks
        theirs.close()
        self.spare = (pid, mine, cgroup)

    def drop_spare(self):
        (pid, channel, cgroup), self.spare = self.spare, None
        channel.close()
        for p, _ in reversed(_descendants([pid], list(_processes()))):
            try:
                os.kill(p.pid, signal.SIGKILL)  # not killpg: the spare is still in the zygote's process group
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)
        if cgroup is not None and not cgroup.remove(kill=True):
            self.stale_cgroups.append(cgroup)

    def fork(self, request, fds):
        if self.contained:
            scratch = None  # the child mounts its own
        else:  # a fresh name: folders planted in the scratch root cannot block it
            import tempfile
            scratch = tempfile.mkdtemp(dir=request["scratch_root"])
            if request["uid"] is not None:
                os.chown(scratch, request["uid"], request["uid"])
        request["scratch"] = scratch
        try:
            for attempt in range(2):
                self.fork_spare()
                pid, channel, cgroup = self.spare
                try:
                    if cgroup is not None:
                        # the scratch tmpfs is memory too, charged to the cgroup; the keeper and
                        # the init are two of its processes
                        limits = request["limits"]
                        cgroup.limit(limits["memory_bytes"] + limits["disk_bytes"],
                                     limits["processes"] + (2 if self.contained else 0))
                    socket.send_fds(channel, [b"N"], fds)
                    wire.send(channel.fileno(), request)
                except OSError:  # the spare is gone (killed from outside): fork another
                    self.drop_spare()
                    if attempt:
                        raise
                    continue
                self.spare = None
                channel.close()
                if self.gpu is not None:
                    self.gpu.start()
                break
        finally:
            for fd in fds:
                os.close(fd)
        self.children[pid] = {"scratch": scratch, "uid": request["uid"], "limits": request["limits"],
                              "cgroup": cgroup, "reason": None, "status": None, "ended": False}
        return {"ok": True, "pid": pid}

    def members(self, pid, processes):
        """The processes that belong to child `pid`.

        Contained: everything descended from it (an orphan in its pid namespace is reparented to
        it, whatever session or group it made). Otherwise its own uid, or else its process group.
        """
        child = self.children[pid]
        if self.contained:  # the keeper (depth 0) and the init (1) are the kit's, not the student's
            return [p if depth > 1 else p._replace(rss=0, threads=0) for p, depth in _descendants([pid], processes)]
        if child["uid"] is not None:
            return [p for p in processes if p.uid == child["uid"]]
        return [p for p in processes if p.pgid == pid]

    def watch(self):
        """Reap ended children; kill any child over its memory or process limit."""
        live = [pid for pid, child in self.children.items() if child["status"] is None]
        for pid in live:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                self.children[pid]["status"] = _ending(status, usage)
                if self.children[pid]["ended"]:  # answered for already: only the cleaning up is left
                    self.clean_up(self.children.pop(pid))
        self.stale_cgroups = [cgroup for cgroup in self.stale_cgroups if not self.retry_removal(cgroup)]
        live = [pid for pid in live if pid in self.children and self.children[pid]["status"] is None]
        if not live:
            return
        processes = list(_processes())
        gpu = self.gpu.in_use() if self.gpu is not None else 0
        for pid in live:
            child, members = self.children[pid], self.members(pid, processes)
            limits = child["limits"]
            if child["cgroup"] is not None:  # its own pages only, not those it shares with the zygote
                memory = child["cgroup"].memory_in_use()
            else:
                memory = sum(p.rss for p in members)
            if memory > limits["memory_bytes"]:
                child["reason"] = f"it used more than {limits['memory_bytes'] >> 20} MiB of memory"
            elif sum(p.threads for p in members) >= limits["processes"]:
                child["reason"] = f"it reached its limit of {limits['processes']} processes or threads"
            elif gpu > limits["gpu_memory_bytes"] and not child["ended"]:  # one notebook at a time is graded
                child["reason"] = f"it used more than {limits['gpu_memory_bytes'] >> 20} MiB of GPU memory"
            else:
                continue
            self.kill(pid, members)

    def kill(self, pid, members=()):
        # pid last: a contained child's keeper outlives the namespace's pid 1, whose end takes
        # every process of the namespace with it
        for target in [*(p.pid for p in members if p.pid != pid), pid]:
            try:
                os.kill(target, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            os.killpg(pid, signal.SIGKILL)  # an uncontained child's process group
        except (ProcessLookupError, PermissionError):
            pass
        child = self.children.get(pid)
        if child and child["cgroup"] is not None:  # whatever the notebook started, however
            child["cgroup"].kill()

    @staticmethod
    def retry_removal(cgroup):
        """One try per watch, without waiting: remove(kill=True) sleeps between its tries, which
        the watch loop must not do."""
        cgroup.kill()
        return cgroup.remove()

    def clean_up(self, child):
        """Remove an ended child's scratch folder and cgroup."""
        if child["scratch"]:
            shutil.rmtree(child["scratch"], ignore_errors=True)
        if child["cgroup"] is not None and not child["cgroup"].remove():
            self.stale_cgroups.append(child["cgroup"])

    def end(self, pid, wait=True):
        """Stop child `pid` and everything it started, remove its scratch folder, say how it ended.

        Without `wait`, a child still running (the grader is done with it) is killed and answered
        for at once, with the peak memory and CPU time it had; it is reaped and cleaned up later.
        """
        child = self.children.get(pid)
        if child is None or child["ended"]:
            return {"ok": False}
        # A process that is ending by itself (the grader saw its pipe close) is given a moment,
        # so that it is reported as it ended, not as killed by the clean-up
        settle = time.monotonic() + (0.2 if wait else 0.0)
        while child["status"] is None:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                child["status"] = _ending(status, usage)
            elif time.monotonic() >= settle:
                break
            else:
                time.sleep(0.005)
        if child["reason"] is None and child["cgroup"] is not None and child["cgroup"].ran_out_of_memory():
            child["reason"] = (f"it used more than {child['limits']['memory_bytes'] >> 20} MiB of memory "
                               f"(with its files in the scratch folder)")
        leftovers = self.leftovers(pid)
        running = None if wait or child["status"] is not None else _usage_of([p.pid for p in leftovers] or [pid])
        self.kill(pid, leftovers)
        if running is not None:
            child["ended"] = True
            cpu, peak_kib = running
            return {"ok": True, "exit_code": -signal.SIGKILL, "cpu_seconds": cpu, "peak_mib": peak_kib / 1024,
                    "reason": child["reason"]}
        if child["status"] is None:
            child["status"] = _ending(*os.wait4(pid, 0)[1:])
        del self.children[pid]
        self.clean_up(child)
        status, cpu, peak_kib = child["status"]
        return {"ok": True, "exit_code": os.waitstatus_to_exitcode(status), "cpu_seconds": cpu,
                "peak_mib": peak_kib / 1024, "reason": child["reason"]}

    def leftovers(self, pid):
        """Processes the child left behind, even ones that escaped its process group.

        A contained child's processes all end with it (pid 1 of their namespace); otherwise the
        zygote is their subreaper, so an orphan is found as a child of the zygote that is not a
        notebook's process nor the spare.
        """
        processes = list(_processes())
        if self.contained or self.children[pid]["uid"] is not None:
            return self.members(pid, processes)
        others = set(self.children) - {pid}
        spare = self.spare[0] if self.spare else None
        if not self.sandboxed:
            orphans = [p.pid for p in processes if p.ppid == os.getpid() and p.pid not in others and p.pid != spare]
            return self.members(pid, processes) + [p for p, _ in _descendants(orphans, processes)]
        return [p for p in processes if p.pid not in (1, os.getpid(), spare) and p.pgid not in others]


def _descendants(roots, processes):
    """(process, depth) for the processes `roots` and everything below them, parents first."""
    below = {}
    for p in processes:
        below.setdefault(p.ppid, []).append(p)
    found, todo = [], [(p, 0) for p in processes if p.pid in roots]
    while todo:
        p, depth = todo.pop()
        found.append((p, depth))
        todo += [(q, depth + 1) for q in below.get(p.pid, [])]
    return found


def _wait_and_mirror(child, init):
    """In a keeper or an init: reap whatever ends, until `child` does; then end as it ended.

    An init cannot kill itself with a signal (pid 1 ignores them), so it exits 128 + the signal,
    and the keeper turns that back into the signal."""
    for fd in range(3, 1024):
        try:
            os.close(fd)
        except OSError:
            pass
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(72)
        if pid == child:
            break
    code = os.waitstatus_to_exitcode(status)
    if init:
        os._exit(128 - code if code < 0 else code & 0xFF)
    if code < 0 or 128 < code <= 128 + 64:
        signum = -code if code < 0 else code - 128
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    os._exit(code & 0xFF)


def _ending(status, usage):
    """(wait status, CPU seconds, peak resident KiB) of an ended child."""
    return status, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def _usage_of(pids):
    """(CPU seconds, peak resident KiB) of a running child's processes, as wait4 would give them once it ends."""
    cpu, peak = 0.0, 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/status") as f:
                hwm = next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
            cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            peak = max(peak, hwm)
        except (OSError, ValueError, IndexError):
            continue
    return cpu, peak


def _become_student(request, fds, contained):
    """In the forked child: a new session, namespaces and mounts of its own (when contained), the
    student's user without capabilities, limits, scratch folder, files."""
    os.setsid()
    for fd in range(3, 1024):
        if fd not in fds:
            try:
                os.close(fd)
            except OSError:
                pass
    uid = request["uid"]
    scratch = request["scratch"]
    if contained:
        _private_mounts(request["limits"]["disk_bytes"], uid)
        scratch = SCRATCH
    if contained or uid is not None:
        _drop_capabilities()
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    if contained:
        _capset_none()
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    limits = request["limits"]
    hard = {resource.RLIMIT_CPU: limits["cpu_seconds"], resource.RLIMIT_FSIZE: limits["file_bytes"],
            resource.RLIMIT_CORE: 0}
    if limits["nproc_rlimit"]:
        hard[resource.RLIMIT_NPROC] = limits["processes"]
    if limits.get("data_bytes"):
        hard[resource.RLIMIT_DATA] = _data_in_use() + limits["data_bytes"]
    for kind, value in hard.items():
        # soft == hard: a process over its CPU time gets SIGKILL, so catching SIGXCPU does not help
        resource.setrlimit(kind, (value, value))
    os.chdir(scratch)
    for name, data in request["files"].items():  # each file's bytes as a uint8 tensor
        path = os.path.normpath(name)
        if path.startswith(("/", "..")):
            continue
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(data.numpy().tobytes())
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.update(HOME=scratch, TMPDIR=scratch, MPLCONFIGDIR=os.path.join(scratch, ".matplotlib"))


def _capset_none():
    """Empty effective, permitted and inheritable capability sets (a uid in a user namespace keeps
    the capabilities bubblewrap gave the zygote until they are cleared)."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    data = (ctypes.c_uint32 * 6)()
    _call("capset", header, data)


def _data_in_use():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


if __name__ == "__main__":
    Zygote(int(sys.argv[1]), sandboxed=sys.argv[2] == "sandboxed", cgroup_run=json.loads(sys.argv[3])).run()
