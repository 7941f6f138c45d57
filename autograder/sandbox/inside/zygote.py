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
(notebook_server.serve). The zygote watches every child's memory and processes (procfs.py,
cgroups.py, gpu_memory.py), and its CPU share where the kernel does not keep it (cpu_share.py).

The files of this folder are all that is bound into the sandbox, so they import only each
other, the standard library and what the Python installation holds (torch, IPython).
"""
import itertools
import json
import os
import select
import shutil
import signal
import socket
import sys
import time

import cgroups  # sibling files: this process runs as a script, from this folder
import cpu_share
import gpu_memory
import keeper
import lazy_dynamo
import linux
import procfs
import student_setup
import warm_up
import wire
from notebook_server import serve

del sys.path[0]  # the kit's own folder is not for student code

lazy_dynamo.install()  # torch's compiler loads only for a notebook that uses torch.compile

WATCH_SECONDS = 0.1


class Zygote:
    """Receives fork requests on a Unix socket; each child serves one notebook.

    Requests: {"op": "fork", "scratch_root", "uid", "files", "env", "limits"} with the child's
    request and reply pipes attached (SCM_RIGHTS), answered {"pid"}; {"op": "end", "pid", "wait"},
    answered with how the child ended. Between requests it watches each child's memory and processes.

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
        self.children = {}
        self.spare = None  # (pid, socket, cgroup) of the child forked ahead of time
        self.stale_cgroups = []  # of ended children, removed once the kernel lets go of them
        self.gpu = None  # the GPUs' memory in use (see gpu_memory.py), where there are GPUs

    def run(self):
        warm_up.warm_up()
        self.gpu = gpu_memory.GpuMemory.open()
        linux.prctl(linux.PR_SET_DUMPABLE, 0)  # children of the same user cannot ptrace or read the zygote
        linux.prctl(linux.PR_SET_CHILD_SUBREAPER, 1)  # orphans of an uncontained child come back here, not to init
        self.contained, why = self.probe_containment()
        cgroup_why = self.probe_cgroups()
        self.fork_spare()
        wire.send(self.sock.fileno(), {"ok": True, "threads": len(os.listdir("/proc/self/task")),
                                       "contained": self.contained, "why": why,
                                       "cgroups": self.cgroup_run is not None, "cgroups_why": cgroup_why,
                                       "cpu_cgroups": self.cpu_in_cgroups})
        warm_up_steps, warmed = [], False  # the later warm-up starts once the first notebook has ended
        while True:
            ready = select.select([self.sock], [], [], 0 if warm_up_steps else WATCH_SECONDS)[0]
            self.watch()
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
                warm_up_steps, warmed = list(warm_up.LATER_WARM_UP), True
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
            self.stale_cgroups.append(cgroup)

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
        self.children[pid] = {"scratch": scratch, "uid": request["uid"], "limits": request["limits"],
                              "cgroup": cgroup, "reason": None, "status": None, "ended": False,
                              "cpu": None if self.cpu_in_cgroups else cpu_share.CpuShare(request["limits"]["cpus"])}
        return {"ok": True, "pid": pid}

    def members(self, pid, processes):
        """The processes that belong to child `pid`.

        Contained: everything descended from it (an orphan in its pid namespace is reparented to
        it, whatever session or group it made). Otherwise its own uid, or else its process group.
        """
        child = self.children[pid]
        if self.contained:  # the keeper (depth 0) and the init (1) are the kit's, not the student's
            return [p if depth > 1 else p._replace(rss=0, threads=0) for p, depth in procfs.descendants([pid], processes)]
        if child["uid"] is not None:
            return [p for p in processes if p.uid == child["uid"]]
        return [p for p in processes if p.pgid == pid]

    def watch(self):
        """Reap ended children; kill any child over its memory or process limit."""
        live = [pid for pid, child in self.children.items() if child["status"] is None]
        for pid in live:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                self.children[pid]["status"] = procfs.ending(status, usage)
                if self.children[pid]["ended"]:  # answered for already: only the cleaning up is left
                    self.clean_up(self.children.pop(pid))
        self.stale_cgroups = [cgroup for cgroup in self.stale_cgroups if not self.retry_removal(cgroup)]
        live = [pid for pid in live if pid in self.children and self.children[pid]["status"] is None]
        if not live:
            return
        processes = list(procfs.processes())
        gpu = self.gpu.in_use() if self.gpu is not None else 0
        for pid in live:
            child, members = self.children[pid], self.members(pid, processes)
            limits = child["limits"]
            if child["cpu"] is not None and not child["ended"]:
                # a contained child's keeper and init are the kit's: counted, never stopped
                kit = {pid, *(p.pid for p in members if p.ppid == pid)} if self.contained else set()
                child["cpu"].watch([p.pid for p in members], [p.pid for p in members if p.pid not in kit])
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
                child["status"] = procfs.ending(status, usage)
            elif time.monotonic() >= settle:
                break
            else:
                time.sleep(0.005)
        if child["reason"] is None and child["cgroup"] is not None and child["cgroup"].ran_out_of_memory():
            child["reason"] = (f"it used more than {child['limits']['memory_bytes'] >> 20} MiB of memory "
                               f"(with its files in the scratch folder)")
        leftovers = self.leftovers(pid)
        running = None if wait or child["status"] is not None else procfs.usage_of([p.pid for p in leftovers] or [pid])
        self.kill(pid, leftovers)
        if running is not None:
            child["ended"] = True
            cpu, peak_kib = running
            return {"ok": True, "exit_code": -signal.SIGKILL, "cpu_seconds": cpu, "peak_mib": peak_kib / 1024,
                    "reason": child["reason"]}
        if child["status"] is None:
            child["status"] = procfs.ending(*os.wait4(pid, 0)[1:])
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
        processes = list(procfs.processes())
        if self.contained or self.children[pid]["uid"] is not None:
            return self.members(pid, processes)
        others = set(self.children) - {pid}
        spare = self.spare[0] if self.spare else None
        if not self.sandboxed:
            orphans = [p.pid for p in processes if p.ppid == os.getpid() and p.pid not in others and p.pid != spare]
            return self.members(pid, processes) + [p for p, _ in procfs.descendants(orphans, processes)]
        return [p for p in processes if p.pid not in (1, os.getpid(), spare) and p.pgid not in others]




if __name__ == "__main__":
    Zygote(int(sys.argv[1]), sandboxed=sys.argv[2] == "sandboxed", cgroup_run=json.loads(sys.argv[3])).run()
