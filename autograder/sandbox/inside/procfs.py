"""What the zygote reads of its processes: /proc, and the resource usage wait4 gives.

The zygote watches each notebook's processes (memory, process and thread count) and says how a
notebook ended (exit status, CPU time, peak memory) from these.
"""
import os
from typing import NamedTuple


class Process(NamedTuple):
    pid: int
    ppid: int
    pgid: int
    uid: int
    rss: int
    threads: int


def processes():
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


def descendants(roots, processes):
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


def ending(status, usage):
    """(wait status, CPU seconds, peak resident KiB) of an ended child."""
    return status, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def usage_of(pids):
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


def data_in_use():
    """Bytes of this process's data segment (VmData), which RLIMIT_DATA counts."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0
