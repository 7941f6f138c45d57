# case: mistake: the warm-up calls are timed with the others
# base: reference
# expect: timing-check=0
# says: timing-check: so the warm-up was timed: call op() warmup = 2 times before the first reading of the clock
# %% timing-answer
def time_per_call(op, device, repeats, warmup, clock=time.perf_counter):
    def wait():
        if device.type == "cuda":
            torch.cuda.synchronize()
        if device.type == "mps":
            torch.mps.synchronize()

    wait()
    start = clock()
    for _ in range(warmup + repeats):
        op()
    wait()
    return (clock() - start) / (warmup + repeats)
