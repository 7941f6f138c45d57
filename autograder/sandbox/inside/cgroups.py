"""Control groups for notebooks: memory and process limits that the kernel enforces.

The grader makes one folder per grading run (`RunCgroups`) under its own cgroup, or under
KIT_CGROUP_PARENT (a path inside the hierarchy, for an instructor who delegated one), and binds
it into the sandbox. The zygote makes one folder per notebook in it (`NotebookCgroup`): the
notebook's first process enters it before anything else runs, so everything the notebook
starts is counted and capped there, however it was started.

cgroup v2 is used where the run's folder can get the memory and pids controllers, else v1's
memory and pids hierarchies. Where neither can be written (a grader without root and without
a delegated cgroup), there are no cgroups and the sandbox says what is lost.

The cpu controller, where the run can have it too (v2: enabled beside memory and pids; v1: the
cpu hierarchy), gives each notebook a CPU share of its own: a quota of `cpus` CPUs and the same
weight as any other notebook, so that a notebook's many processes (however many sessions they
make) compete as one and cannot starve a neighbour graded at the same time. Without it the
zygote keeps the quota itself (cpu_share.py).

Written here rather than taken from a library: cgroupspy knows only v1 and is no longer kept
up, and libcgroup's tools would cost the zygote a process per call. This file is also loaded
inside the sandbox, so it imports nothing of the kit.
"""
import os
import signal
import time

INSIDE = "/kit-cgroup"  # where the run's folders are seen inside the sandbox
CONTROLLERS = ("memory", "pids")
CPU_PERIOD_US = 100_000  # the quota's period: the kernel's default


def _read(path):
    with open(path) as f:
        return f.read()


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _counter(path, name):
    """The number after `name` in a flat-keyed file such as memory.events; 0 if absent."""
    try:
        for line in _read(path).splitlines():
            key, _, value = line.partition(" ")
            if key == name:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _mounts():
    """(mount point, root inside the hierarchy, type, super options) of each cgroup mount."""
    found = []
    for line in _read("/proc/self/mountinfo").splitlines():
        before, _, after = line.partition(" - ")
        fields, kind = before.split(), after.split()
        if kind and kind[0] in ("cgroup", "cgroup2"):
            found.append((fields[4], fields[3], kind[0], set(kind[2].split(",")) if len(kind) > 2 else set()))
    return found


def _own_paths():
    """This process's cgroup path per v1 controller, and under "" its v2 path."""
    paths = {}
    for line in _read("/proc/self/cgroup").splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


def _folder(mount, root, path):
    path = os.environ.get("KIT_CGROUP_PARENT") or path
    if path.startswith(root):  # a mount of part of the hierarchy (a cgroup namespace)
        path = "/" + path[len(root):].lstrip("/")
    return os.path.join(mount, path.lstrip("/"))


def _remove_abandoned(parent):
    """Folders of grading runs whose grader is gone (killed before it could remove them)."""
    for name in os.listdir(parent):
        pid = name.split("-")[2] if name.startswith("kit-run-") and name.count("-") >= 3 else ""
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            folder = os.path.join(parent, name)
            for notebook in os.listdir(folder):  # only empty ones: nothing is killed on a guess
                if os.path.isdir(os.path.join(folder, notebook)):
                    NotebookCgroup({"x": folder}, notebook).remove()
            try:
                os.rmdir(folder)
            except OSError:
                pass


class RunCgroups:
    """The grading run's cgroup folders on the grader's side: {"unified": folder} or
    {"memory": folder, "pids": folder} and, where the run got one, {"cpu": folder}."""

    def __init__(self, folders):
        self.folders = folders

    @classmethod
    def create(cls, name):
        """The run's folders, made now; or (None, why there are none)."""
        try:
            mounts, own = _mounts(), _own_paths()
        except (OSError, ValueError) as exc:
            return None, f"cgroups cannot be read ({exc})"
        reasons = []
        for mount, root, kind, _ in mounts:  # v2 first
            if kind != "cgroup2":
                continue
            parent = _folder(mount, root, own.get("", "/"))
            try:
                missing = set(CONTROLLERS) - set(_read(f"{parent}/cgroup.controllers").split())
                if missing:
                    reasons.append(f"cgroup v2 at {parent} lacks the {' and '.join(sorted(missing))} controllers")
                    continue
                _write(f"{parent}/cgroup.subtree_control", " ".join(f"+{c}" for c in CONTROLLERS))
                _remove_abandoned(parent)
                folder = os.path.join(parent, name)
                os.mkdir(folder)
                _write(f"{folder}/cgroup.subtree_control", " ".join(f"+{c}" for c in CONTROLLERS))
                for place in (parent, folder):  # the cpu controller where it is delegated: else no share
                    try:
                        _write(f"{place}/cgroup.subtree_control", "+cpu")
                    except OSError:
                        break
                return cls({"unified": folder}), ""
            except OSError as exc:
                reasons.append(f"cgroup v2 at {parent}: {exc.strerror}")
        folders = {}
        for controller in CONTROLLERS:
            mount = next((m for m in mounts if m[2] == "cgroup" and controller in m[3]), None)
            if mount is None:
                reasons.append(f"no cgroup v1 {controller} hierarchy")
                break
            folder = os.path.join(_folder(mount[0], mount[1], own.get(controller, "/")), name)
            try:
                _remove_abandoned(os.path.dirname(folder))
                os.mkdir(folder)
            except OSError as exc:
                reasons.append(f"cgroup v1 {controller} at {os.path.dirname(folder)}: {exc.strerror}")
                break
            folders[controller] = folder
        else:
            cpu = next((m for m in mounts if m[2] == "cgroup" and "cpu" in m[3]), None)
            if cpu is not None:  # optional: without it the notebooks get no share from the kernel
                folder = os.path.join(_folder(cpu[0], cpu[1], own.get("cpu", "/")), name)
                try:
                    _remove_abandoned(os.path.dirname(folder))
                    os.mkdir(folder)
                    folders["cpu"] = folder
                except OSError:
                    pass
            return cls(folders), ""
        cls(folders).remove()
        return None, "; ".join(reasons)

    def inside(self):
        """{controller or "unified": folder as the sandbox shows it}."""
        return {key: f"{INSIDE}/{key}" for key in self.folders}

    def bubblewrap_binds(self):
        return [arg for key, folder in self.folders.items() for arg in ("--bind", folder, f"{INSIDE}/{key}")]

    def remove(self):
        """Remove the run's folders, killing anything left in them (the zygote has ended by now)."""
        for key, folder in self.folders.items():
            for name in os.listdir(folder) if os.path.isdir(folder) else []:
                if os.path.isdir(os.path.join(folder, name)):
                    NotebookCgroup({key: folder}, name).remove(kill=True)
            try:
                os.rmdir(folder)
            except OSError:
                pass


