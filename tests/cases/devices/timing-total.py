# case: mistake: the total time of the timed calls, not the mean per call
# base: reference
# expect: timing-check=0
# says: timing-check: return the mean per call
# %% timing-answer
def time_per_call(op, device, repeats, warmup, clock=time.perf_counter):
    wait = {"cuda": torch.cuda.synchronize, "mps": torch.mps.synchronize}.get(device.type)
    for _ in range(warmup):
        op()
    if wait:
        wait()
    start = clock()
    for _ in range(repeats):
        op()
    if wait:
        wait()
    return clock() - start
