# case: a blank submission that creates the scratch folders of the notebooks after it, and fills /tmp and /dev/shm
# base: release
# expect:
# says: zeros-check: make_zeros is not implemented yet

# %% after setup
import os

for root in ("/scratch", "/tmp", "/dev/shm", os.getcwd(), os.path.dirname(os.getcwd())):
    for n in range(200):
        try:
            os.makedirs(os.path.join(root, str(n)), exist_ok=True)
            os.chmod(os.path.join(root, str(n)), 0o000)
        except OSError:
            pass
for name in ("/tmp/planted.py", "/dev/shm/planted"):
    try:
        open(name, "w").write("import os; os._exit(1)\n")
    except OSError:
        pass
