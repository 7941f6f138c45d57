# case: a blank submission that hides fork chains among hundreds of short-lived decoys, each link outliving its parent
# base: release
# expect:
# (no `says`: with a cgroup per notebook the chains run on unseen until the notebook ends; without
# one, the memory watch may stop the notebook first. Either way it earns 0 and nothing outlives it.)

# %% after setup
import os
import time


def chain(links):
    """Each link forks the next and exits: the chain keeps moving to new pids."""
    while True:
        if os.fork() != 0:
            os._exit(0)
        links -= 1
        if links <= 0:
            time.sleep(0.05)
            links = 5


for _ in range(3):
    if os.fork() == 0:
        os.setsid()
        chain(5)
for _ in range(30):
    if os.fork() == 0:
        time.sleep(0.01)
        os._exit(0)
