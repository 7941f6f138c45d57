# case: mistake: torch.cuda.synchronize() whatever the device (it raises on a machine without cuda)
# base: reference
# expect: timing-check=1.33
# says: timing-check: which a cpu device does not need (it raises on a machine without cuda)
# %% timing-answer
def time_per_call(op, device, repeats, warmup, clock=time.perf_counter):
    for _ in range(warmup):
        op()
    torch.cuda.synchronize()
    start = clock()
    for _ in range(repeats):
        op()
    torch.cuda.synchronize()
    return (clock() - start) / repeats
