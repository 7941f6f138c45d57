# case: correct: torch.accelerator.synchronize() where the device is not the cpu, and one list of readings
# base: reference
# %% timing-answer
def time_per_call(op, device, repeats, warmup, clock=time.perf_counter):
    readings = []
    for i in range(warmup + repeats + 1):
        if i >= warmup:
            if device.type != "cpu":
                torch.accelerator.synchronize()
            readings.append(clock())
        if i < warmup + repeats:
            op()
    return (readings[-1] - readings[0]) / repeats
