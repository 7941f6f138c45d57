"""The serializer between worker and grader lets plain data through and nothing else."""
import io
import json

import pytest
import torch

from autograder.sandbox.inside import codec, wire


class Custom:
    pass


class LoudTensor(torch.Tensor):
    def __eq__(self, other):
        return True


def roundtrip(value):
    return codec.from_plain(codec.loads(codec.dumps(codec.to_plain(value))))


def test_plain_data_roundtrips():
    value = {"n": 3, "x": 2.5, "s": "text", "none": None, "flag": True, "list": [1, (2, 3)],
             "t": torch.arange(6.0).view(2, 3), "dtype": torch.float32, "device": torch.device("cpu"), 7: "int key"}
    back = roundtrip(value)
    assert back["list"] == [1, (2, 3)] and back[7] == "int key" and back["dtype"] is torch.float32
    assert torch.equal(back["t"], value["t"]) and type(back["t"]) is torch.Tensor


def test_objects_that_are_not_plain_become_opaque():
    assert roundtrip(Custom()) == codec.Opaque("test_wire.Custom")
    assert roundtrip([torch.nn.Linear(1, 1)]) == [codec.Opaque("torch.nn.modules.linear.Linear")]
    assert roundtrip(len) == codec.Opaque("builtin_function_or_method")


def test_tensor_subclasses_arrive_as_plain_tensors():
    sneaky = torch.zeros(2).as_subclass(LoudTensor)
    back = roundtrip(sneaky)
    assert type(back) is torch.Tensor and not torch.equal(back, torch.ones(2))
    assert type(roundtrip(torch.nn.Parameter(torch.ones(2)))) is torch.Tensor


@pytest.mark.parametrize("tensor", [
    torch.tensor(2.5), torch.zeros(0, 3), torch.tensor([True, False, True]), torch.arange(12).view(3, 4).t(),
    torch.tensor([1.5, float("nan"), -float("inf")], dtype=torch.bfloat16), torch.tensor([1 + 2j, -3j]).conj(),
    torch.arange(-3, 3, dtype=torch.int8), torch.randn(2, 3, dtype=torch.float64)], ids=str)
def test_tensors_keep_dtype_shape_and_values(tensor):
    back = roundtrip({"t": tensor, "pair": (tensor, 1)})
    for got in (back["t"], back["pair"][0]):
        assert type(got) is torch.Tensor and got.dtype == tensor.dtype and got.shape == tensor.shape
        assert torch.equal(got.resolve_conj(), tensor.resolve_conj()) or torch.allclose(
            got.float(), tensor.float(), equal_nan=True)


def test_a_tensor_of_another_dtype_becomes_opaque():
    assert roundtrip(torch.zeros(2, dtype=torch.float8_e4m3fn)) == codec.Opaque("torch.Tensor of dtype torch.float8_e4m3fn")


def frame(structure, blob=b""):
    text = json.dumps(structure).encode()
    return codec.JSON_SIZE.pack(len(text)) + text + blob


def test_a_frame_that_is_not_plain_data_is_refused():
    buffer = io.BytesIO()
    torch.save({"evil": Custom()}, buffer)
    with pytest.raises(codec.WireError, match="could not be read as plain data"):
        codec.loads(buffer.getvalue())
    with pytest.raises(codec.WireError):
        codec.loads(b"garbage")
    with pytest.raises(codec.WireError, match="cut short"):
        codec.loads(codec.dumps([1, 2, 3])[:-1])
    with pytest.raises(codec.WireError, match="not a kind of plain data"):
        codec.loads(frame({"__kit__": "pickle", "items": []}))
    with pytest.raises(codec.WireError, match="not a device"):
        codec.loads(frame({"__kit__": "device", "name": "fpga"}))
    with pytest.raises(codec.WireError, match="dtype or shape"):
        codec.loads(frame({"__kit__": "tensor", "dtype": "object", "shape": [1], "at": 0, "size": 8}, bytes(8)))
    # bytes that do not cover the tensor's shape, or lie outside the frame
    for at, size, shape in [(0, 8, [3]), (4, 8, [2]), (-1, 8, [2])]:
        with pytest.raises(codec.WireError, match="do not match its shape"):
            codec.loads(frame({"__kit__": "tensor", "dtype": "float32", "shape": shape, "device": "cpu",
                              "at": at, "size": size}, bytes(8)))


def test_meta_tensors_cross_with_shape_and_dtype_only():
    """The meta device stands in for a GPU on any grader: no values, so no bytes."""
    got = roundtrip((torch.empty(3, 4, dtype=torch.float64, device="meta"), torch.device("meta")))
    assert got[0].is_meta and got[0].shape == (3, 4) and got[0].dtype == torch.float64
    assert got[1] == torch.device("meta")
    with pytest.raises(codec.WireError, match="carries no bytes"):
        codec.loads(frame({"__kit__": "tensor", "dtype": "float32", "shape": [2], "device": "meta",
                          "at": 0, "size": 8}, bytes(8)))
    with pytest.raises(codec.WireError, match="shape is not valid"):
        codec.loads(frame({"__kit__": "tensor", "dtype": "float32", "shape": [2 ** 62, 2 ** 62], "device": "meta",
                          "at": 0, "size": 0}))


