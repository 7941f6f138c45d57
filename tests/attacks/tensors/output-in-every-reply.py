# case: a blank submission whose reply code adds 16 MB of output to every cell, past the worker's own cap
# base: release
# expect:
# says: zeros-check: over the limit

# %% after setup
import sys

wire = sys.modules.get("wire")
if wire is not None:
    real_send = wire.send

    def send(fd, reply):
        if isinstance(reply, dict) and isinstance(reply.get("outputs"), list):
            reply["outputs"] += [{"output_type": "stream", "name": "stdout", "text": "x" * (4 << 20)}] * 4
        real_send(fd, reply)

    wire.send = send
