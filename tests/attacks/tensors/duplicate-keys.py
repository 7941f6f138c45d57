# case: a blank submission that answers with a frame of many objects each repeating a key thousands of times
# base: release
# expect:
# says: zeros-check: not understood

# %% after setup
import os
import struct
import sys

wire = sys.modules.get("wire")
if wire is not None:
    def send(fd, reply):
        one = "{" + ",".join(['"__kit__":"tuple"'] * 2000) + ',"items":[]}'
        text = ("[" + ",".join([one] * 200) + "]").encode()
        frame = struct.pack(">Q", len(text)) + text
        data = struct.pack(">Q", len(frame)) + frame
        while data:
            data = data[os.write(fd, data):]

    wire.send = send
