"""A notebook's code in a child forked after the zygote's whole warm-up: the floor of a forked student.

    .venv/bin/python benchmarks/warm_fork_floor.py [SET ...]

For each set (default: every one) this process runs the sandbox's warm-up as the zygote does
(`warm_up.warm_up()`, then every step of `LATER_WARM_UP`), forks, and in the child runs the source
notebook's code cells (test cells without their hidden region) once with `exec`, timing each cell;
figures are made but never drawn (Agg, closed after each cell). It prints the child's total and the
slowest cells. Set against benchmarks/grading_profile.py's "student: other cells", the difference is
what a cell's path through the kit costs (IPython's run_cell, display formatters, output capture,
the wire), since first calls are warmed here as in the zygote. Not the sandbox: no limits, no
bubblewrap. Not a test: a few seconds per set.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "autograder" / "sandbox" / "inside"), str(ROOT), str(ROOT / "benchmarks")]


def main() -> int:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch
    torch.set_num_threads(1)  # as the student's process
    import warm_up  # the zygote's own warm-up (autograder/sandbox/inside/warm_up.py)

    from autograder.authoring import corpus
    from grading_profile import notebook_code  # the floor's own reading of a notebook

    warm_up.warm_up()
    for step in warm_up.LATER_WARM_UP:
        step()
    for assignment in sys.argv[1:] or corpus.assignments(ROOT):
        codes = notebook_code(corpus.notebook_of(assignment, root=ROOT))
        compiled = [compile(code, f"<cell {i}>", "exec") for i, code in enumerate(codes)]
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: one run of the notebook's code, timed per cell
            namespace, times = {"__name__": "__main__"}, []
            for number, code in enumerate(compiled):
                start = time.perf_counter()
                with contextlib.suppress(Exception), contextlib.redirect_stdout(io.StringIO()):
                    exec(code, namespace)
                plt.close("all")
                times.append((time.perf_counter() - start, number))
            os.write(write, json.dumps(times).encode())
            os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        with os.fdopen(read) as pipe:
            times = json.loads(pipe.read())
        print(f"{assignment}: {sum(t for t, _ in times):.3f} s in a warm fork, {len(codes)} code cells; slowest:")
        for seconds, number in sorted(times, reverse=True)[:3]:
            first = next((line for line in codes[number].splitlines() if line.strip()), "")
            print(f"  {seconds:.4f} s  cell {number}: {first[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
