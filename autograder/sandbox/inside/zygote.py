"""The zygote: imports once, then forks one process per notebook; the student's side of grading.

Everything in the sandbox is untrusted, because it runs the student's code. Nothing here
decides a grade: each notebook's process answers the grader's requests with plain data only
(notebook_server.py, wire.py), and the grader checks those answers in its own process.

Started by the grader's sandbox backend (autograder/sandbox/bubblewrap.py) as
`python zygote.py CONTROL_FD sandboxed|unconfined CGROUPS` (CONTROL_FD: its end of the Unix
socket it is asked on; CGROUPS: JSON, the run's cgroup folders as this process sees them, or
null), as a script so that the kit's package is not on the student's sys.path. It imports and
warms up once (warm_up.py), then forks one child per notebook (see Zygote): set up as the
student's process (student_setup.py), in a pid namespace of its own under a keeper where the
sandbox allows it (keeper.py), it serves that notebook's requests on its own pipes
(notebook_server.serve). Between requests, the watchdog (watchdog.py) watches every child's
memory, processes and CPU share, and ends children when asked.

The files of this folder are all that is bound into the sandbox, so they import only each
other, the standard library and what the Python installation holds (torch, IPython).
"""
import itertools
import json
import os
import select
import signal
import socket
import sys

import cgroups  # sibling files: this process runs as a script, from this folder
import gpu_memory
import keeper
import lazy_dynamo
import linux
import procfs
import student_setup
import warm_up
import wire
from notebook_server import serve
from watchdog import Watchdog

del sys.path[0]  # the kit's own folder is not for student code

lazy_dynamo.install()  # torch's compiler loads only for a notebook that uses torch.compile

WATCH_SECONDS = 0.1


class Zygote:
    """Receives fork requests on a Unix socket; each child serves one notebook.

    Requests: {"op": "fork", "scratch_root", "uid", "files", "env", "limits"} with the child's
    request and reply pipes attached (SCM_RIGHTS), answered {"pid"}; {"op": "end", "pid", "wait"},
    answered with how the child ended (by its Watchdog, which watches the children between requests).

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
        self.cpu_in_cgroups = False  # the kernel keeps each child's CPU share; else cpu_share.py
        self._cgroup_names = (f"notebook-{n}" for n in itertools.count())
        self.spare = None  # (pid, socket, cgroup) of the child forked ahead of time
        self.gpu = None  # the GPUs' memory in use (see gpu_memory.py), where there are GPUs
        self.watchdog = None  # the children, once containment is known

    def run(self):
        warm_up.warm_up()
        self.gpu = gpu_memory.GpuMemory.open()
        linux.prctl(linux.PR_SET_DUMPABLE, 0)  # children of the same user cannot ptrace or read the zygote
        linux.prctl(linux.PR_SET_CHILD_SUBREAPER, 1)  # orphans of an uncontained child come back here, not to init
        self.contained, why = self.probe_containment()
        cgroup_why = self.probe_cgroups()
        self.watchdog = Watchdog(self.sandboxed, self.contained, self.gpu)
        self.fork_spare()
        wire.send(self.sock.fileno(), {"ok": True, "threads": len(os.listdir("/proc/self/task")),
                                       "contained": self.contained, "why": why,
                                       "cgroups": self.cgroup_run is not None, "cgroups_why": cgroup_why,
                                       "cpu_cgroups": self.cpu_in_cgroups})
        warm_up_steps, warmed = [], False  # the later warm-up starts once the first notebook has ended
        while True:
            ready = select.select([self.sock], [], [], 0 if warm_up_steps else WATCH_SECONDS)[0]
            self.watchdog.watch()
            if not ready:
                if warm_up_steps:  # idle: one more step of the warm-up
                    warm_up_steps.pop(0)()
                    if not warm_up_steps:
                        warm_up.freeze()
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
                    reply = self.watchdog.end(request["pid"], wait=request.get("wait", True),
                                              spare=self.spare[0] if self.spare else None)
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
                warm_up_steps, warmed = list(warm_up.LATER_WARM_UP), True
            self.fork_spare()
        for pid in list(self.watchdog.children):
            self.watchdog.end(pid, spare=self.spare[0] if self.spare else None)
        if self.spare:
            self.drop_spare()
        for cgroup in self.watchdog.stale_cgroups:
            cgroup.remove(kill=True)

    def probe_containment(self):
        """Whether children can get namespaces of their own here: (True, "") or (False, why)."""
        if not self.sandboxed:
            return False, "no sandbox"
        pid = keeper.fork_contained()
        if pid == 0:
            try:
                student_setup.private_mounts(1 << 20, None)
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
            if cgroup.has_cpu():
                try:
                    cgroup.share_cpu(1.0)
                    self.cpu_in_cgroups = True
                except OSError:
                    pass
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
            self.cgroup_run, self.cpu_in_cgroups = None, False
            return f"a notebook cannot enter a cgroup of its own ({exc.strerror or exc})"
        finally:
            cgroup.remove()
        return ""

    def fork_spare(self):
        """Fork the next child now; it waits on its own socket for the notebook it will serve."""
        if self.spare is not None:
            return
        mine, theirs = socket.socketpair()
        cgroup = None
        if self.cgroup_run is not None:
            cgroup = cgroups.NotebookCgroup(self.cgroup_run, next(self._cgroup_names))
            cgroup.create()
        pid = keeper.fork_contained(cgroup) if self.contained else os.fork()
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
                student_setup.become_student(request, fds, self.contained)
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
        for p, _ in reversed(procfs.descendants([pid], list(procfs.processes()))):
            try:
                os.kill(p.pid, signal.SIGKILL)  # not killpg: the spare is still in the zygote's process group
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)
        if cgroup is not None and not cgroup.remove(kill=True):
            self.watchdog.stale_cgroups.append(cgroup)

    def fork(self, request, fds):
        if self.contained:
            scratch = None  # the child mounts its own
        else:  # a fresh name: folders planted in the scratch root cannot block it
            import tempfile
            scratch = tempfile.mkdtemp(dir=request["scratch_root"])
            if request["uid"] is not None:
                os.chown(scratch, request["uid"], request["uid"])
        request["scratch"] = scratch  # the child's own (student_setup.become_student reads it)
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
                        if self.cpu_in_cgroups:
                            cgroup.share_cpu(limits["cpus"])
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
        self.watchdog.add(pid, scratch, request["uid"], request["limits"], cgroup, self.cpu_in_cgroups)
        return {"ok": True, "pid": pid}




if __name__ == "__main__":
    Zygote(int(sys.argv[1]), sandboxed=sys.argv[2] == "sandboxed", cgroup_run=json.loads(sys.argv[3])).run()
