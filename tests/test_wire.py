"""The serializer between worker and grader lets plain data through and nothing else."""
import io

import pytest
import torch

from autograder import wire


class Custom:
    pass


class LoudTensor(torch.Tensor):
    def __eq__(self, other):
        return True


def roundtrip(value):
    return wire.from_plain(wire.loads(wire.dumps(wire.to_plain(value))))


def test_plain_data_roundtrips():
    value = {"n": 3, "x": 2.5, "s": "text", "none": None, "flag": True, "list": [1, (2, 3)],
             "t": torch.arange(6.0).view(2, 3), "dtype": torch.float32, "device": torch.device("cpu"), 7: "int key"}
    back = roundtrip(value)
    assert back["list"] == [1, (2, 3)] and back[7] == "int key" and back["dtype"] is torch.float32
    assert torch.equal(back["t"], value["t"]) and type(back["t"]) is torch.Tensor


def test_objects_that_are_not_plain_become_opaque():
    assert roundtrip(Custom()) == wire.Opaque("test_wire.Custom")
    assert roundtrip([torch.nn.Linear(1, 1)]) == [wire.Opaque("torch.nn.modules.linear.Linear")]
    assert roundtrip(len) == wire.Opaque("builtin_function_or_method")


def test_tensor_subclasses_arrive_as_plain_tensors():
    sneaky = torch.zeros(2).as_subclass(LoudTensor)
    back = roundtrip(sneaky)
    assert type(back) is torch.Tensor and not torch.equal(back, torch.ones(2))
    assert type(roundtrip(torch.nn.Parameter(torch.ones(2)))) is torch.Tensor


def test_a_frame_with_a_pickled_class_is_refused():
    buffer = io.BytesIO()
    torch.save({"evil": Custom()}, buffer)
    with pytest.raises(wire.WireError, match="could not be read as plain data"):
        wire.loads(buffer.getvalue())
    with pytest.raises(wire.WireError):
        wire.loads(b"garbage")


def test_validation_rejects_what_a_hostile_worker_could_send():
    with pytest.raises(wire.WireError):
        wire.from_plain({(1, 2): "tuple key"})
    deep = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(wire.WireError, match="nested too deeply"):
        wire.from_plain(deep)


def test_frames_over_a_pipe_and_the_size_limit():
    import os
    read_fd, write_fd = os.pipe()
    wire.send(write_fd, {"ok": True, "value": torch.ones(3)})
    assert torch.equal(wire.receive(read_fd, timeout=5)["value"], torch.ones(3))
    wire.send(write_fd, "x" * 1000)
    with pytest.raises(wire.WireError, match="over the limit"):
        wire.receive(read_fd, timeout=5, max_bytes=100)
    os.close(read_fd), os.close(write_fd)
    read_fd, write_fd = os.pipe()
    with pytest.raises(wire.WireTimeout):
        wire.receive(read_fd, timeout=0.2)
    os.close(write_fd)
    with pytest.raises(wire.WireError, match="closed"):
        wire.receive(read_fd, timeout=1)
    os.close(read_fd)
