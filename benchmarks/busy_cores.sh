#!/usr/bin/env bash
# How busy the machine's cores were while a command ran, from /proc/stat (all processes, not only the
# command's): e.g. benchmarks/busy_cores.sh .venv/bin/python -m pytest -q tests/test_mutants.py
# prints the wall time, the average number of busy cores and the CPU-seconds used. Not a test.
read -r _ u n s i w x y z _ < /proc/stat; b0=$((u+n+s+x+y+z)); t0=$((u+n+s+i+w+x+y+z)); s0=$(date +%s.%N)
"$@"; rc=$?
read -r _ u n s i w x y z _ < /proc/stat; b1=$((u+n+s+x+y+z)); t1=$((u+n+s+i+w+x+y+z)); s1=$(date +%s.%N)
cores=$(nproc)
python3 -c "print(f'wall {$s1-$s0:.1f} s, busy cores {$cores*($b1-$b0)/($t1-$t0):.2f} of $cores, cpu-seconds {($b1-$b0)/100:.1f}')" >&2
exit $rc
