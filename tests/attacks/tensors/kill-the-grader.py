# case: a blank submission that signals every process it can see, the zygote and the grader included
# base: release
# expect:
# says: zeros-check: make_zeros is not implemented yet

# %% after setup
import os
import signal

for pid in range(1, 4096):
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
