# case: a blank submission that patches the worker's own message code to answer "ok" with zeros
# base: release
# expect:
# says: zeros-check: expected shape

# %% after setup
import sys

import torch

wire = sys.modules.get("wire")
if wire is not None:
    real_send = wire.send

    def send(fd, reply):
        if isinstance(reply, dict) and reply.get("ok") is False:
            reply = {"ok": True, "value": torch.zeros(5, 3)}
        real_send(fd, reply)

    wire.send = send
