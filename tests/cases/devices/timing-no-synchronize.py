# case: mistake: no waiting for the device: on cuda and mps the clock sees only the queueing
# base: reference
# expect: timing-check=1.33
# says: timing-check: the clock was read while the timed calls were still queued
# %% timing-answer
def time_per_call(op, device, repeats, warmup, clock=time.perf_counter):
    for _ in range(warmup):
        op()
    start = clock()
    for _ in range(repeats):
        op()
    return (clock() - start) / repeats
