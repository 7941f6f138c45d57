# case: mistake: waits before the last reading only, so the warm-up's queued work is timed
# base: reference
# expect: timing-check=1.33
# says: timing-check: counts the warm-up's queued work: synchronize before reading the clock at the start
# %% timing-answer
def time_per_call(op, device, repeats, warmup, clock=time.perf_counter):
    for _ in range(warmup):
        op()
    start = clock()
    for _ in range(repeats):
        op()
    if device.type == "cuda":
        torch.cuda.synchronize()
    elif device.type == "mps":
        torch.mps.synchronize()
    return (clock() - start) / repeats
