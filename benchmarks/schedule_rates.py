"""How often a schedule of the training set's `choose_schedule` meets the task's rule, over many random starts.

    .venv/bin/python benchmarks/schedule_rates.py [--starts N] [LR:EPOCHS ...]

Trains the reference loop exactly as the hidden test does (`schedule_run` of hidden_tests/test_training.py: start
s is torch.manual_seed(100 + s) then the lesson's ANN, on its own 100 examples), from starts 0 .. N-1 at once, and
prints for each schedule the starts that meet the rule (each of the last 100 losses at most SCHEDULE_MARGIN times
the noise floor), out of N, and whether it passes the grader's starts (SCHEDULE_STARTS). One run per
learning rate serves every schedule with that rate. The default schedules are the reference, right answers and
typical wrong ones; the rates are in docs/accuracy.md. Not a test: a few minutes on 2 cores for 500 starts.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "hidden_tests")]

import torch  # noqa: E402

import test_training as hidden  # noqa: E402

SCHEDULES = {  # (lr, epochs): what it is
    (0.04, 4000): "the reference",
    (0.03, 5000): "right: a smaller learning rate, more epochs",
    (0.04, 5000): "right: trains on past convergence",
    (0.01, 1000): "wrong: the lesson's default, still falling",
    (0.04, 1500): "wrong: too few epochs",
    (0.03, 3000): "wrong: too few epochs for this rate",
    (0.045, 4000): "wrong: a little too large, unstable from some starts",
    (0.05, 300): "wrong: far too few epochs",
    (0.05, 1500): "wrong: the old reference, unstable from some starts",
    (0.1, 800): "wrong: a large learning rate kills ReLU units",
    (0.2, 2000): "wrong: larger, stalls high",
    (1.0, 500): "wrong: explodes",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=500)
    parser.add_argument("schedule", nargs="*", help="LR:EPOCHS (default: the reference, right and wrong ones)")
    args = parser.parse_args()
    schedules = ({(float(lr), int(epochs)): "" for lr, epochs in (s.split(":") for s in args.schedule)}
                 or SCHEDULES)
    torch.set_num_threads(1)
    starts = tuple(range(args.starts))
    graders = [starts.index(s) for s in hidden.SCHEDULE_STARTS]
    print(f"rule: each of the last {hidden.SCHEDULE_WINDOW} losses at most {hidden.SCHEDULE_MARGIN:g} x the noise "
          f"floor; starts 0..{args.starts - 1}; the grader's starts {hidden.SCHEDULE_STARTS}")
    for lr in sorted({lr for lr, _ in schedules}):
        began = time.perf_counter()
        losses, floors = hidden.schedule_run.__wrapped__(starts, lr, max(e for r, e in schedules if r == lr))
        for epochs in sorted(e for r, e in schedules if r == lr):
            last = losses[epochs - hidden.SCHEDULE_WINDOW:epochs]
            met = (last.isfinite().all(0) & (last.amax(0) <= hidden.SCHEDULE_MARGIN * floors)).tolist()
            verdict = "passes" if all(met[i] for i in graders) else "fails"
            print(f"lr={lr:g} epochs={epochs}: {sum(met)}/{len(met)} starts met, {verdict} the grader's starts "
                  f"({sum(met[i] for i in graders)}/{len(graders)})  {schedules[lr, epochs]}", flush=True)
        print(f"  ({time.perf_counter() - began:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
