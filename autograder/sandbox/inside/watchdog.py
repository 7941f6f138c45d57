"""The zygote's watchdog: each notebook's process, its limits, how it ended, and what it left behind.

Between the fork server's requests (zygote.py) the watchdog reaps ended children and kills any
child over its memory, process or GPU memory limit (procfs.py, cgroups.py, gpu_memory.py), and
keeps its CPU share where the kernel does not (cpu_share.py). Asked to end a child, it stops the
child and everything it started, removes its scratch folder and cgroup, and says how it ended.
"""
import os
import shutil
import signal
import time

import cpu_share  # sibling files: the zygote runs as a script, from this folder
import procfs


class Watchdog:
    """The zygote's children: {pid: {"scratch", "uid", "limits", "cgroup", "reason", "status", "ended", "cpu"}}."""

    def __init__(self, sandboxed, contained, gpu=None):
        self.sandboxed = sandboxed  # the zygote alone in a pid namespace, so leftovers can be found and killed
        self.contained = contained  # each child in pid and mount namespaces of its own
        self.gpu = gpu  # the GPUs' memory in use (see gpu_memory.py), where there are GPUs
        self.children = {}
        self.stale_cgroups = []  # of ended children, removed once the kernel lets go of them

    def add(self, pid, scratch, uid, limits, cgroup, cpu_in_cgroups):
        """Watch child `pid` from now on; without `cpu_in_cgroups` its CPU share is kept here."""
        self.children[pid] = {"scratch": scratch, "uid": uid, "limits": limits,
                              "cgroup": cgroup, "reason": None, "status": None, "ended": False,
                              "cpu": None if cpu_in_cgroups else cpu_share.CpuShare(limits["cpus"])}

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

    def end(self, pid, wait=True, spare=None):
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
        leftovers = self.leftovers(pid, spare)
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

    def leftovers(self, pid, spare=None):
        """Processes the child left behind, even ones that escaped its process group.

        A contained child's processes all end with it (pid 1 of their namespace); otherwise the
        zygote is their subreaper, so an orphan is found as a child of the zygote that is not a
        notebook's process nor the spare (`spare`: its pid).
        """
        processes = list(procfs.processes())
        if self.contained or self.children[pid]["uid"] is not None:
            return self.members(pid, processes)
        others = set(self.children) - {pid}
        if not self.sandboxed:
            orphans = [p.pid for p in processes if p.ppid == os.getpid() and p.pid not in others and p.pid != spare]
            return self.members(pid, processes) + [p for p, _ in procfs.descendants(orphans, processes)]
        return [p for p in processes if p.pid not in (1, os.getpid(), spare) and p.pgid not in others]
