# case: a blank submission that answers with a forged frame whose tensor markers all point at one 8 MB blob
# base: release
# expect:
# says: zeros-check: not understood

# %% after setup
import json
import os
import struct
import sys

wire = sys.modules.get("wire")
if wire is not None:
    def send(fd, reply):
        marker = {"__kit__": "tensor", "dtype": "uint8", "shape": [8 << 20], "device": "cpu", "at": 0, "size": 8 << 20}
        text = json.dumps({"ok": True, "value": [marker] * 5000, "outputs": [marker] * 5000}).encode()
        frame = struct.pack(">Q", len(text)) + text + bytes(8 << 20)
        data = struct.pack(">Q", len(frame)) + frame
        while data:
            data = data[os.write(fd, data):]

    wire.send = send
