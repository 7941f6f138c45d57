"""GPU memory of the notebook being graded, read by the zygote through NVML (nvidia-ml-py).

NVML names a GPU's processes by the host's pids, which the sandbox does not see, so a
notebook's GPU memory is what its GPUs hold above the lowest reading since it started. A
zygote runs one notebook at a time, so that difference is the notebook's. Another program
that allocates on the same GPUs during grading would be charged to the notebook: give the
grader GPUs of its own (CUDA_VISIBLE_DEVICES for both).

This file is also loaded inside the sandbox, so it imports nothing of the kit.
"""
import os


class GpuMemory:
    def __init__(self, read_used):
        self.read_used = read_used  # () -> bytes in use on the watched GPUs
        self.floor = read_used()

    @classmethod
    def open(cls):
        """A watch on this machine's NVIDIA GPUs, or None where there are none (or no NVML)."""
        if not any(name.startswith("nvidia") for name in os.listdir("/dev")):
            return None
        try:
            import pynvml
            pynvml.nvmlInit()
            handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in _visible(pynvml.nvmlDeviceGetCount())]
            if not handles:
                return None
            return cls(lambda: sum(pynvml.nvmlDeviceGetMemoryInfo(h).used for h in handles))
        except Exception:  # no driver, no library: nothing to watch
            return None

    def start(self):
        """A new notebook starts now."""
        self.floor = self.read_used()

    def in_use(self):
        """Bytes the notebook holds on the GPUs now."""
        used = self.read_used()
        self.floor = min(self.floor, used)  # the last notebook's memory, freed as it was torn down
        return used - self.floor


def _visible(count):
    """Indices of the GPUs that CUDA_VISIBLE_DEVICES lets the notebook use (all when unset)."""
    setting = os.environ.get("CUDA_VISIBLE_DEVICES")
    if setting is None:
        return range(count)
    indices = []
    for part in setting.split(","):
        part = part.strip()
        if not part.isdigit():  # GPU uuids or an empty list: watch them all rather than none
            return range(count) if part else indices
        if int(part) < count:
            indices.append(int(part))
    return indices