def test_validation_rejects_what_a_hostile_worker_could_send():
    with pytest.raises(codec.WireError):
        codec.from_plain({(1, 2): "tuple key"})
    deep = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(codec.WireError, match="nested too deeply"):
        codec.from_plain(deep)


def test_frames_over_a_pipe_and_the_size_limit():
    import os
    read_fd, write_fd = os.pipe()
    wire.send(write_fd, {"ok": True, "value": torch.ones(3)})
    assert torch.equal(wire.receive(read_fd, timeout=5)["value"], torch.ones(3))
    wire.send(write_fd, "x" * 1000)
    with pytest.raises(codec.WireError, match="over the limit"):
        wire.receive(read_fd, timeout=5, max_bytes=100)
    os.close(read_fd), os.close(write_fd)
    read_fd, write_fd = os.pipe()
    with pytest.raises(wire.WireTimeout):
        wire.receive(read_fd, timeout=0.2)
    os.close(write_fd)
    with pytest.raises(codec.WireError, match="closed"):
        wire.receive(read_fd, timeout=1)
    os.close(read_fd)


def test_the_grader_decodes_a_forged_frame_within_bounds():
    """Frames built to make the grader's own work explode are refused, not decoded."""
    marker = {"__kit__": "tensor", "dtype": "float32", "shape": [1 << 18], "device": "cpu", "at": 0, "size": 1 << 20}
    with pytest.raises(codec.WireError, match="share bytes"):  # one blob, many markers: copied once per marker
        codec.loads(frame([marker] * 50, bytes(1 << 20)))
    assert codec.loads(frame([marker], bytes(1 << 20)))[0].shape == (1 << 18,)
    with pytest.raises(codec.WireError, match="repeats a key"):
        codec.loads(codec.JSON_SIZE.pack(16) + b'{"a": 1, "a": 2}')
    with pytest.raises(codec.WireError, match="repeats a key"):
        codec.loads(frame({"__kit__": "dict", "items": [[1, "x"], [1, "y"]]}))
    with pytest.raises(codec.WireError, match="more than"):
        codec.loads(frame([{}] * (codec.MAX_OBJECTS + 1)))
    with pytest.raises(codec.WireError, match="over the limit"):
        codec.loads(frame("x" * codec.MAX_JSON_BYTES))
    with pytest.raises(codec.WireError, match="too long"):
        codec.loads(frame([{}] * 5000), seconds=-1)
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(codec.WireError):
        codec.loads(codec.JSON_SIZE.pack(len(deep)) + deep.encode())


def test_validation_never_raises_anything_but_a_wire_error():
    for forged in [{codec.HANDLE_KEY: "not a number"}, {codec.HANDLE_KEY: [1]}, {codec.HANDLE_KEY: 1, "type": 5},
                   {"k": object()}, {1.5: "float key"}]:
        with pytest.raises(codec.WireError):
            codec.from_plain(forged)


def test_text_that_no_file_can_hold_is_repaired():
    value = codec.from_plain(codec.loads(frame({"text": "a\ud800b", "\udfff": ["\ud83d"]})))
    assert value == {"text": "a?b", "?": ["?"]}
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # writable as UTF-8


def test_a_reader_that_stops_reading_cannot_block_the_writer():
    """The student's process may stop reading its requests and shrink its pipe to one page: the
    grader's write then ends at its deadline instead of blocking for good."""
    import fcntl
    import os
    import time

    read_end, write_end = os.pipe()
    try:
        fcntl.fcntl(read_end, 1031, 4096)  # F_SETPIPE_SZ, as student code can
        os.set_blocking(write_end, False)
        started = time.monotonic()
        with pytest.raises(wire.WireTimeout):
            wire.send(write_end, {"op": "run_cell", "code": "x = 1  # " + "padding " * 4000}, timeout=0.5)
        assert time.monotonic() - started < 2
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_request_larger_than_the_reply_bound_still_reaches_the_students_process():
    """A code cell of 12 MB (an honest notebook under its size bound) is more structure than a reply
    may have; the student's process reads the grader's requests with a bound as large as the message."""
    import os
    import threading

    read_end, write_end = os.pipe()
    request = {"op": "run_cell", "code": "x = 1  # " + "y" * (12 << 20)}
    writer = threading.Thread(target=wire.send, args=(write_end, request))
    writer.start()
    try:
        assert wire.receive(read_end, 30, max_json_bytes=1 << 30) == request
    finally:
        writer.join()
        os.close(read_end)
        os.close(write_end)
    with pytest.raises(codec.WireInvalid, match="over the limit"):
        codec.loads(codec.dumps(request))
