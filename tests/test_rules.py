"""Rules on how (autograder/grading/rules.py, answer_alone.py): the reading of an answer cell, what
autograd's lockdown leaves reachable in a student process, and an answer cell run alone.

The attack corpus (tests/attacks/{ann,building_blocks,training}/rule-*.py) grades whole notebooks;
here each layer is tried on its own, the lockdown without the reading in front of it.
"""
import pytest

from autograder.grading import rules
from autograder.grading.answer_alone import AnswerCell, answer_code
from autograder.grading.rules import AUTOGRAD, Machinery, Rule, RuleBroken
from autograder.grading.student_process import Student, StudentCodeError, StudentProcess
from autograder.sandbox import Limits

NO_AUTOGRAD = Rule("backprop", AUTOGRAD, "compute the gradients with the chain rule yourself")
ANY_RULE = Rule("evaluate", None, "call the model inside torch.no_grad()")

HONEST = {
    "the lesson's backprop": '''
def backprop(W1, b1, W2, b2, X, Y):
    """The chain rule."""
    m = X.shape[0]
    Z1 = X @ W1.T + b1
    A1 = torch.relu(Z1)
    dY_hat = 2 * (A1 @ W2.T + b2 - Y) / m
    dZ1 = (dY_hat @ W2) * (Z1 > 0)
    return dZ1.T @ X, dZ1.sum(dim=0), dY_hat.T @ A1, dY_hat.sum(dim=0)
''',
    "its own imports and names that say grad": '''
import math
import torch.nn.functional as F
from torch import nn


def gradient_step(w, b, x, y, lr):
    error = w * x + b - y
    grad_w, grad_b = (error * x).mean(), error.mean()
    with torch.no_grad():
        scale = math.sqrt(1.0) * F.relu(torch.ones(()))
    return w - lr * scale * grad_w, b - lr * getattr(grad_b, "detach")()
''',
    "a class, comprehension, try and inference mode": '''
class Wrapper(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner


def evaluate(model, X):
    model.eval()
    try:
        with torch.inference_mode():
            return torch.cat([model(part) for part in X.split(10)])
    except RuntimeError as error:
        print(error)
        raise
''',
}

# (code, what the refusal names): each a way past a probe in the student's process
HOSTILE = {
    "backward": ("def f(x):\n    x.sum().backward()\n", "uses `backward` in line 2"),
    "clone and requires_grad_": ("def f(x):\n    return x.clone().requires_grad_()\n", "uses `requires_grad_`"),
    "requires_grad keyword": ("def f():\n    return torch.ones(2, requires_grad=True)\n", "uses `requires_grad`"),
    "torch.func": ("def f(g, x):\n    return torch.func.grad(g)(x)\n", "the task forbids autograd"),
    "from torch import autograd": ("from torch import autograd as ag\n", "uses `autograd`"),
    "enable_grad": ("with torch.enable_grad():\n    pass\n", "uses `enable_grad`"),
    "a saved reference": ("def f(x):\n    return saved_grad(x)\n", "uses `saved_grad` in line 2 of its answer cell, "
                                                                        "a name from outside the cell"),
    "a thread": ("import threading\n", "imports `threading`"),
    "importlib": ("import importlib\n", "imports `importlib`"),
    "from an unlisted module": ("from contextlib import nullcontext\n", "imports from `contextlib`"),
    "star import": ("from torch import *\n", "imports * from `torch`"),
    "computed getattr": ("def f():\n    return getattr(torch, 'auto' + 'grad')\n", "name computed at run time"),
    "literal getattr": ("def f(x):\n    return getattr(x, 'backward')\n", "uses `backward`"),
    "eval": ("eval('1')\n", "uses `eval`"),
    "vars": ("vars(torch)\n", "uses `vars`"),
    "setattr": ("setattr(torch, 'no_grad', None)\n", "uses `setattr`"),
    "a dunder attribute": ("def f(x):\n    return x.__class__\n", "uses `__class__`"),
    "__builtins__": ("__builtins__\n", "uses `__builtins__`"),
    "a private attribute": ("torch._C\n", "uses `_C`"),
    "sys through torch": ("torch.sys.modules\n", "uses `modules`"),
    "a frame": ("def f():\n    return (i for i in []).gi_frame\n", "uses `gi_frame`"),
    "a pickle": ("torch.load('model.pt')\n", "uses `load`"),
    "a patched module": ("torch.is_grad_enabled = lambda: False\n", "changes `torch.is_grad_enabled`"),
    "a module's part": ("nn.Module.forward.__defaults__[0] = 1\n", "changes `nn.Module.forward.__defaults__[0]`"),
    "a patched class of a module": ("nn.Module.__call__ = None\n", "changes `nn.Module.__call__`"),
    "a deleted attribute": ("del torch.Tensor.requires_grad\n", "changes `torch.Tensor.requires_grad`"),
    "a match pattern's attribute": ("match torch:\n    case object(autograd=ag):\n        pass\n", "uses `autograd`"),
    "a magic": ("%time 1\n", "is not plain Python"),
    "getattr passed on": ("g = getattr\ng(torch, 'auto' + 'grad')\n", "uses `getattr` in line 1"),
    "a module through an alias": ("t = torch\nt.is_grad_enabled = lambda: False\n", "changes `t.is_grad_enabled`"),
    "a module through a parameter": ("def patch(m):\n    m.no_grad = None\n", "changes `m.no_grad` in line 2"),
    "a cell past the reading's size": ("x = 1\n" * 20_000, "more than the 100000"),
    "nesting past the parser's depth": ("x = " + "(" * 500 + ")" * 500 + "\n", "line 1"),
}


