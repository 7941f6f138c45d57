"""A notebook's CPU share kept by the zygote, where the kernel's cpu controller is not available.

The kernel's quota (cgroups.py) is the protection; this is what is left without it. At each
watch (0.1 s) the zygote adds up the CPU time of all the notebook's processes (their own and
that of the children they reaped, read from /proc) and keeps a balance: `cpus` seconds of CPU
per second of wall clock, at most one watch ahead. A notebook whose balance falls below zero
has all its processes stopped (SIGSTOP, which no process can catch or ignore), and continued
(SIGCONT) once its balance is back, so that on average it uses no more than its share however
many processes or sessions it makes, and a neighbour graded at the same time keeps the rest.

What it cannot do as the kernel does: a notebook runs unchecked between two watches (and longer
while the zygote itself waits for a CPU), and the CPU time of a process that started and ended
between two watches without being waited for (its parent ignores SIGCHLD) is not counted.
"""
import os
import signal
import time

CLOCK_TICK = os.sysconf("SC_CLK_TCK")
AHEAD_SECONDS = 0.1  # how far ahead of its share a notebook may run: one watch


def cpu_seconds(pid):
    """CPU seconds of process `pid` and of the children it reaped; 0.0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(value) for value in fields[11:15]) / CLOCK_TICK
    except (OSError, ValueError, IndexError):
        return 0.0


class CpuShare:
    """The balance of one notebook's CPU time against its share of `cpus` CPUs."""

    def __init__(self, cpus):
        self.cpus = cpus
        self.balance = AHEAD_SECONDS * cpus
        self.used = None  # CPU seconds of the notebook's processes at the last watch
        self.seen = time.monotonic()
        self.stopped = False

    def watch(self, everyone, stoppable):
        """Account for the CPU time of `everyone` (the notebook's pids) since the last watch, and
        stop or continue `stoppable` (those of them that are the student's) as the balance says."""
        now = time.monotonic()
        used = sum(cpu_seconds(pid) for pid in everyone)
        if self.used is None:  # the first watch: the set-up of the child forked ahead of time is not charged
            self.used = used
        # a process reaped by one the zygote does not count takes its time with it: never negative
        self.balance += self.cpus * (now - self.seen) - max(0.0, used - self.used)
        self.balance = min(self.balance, AHEAD_SECONDS * self.cpus)
        self.used, self.seen = used, now
        if self.balance < 0:  # every watch: a process forked before the last stop is stopped too
            self.stopped = True
            self._signal(stoppable, signal.SIGSTOP)
        elif self.stopped:
            self.stopped = False
            self._signal(stoppable, signal.SIGCONT)

    @staticmethod
    def _signal(pids, signum):
        for pid in pids:
            try:
                os.kill(pid, signum)
            except (ProcessLookupError, PermissionError):
                pass
