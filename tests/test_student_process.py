"""The student's worker process: cell outputs, calls back into student code, and its failures."""
import pytest
import torch

from autograder.checks import CheckFailed, expect_tensor
from autograder.sandbox import Limits
from autograder.grading.student_process import Student, StudentCodeError, StudentProcess, StudentProcessGone
from autograder.sandbox.inside.codec import Opaque


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    worker = StudentProcess(tmp_path_factory.mktemp("work"))
    yield worker
    worker.close()


@pytest.fixture()
def fresh_worker(tmp_path):
    worker = StudentProcess(tmp_path, Limits(cell_seconds=3, call_seconds=3))
    worker.run_cell("import torch", "cell 1")  # pays for the imports before the timed part
    yield worker
    worker.close()


def test_cell_outputs_are_recorded_like_a_kernel(worker):
    reply = worker.run_cell("import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7", "cell 1")
    outputs = reply["outputs"]
    assert [o["output_type"] for o in outputs] == ["stream", "stream", "execute_result"]
    assert outputs[0]["text"] == "out\n" and outputs[1]["name"] == "stderr"
    assert outputs[2]["data"]["text/plain"] == "42" and reply["error"] is None


def test_errors_and_plots(worker):
    reply = worker.run_cell("1 / 0", "cell 2")
    assert reply["error"]["ename"] == "ZeroDivisionError"
    assert reply["outputs"][-1]["output_type"] == "error"
    plot = worker.run_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()", "cell 3")
    assert any("image/png" in o.get("data", {}) for o in plot["outputs"])


def _zlib_level(png: bytes) -> int:
    """The compression level a PNG's first IDAT chunk declares (zlib's FLEVEL: 0 fastest .. 3 best)."""
    at = 8
    while at < len(png):
        size, kind = int.from_bytes(png[at:at + 4], "big"), png[at + 4:at + 8]
        if kind == b"IDAT":
            return png[at + 9] >> 6
        at += 12 + size
    raise AssertionError("no IDAT chunk")


