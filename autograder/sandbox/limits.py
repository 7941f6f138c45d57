"""What a student's notebook may use: `Limits`, the one place the limits are declared."""
from __future__ import annotations

from traitlets import Float, Integer
from traitlets.config import Configurable

MiB = 1 << 20


class Limits(Configurable):
    """What a student's notebook may use: the one place the limits are declared.

    Set in nbgrader_config.py (`c.Limits.cell_seconds = 60`) or on nbgrader's command line
    (`--Limits.cell_seconds=60`); `Limits(cell_seconds=20)` in code. What a student is told when
    a limit is hit is in docs/threat-model.md, whose table a test keeps in step with these traits.
    """

    cell_seconds = Float(60.0, help="Seconds (wall clock) one notebook cell may run.").tag(config=True)
    call_seconds = Float(60.0, help="Seconds (wall clock) one call of student code by a hidden test may run."
                         ).tag(config=True)
    notebook_seconds = Float(600.0, help="Seconds (wall clock) for the whole notebook: cells and hidden tests."
                             ).tag(config=True)
    cpus = Float(1.0, min=0.01, help="CPUs that all the notebook's processes together may use at once, on average: "
                                     "the cgroup cpu controller's quota where there is one, else kept by the "
                                     "sandbox (inside/cpu_share.py).").tag(config=True)
    cpu_seconds = Integer(600, help="CPU seconds of the notebook's processes (RLIMIT_CPU, soft = hard)."
                          ).tag(config=True)
    memory_mb = Integer(2048, help="MiB of resident memory for all the notebook's processes.").tag(config=True)
    gpu_memory_mb = Integer(16384, help="MiB of GPU memory for the notebook, on a grader with NVIDIA GPUs "
                                        "(see inside/gpu_memory.py).").tag(config=True)
    processes = Integer(256, help="Processes plus threads the notebook may run at once.").tag(config=True)
    file_size_mb = Integer(256, help="MiB for one file written by student code (RLIMIT_FSIZE).").tag(config=True)
    disk_mb = Integer(1024, help="MiB for all files in the notebook's scratch folder (a tmpfs).").tag(config=True)
    notebook_mb = Integer(50, help="MiB of a submitted notebook file; a larger one is not read and scores 0 "
                                   "with its size and this bound.").tag(config=True)
    files_mb = Integer(64, help="MiB of the submission folder's files (the notebook among them) copied into "
                                "the scratch folder.").tag(config=True)
    start_seconds = Float(120.0, help="Seconds for the sandbox's imports, once per grading run.").tag(config=True)
    max_reply_mb = Integer(64, help="MiB of one answer from the student's process.").tag(config=True)

    def values(self) -> dict:
        return {name: getattr(self, name) for name in sorted(self.class_trait_names(config=True))}

    def __repr__(self) -> str:
        return f"Limits({', '.join(f'{k}={v!r}' for k, v in self.values().items())})"

    def for_child(self, uid, limit_data: bool) -> dict:
        """The limits as the zygote applies them to one notebook's process (in bytes), run as `uid`."""
        return {"cpu_seconds": int(self.cpu_seconds), "cpus": float(self.cpus),
                "file_bytes": self.file_size_mb * MiB, "disk_bytes": self.disk_mb * MiB,
                "memory_bytes": self.memory_mb * MiB, "processes": self.processes,
                "gpu_memory_bytes": self.gpu_memory_mb * MiB,
                # RLIMIT_NPROC counts every process of the uid: only meaningful for a uid of its own
                "nproc_rlimit": uid is not None,
                # The zygote's watch on resident memory is the limit; RLIMIT_DATA is a backstop for
                # allocations faster than the watch. On cuda the driver maps memory of its own.
                "data_bytes": 2 * self.memory_mb * MiB if limit_data else None}