class NotebookCgroup:
    """One notebook's cgroup, on the zygote's side; `run` is RunCgroups.inside()."""

    def __init__(self, run, name):
        self.folders = {key: os.path.join(folder, name) for key, folder in run.items()}

    def _file(self, controller, name):
        return os.path.join(self.folders.get("unified") or self.folders[controller], name)

    def create(self):
        for folder in self.folders.values():
            os.makedirs(folder, exist_ok=True)

    def enter(self):
        """Move the calling process into this cgroup (before it starts anything)."""
        for folder in self.folders.values():
            _write(f"{folder}/cgroup.procs", "0")

    def limit(self, memory_bytes, processes):
        if "unified" in self.folders:
            _write(self._file("memory", "memory.max"), str(memory_bytes))
            try:
                _write(self._file("memory", "memory.swap.max"), "0")
            except OSError:  # no swap accounting
                pass
        else:
            _write(self._file("memory", "memory.limit_in_bytes"), str(memory_bytes))
        _write(self._file("pids", "pids.max"), str(processes))

    def share_cpu(self, cpus):
        """At most `cpus` CPUs for all the notebook's processes together, and the weight every
        notebook has; only where has_cpu()."""
        quota = max(1000, int(cpus * CPU_PERIOD_US))
        if "unified" in self.folders:
            _write(self._file("cpu", "cpu.weight"), "100")
            _write(self._file("cpu", "cpu.max"), f"{quota} {CPU_PERIOD_US}")
        else:
            _write(self._file("cpu", "cpu.shares"), "1024")
            _write(self._file("cpu", "cpu.cfs_period_us"), str(CPU_PERIOD_US))
            _write(self._file("cpu", "cpu.cfs_quota_us"), str(quota))

    def has_cpu(self):
        """Whether the kernel can hold this notebook to a CPU share (the cpu controller is here)."""
        if "unified" in self.folders:
            return os.path.exists(self._file("cpu", "cpu.max"))
        return "cpu" in self.folders

    def memory_in_use(self):
        """Bytes of memory the notebook's processes wrote (anonymous pages). Pages they share
        unchanged with the zygote are the zygote's; files in the scratch tmpfs count against the
        disk limit and, with this, against the cgroup's own limit (see `limit`)."""
        stat = self._file("memory", "memory.stat")
        return _counter(stat, "anon" if "unified" in self.folders else "total_rss")

    def processes(self):
        """Tasks (processes and threads) in the cgroup now."""
        try:
            return int(_read(self._file("pids", "pids.current")))
        except (OSError, ValueError):
            return 0

    def ran_out_of_memory(self):
        """Whether the kernel killed a process of the notebook for the cgroup's memory limit."""
        if "unified" in self.folders:
            return _counter(self._file("memory", "memory.events"), "oom_kill") > 0
        return _counter(self._file("memory", "memory.oom_control"), "oom_kill") > 0

    def pids(self):
        found = set()
        for folder in self.folders.values():
            try:
                found.update(int(line) for line in _read(f"{folder}/cgroup.procs").split())
            except (OSError, ValueError):
                pass
        return found

    def kill(self):
        unified = self.folders.get("unified")
        if unified and os.path.exists(f"{unified}/cgroup.kill"):
            _write(f"{unified}/cgroup.kill", "1")
            return
        for _ in range(10):  # a process forking while it is killed may leave a new one behind
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def remove(self, kill=False):
        """Remove the folders; False while processes are still in them."""
        if kill:
            self.kill()
        done = True
        for folder in self.folders.values():
            for attempt in range(20 if kill else 1):
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if attempt == (19 if kill else 0):
                        done = False
                    else:
                        time.sleep(0.01)  # killed processes leave the cgroup once reaped
        return done