def test_a_figure_is_shown_at_full_size_and_encoded_fast(worker):
    """A plot shows as the PNG of the figure the student drew, every pixel (matplotlib's own savefig of
    the same figure), at full size, written at zlib's fastest level (docs/speed.md: half the encoding)."""
    import base64
    import io
    from PIL import Image
    reply = worker.run_cell("import base64, io\nimport matplotlib.pyplot as plt\nfigure = plt.figure()\n"
                            "plt.plot([1, 10, 100], label='loss')\nplt.yscale('log')\nplt.title('a title')\n"
                            "plt.legend()\nsaved = io.BytesIO()\nfigure.savefig(saved, format='png')\n"
                            "print(base64.b64encode(saved.getvalue()).decode())\nplt.show()", "cell 6")
    assert reply["error"] is None, reply["error"]
    printed, shown = reply["outputs"]
    png = base64.b64decode(shown["data"]["image/png"])
    reference = base64.b64decode(printed["text"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and _zlib_level(png) == 0 and _zlib_level(reference) == 2
    picture, expected = Image.open(io.BytesIO(png)), Image.open(io.BytesIO(reference))
    assert picture.size == expected.size == (640, 480)  # matplotlib's default 6.4 x 4.8 inches at 100 dpi
    assert picture.tobytes() == expected.tobytes()


def test_calls_return_plain_data_and_student_messages(worker):
    worker.run_cell("import torch\ndef double(t):\n    return 2 * t\n"
                    "def todo():\n    raise NotImplementedError()\n"
                    "class Anything:\n    def __eq__(self, other):\n        return True\n"
                    "def anything():\n    return Anything()\n"
                    "def uninitialised():\n    return torch.Tensor(5, 3)\n", "cell 4")
    student = Student(worker)
    assert torch.equal(student.call("double", torch.arange(3.0)), torch.tensor([0.0, 2.0, 4.0]))
    with pytest.raises(StudentCodeError, match="todo is not implemented yet"):
        student.call("todo")
    with pytest.raises(StudentCodeError, match="missing is not defined in your notebook"):
        student.call("missing", 1)
    with pytest.raises(StudentCodeError, match=r"double\(<tensor of shape \(2,\)>, 3\) raised TypeError"):
        student.call("double", torch.ones(2), 3)
    assert student.call("anything") == Opaque("Anything")
    with pytest.raises(CheckFailed, match="expected a torch.Tensor, got Anything"):
        expect_tensor(student.call("anything"), torch.zeros(5, 3), "anything()")
    # Fresh memory is poisoned in the worker, so uninitialised tensors never pass as zeros.
    with pytest.raises(CheckFailed):
        expect_tensor(student.call("uninitialised"), torch.zeros(5, 3), "uninitialised()")


def test_handles_let_tests_see_what_student_code_does_to_an_object(worker):
    student = Student(worker)
    original = student.put(torch.arange(6.0))
    view = student.keep(original.attr("view"), 2, 3)
    student.call(view.attr("fill_"), 1.0)
    assert torch.equal(student.get(original), torch.ones(6))
    assert student.get(view.attr("shape")) == (2, 3)


def test_student_exits_and_interrupts_do_not_end_the_worker(worker):
    worker.run_cell("import sys\ndef leave():\n    sys.exit(0)\ndef interrupt():\n    raise KeyboardInterrupt\n", "cell 5")
    student = Student(worker)
    with pytest.raises(StudentCodeError, match="SystemExit"):
        student.call("leave")
    with pytest.raises(StudentCodeError, match="KeyboardInterrupt"):
        student.call("interrupt")
    assert worker.run_cell("sys.exit(3)", "cell 6")["ok"]
    assert student.call("double", 1) == 2


def test_an_endless_cell_is_stopped_with_a_message(fresh_worker):
    with pytest.raises(StudentProcessGone, match="your code ran past 3 s in cell 2"):
        fresh_worker.run_cell("while True:\n    pass", "cell 2")
    with pytest.raises(StudentProcessGone):
        Student(fresh_worker).call("anything")


def test_a_process_that_exits_is_reported(fresh_worker):
    with pytest.raises(StudentProcessGone, match=r"ended in cell 2 \(exit code 7\)"):
        fresh_worker.run_cell("import os\nos._exit(7)", "cell 2")


def test_torch_compiler_loads_only_for_a_notebook_that_uses_it(tmp_path):
    """torch._dynamo (a third of the start-up) stays out of the warm process until code asks for it."""
    train = ("import sys, torch\nm = torch.nn.Linear(2, 1)\nopt = torch.optim.Adam(m.parameters())\n"
             "m(torch.ones(3, 2)).sum().backward(); opt.step()\n"
             "print('torch._dynamo.convert_frame' in sys.modules, bool(m.weight.detach().abs().sum() > 0))")
    worker = StudentProcess(tmp_path)
    try:
        assert worker.run_cell(train, "cell 1")["outputs"][0]["text"] == "False True\n"
        compiled = worker.run_cell("f = torch.compile(lambda x: torch.sin(x) * 2, backend='eager')\n"
                                   "print(f(torch.zeros(2)).tolist(), 'torch._dynamo.convert_frame' in sys.modules)\n"
                                   "opt.step(); print(torch._dynamo.config.cache_size_limit > 0)", "cell 2")
        assert compiled["error"] is None, compiled
        assert "".join(o["text"] for o in compiled["outputs"]) == "[0.0, 0.0] True\nTrue\n"
    finally:
        worker.close()


def test_importing_the_engine_sets_nothing_up():
    """Start-up is called where a process starts (nbgrader_config.py, python -m autograder), never on import."""
    import subprocess
    import sys
    code = ("import sys, atexit, gc\nimport autograder.grading.engine, autograder.results.writers\n"
            "import autograder.nbgrader.preprocessors, autograder.nbgrader.exporters\n"
            "from autograder.grading.run import GradingRun\nfrom nbgrader import api\n"
            "print(type(sys.modules.get('torch._dynamo')).__name__ != '_DynamoOnDemand', "
            "api.Gradebook.__init__.__module__ == 'nbgrader.api', not GradingRun.initialized())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True", "True"], done.stdout


def test_the_grader_trains_without_loading_the_torch_compiler():
    """The stand-in (sandbox/inside/lazy_dynamo.py) in a fresh grader-like process: an optimizer
    runs without torch._dynamo, and torch.compile still loads it."""
    import subprocess
    import sys
    code = ("import sys, torch\n"
            "from autograder.grading.startup import prepare_grading_process\n"
            "prepare_grading_process()\n"
            "from autograder.sandbox.inside import lazy_dynamo\n"
            "m = torch.nn.Linear(2, 1); opt = torch.optim.SGD(m.parameters(), lr=0.1)\n"
            "m(torch.ones(3, 2)).sum().backward(); opt.step()\n"
            "print(lazy_dynamo.real_loaded())\n"
            "print(torch.compile(lambda x: x + 1, backend='eager')(torch.zeros(1)).item(), lazy_dynamo.real_loaded())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["False", "1.0 True"]


# Grader code that counts the student process's calls of torch.manual_seed; and code that draws numbers.
SEED_COUNTER = ("seeded = []\nreal_manual_seed = torch.manual_seed\n"
                "torch.manual_seed = lambda seed: seeded.append(seed) or real_manual_seed(seed)\n"
                "def seeds():\n    return list(seeded)\n")
DRAW = "def draw():\n    return torch.rand(2).tolist() + torch.randn(1).tolist()\n"


def test_calls_are_seeded_alike_with_only_the_cpus_generator_where_it_is_the_only_one(fresh_worker):
    """Every call starts from its seed. Where the cpu is the only device, its generator is seeded alone:
    torch.manual_seed also writes out the stack three times to queue the seed for accelerators that could
    start later, which was most of a call's cost in the student's process."""
    student = Student(fresh_worker)
    seeds, draw = student.define(SEED_COUNTER, "seeds"), student.define(DRAW, "draw")
    draws = [student.call(draw) for _ in range(3)] + [student.with_seed(5).call(draw), student.call(draw)]
    torch.manual_seed(0)
    assert draws[0] == draws[1] == draws[2] == draws[4] == torch.rand(2).tolist() + torch.randn(1).tolist()
    torch.manual_seed(5)
    assert draws[3] == torch.rand(2).tolist() + torch.randn(1).tolist()
    accelerators = torch.cuda.is_available() or torch.backends.mps.is_available()
    assert student.call(seeds) == ([0, 0, 0, 5, 0, 0] if accelerators else [])  # the old server: [0, 0, 0, 5, 0, 0]