@pytest.mark.parametrize("code", HONEST.values(), ids=HONEST)
def test_an_honest_answer_keeps_every_rule(code):
    rules.check(code, NO_AUTOGRAD)
    rules.check(code, ANY_RULE)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_way_around_the_rule_is_named_with_its_line(name):
    code, says = HOSTILE[name]
    with pytest.raises(RuleBroken) as refused:
        rules.check(code, NO_AUTOGRAD)
    assert says in str(refused.value) and str(refused.value).startswith("backprop ")
    assert str(refused.value).endswith(": compute the gradients with the chain rule yourself")


def test_a_rule_without_machinery_allows_its_names():
    rules.check("def f(x):\n    return x.grad\n", ANY_RULE)
    with pytest.raises(RuleBroken, match="changes `torch.is_grad_enabled`"):
        rules.check("torch.is_grad_enabled = lambda: False\n", ANY_RULE)


# What autograd's lockdown must leave working, and what it must refuse, with no reading in front of it.
LOCKED_WORKS = {
    "a layer": "torch.nn.Linear(2, 3)(torch.ones(4, 2)).shape == (4, 3)",
    "no_grad and inference_mode": "with torch.no_grad(), torch.inference_mode():\n    y = torch.ones(3) * 2\nbool(y.sum() == 6)",
    "a tensor on meta, shown": "'meta' in repr(torch.empty(3, device='meta') @ torch.empty(3, device='meta'))",
    "a loss": "bool(torch.nn.MSELoss()(torch.ones(3), torch.zeros(3)) == 1)",
    "grad mode off": "not torch.is_grad_enabled()",
}
LOCKED_REFUSES = {
    "backward in a thread": "import threading\nout = []\ndef work():\n    p = torch.ones(3, requires_grad=True)\n"
                            "    try:\n        (p * p).sum().backward()\n    except Exception as e:\n        out.append(e)\n"
                            "t = threading.Thread(target=work)\nt.start()\nt.join()\nraise out[0]",
    "torch.func.grad": "torch.func.grad(lambda t: (t * t).sum())(torch.ones(3))",
    "own saved-tensor hooks": "with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):\n"
                              "    p = torch.ones(3).requires_grad_()",
    "grad mode on": "torch.set_grad_enabled(True)",
    "grad mode on in torch._C": "torch._C._set_grad_enabled(True)",
    "forward mode": "import torch.autograd.forward_ad as fw\nwith fw.dual_level():\n    pass",
    "a new engine found by gc": "import gc\ngc.get_objects()",
    "a Function of its own": "class Sq(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
                             "        return x * x\n    @staticmethod\n    def backward(ctx, g):\n        return g\n"
                             "p = torch.ones(3)\np.requires_grad = True\nSq.apply(p).sum().backward()",
    "torch.autograd.functional": "torch.autograd.functional.jacobian(lambda t: t * t, torch.ones(3))",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("locked")


def locked_process(folder):
    process = StudentProcess(folder, Limits(cell_seconds=20, call_seconds=20))
    process.run_cell(rules.PRELUDE, "cell 1")
    Student(process).define(AUTOGRAD.lockdown, "refuse")
    return process


@pytest.mark.parametrize("code", LOCKED_WORKS.values(), ids=LOCKED_WORKS)
def test_autograd_locked_down_leaves_torch_working(folder, code):
    process = locked_process(folder)
    try:
        reply = process.run_cell(code, "cell 2")
        assert reply["error"] is None and reply["outputs"][-1]["data"]["text/plain"] == "True", reply
    finally:
        process.close()


@pytest.mark.parametrize("code", LOCKED_REFUSES.values(), ids=LOCKED_REFUSES)
def test_autograd_locked_down_refuses_every_way_in(folder, code):
    process = locked_process(folder)
    try:
        error = process.run_cell(code, "cell 2")["error"]
        assert error is not None and AUTOGRAD.refusal in error["evalue"], error
    finally:
        process.close()


def test_torch_C_imported_again_brings_nothing_back(folder):
    """A single-phase extension module imported again is made from a copy of its first dictionary:
    torch._C's is refused (SystemError) instead, so what the lockdown took out of it stays out."""
    process = locked_process(folder)
    try:
        reply = process.run_cell("import sys, importlib\ndel sys.modules['torch._C']\n"
                                 "importlib.import_module('torch._C')._ImperativeEngine", "cell 2")
        assert reply["error"] is not None and reply["error"]["ename"] in ("SystemError", "AttributeError"), reply
    except Exception as gone:  # the process may also crash: a notebook that scores 0
        assert "ended" in str(gone), gone
    finally:
        process.close()


def test_answer_code_is_the_solution_cells_since_the_test_cell_before():
    def cell(source, **meta):
        return {"cell_type": "code", "source": source, "metadata": {"nbgrader": meta} if meta else {}}
    notebook = [cell("def first(): pass", solution=True), cell("first()", grade=True, grade_id="a"),
                cell("helper = 1"), cell("def second(): pass", solution=True), cell("second()", grade=True, grade_id="b")]
    assert answer_code(notebook, 1) == "def first(): pass"
    assert answer_code(notebook, 4) == "def second(): pass"
    assert answer_code(notebook[2:], 0) is None


@pytest.fixture()
def main_student(tmp_path):
    process = StudentProcess(tmp_path, Limits(cell_seconds=20, call_seconds=20))
    process.run_cell("import torch\nhelper = 41", "cell 1")
    yield Student(process)
    process.close()


def test_an_answer_cell_runs_alone_after_the_graders_definitions(main_student, tmp_path):
    code = "def f(x):\n    return x + 1\n"
    with AnswerCell(code, "cell 3", Limits(cell_seconds=20, call_seconds=20)) as main_student.answer:
        alone = main_student.alone(ANY_RULE, before="import sys\nbefore = sorted(sys.modules)\n")
        assert alone.process is not main_student.process
        assert alone.call("f", 2) == 3
        assert main_student.alone(ANY_RULE, before="import sys\nbefore = sorted(sys.modules)\n") is alone
        assert "torch" in alone.get(alone.defined["before"])
        with pytest.raises(StudentCodeError, match="helper"):  # the main process's names are not there
            alone.call(alone.define("def peek():\n    return helper\n", "peek"))
        assert main_student.get("helper") == 41


def test_machinery_reached_at_run_time_breaks_the_rule(main_student):
    """What the reading lets through (here a rule whose names match nothing) meets the lockdown."""
    unread = Rule("f", Machinery(AUTOGRAD.what, r"(?!)", AUTOGRAD.lockdown, AUTOGRAD.refusal), "do it by hand")
    code = "def f(x):\n    x.clone().requires_grad_().sum().backward()\n"
    with AnswerCell(code, "cell 3", Limits(cell_seconds=20, call_seconds=20)) as main_student.answer:
        with pytest.raises(RuleBroken, match="used autograd .*, which is switched off for this task: do it by hand"):
            main_student.alone(unread).call("f", __import__("torch").ones(2))


def test_no_answer_cell_scores_nothing(main_student):
    with AnswerCell(None, "cell 3", Limits()) as main_student.answer:
        with pytest.raises(RuleBroken, match="no answer cell"):
            main_student.alone(ANY_RULE)
