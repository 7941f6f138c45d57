"""Rules on how a task computes its answer, read from the answer cell's code in the grader's process.

A task may forbid a way of computing: backprop by the chain rule, not by autograd. A probe inside
the student's process cannot hold such a rule alone: the student's code ran there first and could
save, patch or thread around whatever the probe uses. So a rule holds in two parts, both decided
before any of the student's code runs where it is graded:

- here, `check` reads the answer cell's code (ast, never run): it may not name the machinery the
  rule forbids (`Machinery.names`), nor reach a name any way this reading cannot follow (getattr
  of a computed name, eval, exec, imports outside a short list, dunder and private attributes,
  frames, threads, pickles), nor set an attribute of anything but `self` (patching), nor use a name
  that another cell defines;
- answer_alone.py then runs that cell alone in a fresh student process, after the machinery's
  `lockdown` (grader code) has switched it off there, so what the hidden tests grade was computed
  by that cell under the rule, with nothing an earlier cell prepared.

The hidden tests say which rule their task keeps (content); the machinery of torch is the engine's.
"""
from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass

from autograder.checks import CheckFailed


class RuleBroken(CheckFailed):
    """The answer breaks its task's rule on how; the text names the rule and the line."""


@dataclass(frozen=True)
class Machinery:
    """A way of computing that a task can forbid: the names that reach it, and grader code that
    switches it off in a student process before the answer cell runs there."""

    what: str  # in words, for the student: "autograd"
    names: str  # a regular expression over attribute, import, keyword and getattr names
    lockdown: str = ""  # run with `Student.define` (torch and nn imported); raises `refusal` when reached
    refusal: str = ""  # the text the lockdown's refusals raise with


@dataclass(frozen=True)
class Rule:
    """A task's rule on how: what its answer cell defines (for messages), the machinery it forbids
    (None: only what every rule refuses, reach and patching) and, in the task's words, what to do instead."""

    task: str
    forbids: Machinery | None
    why: str


# The modules an answer graded under a rule may import, and the names it finds without a cell
# of its own (the prelude answer_alone.py runs): the notebooks' setup imports them.
IMPORTABLE = frozenset({"math", "torch", "torch.nn", "torch.nn.functional", "numpy"})
PRELUDE = "import torch\nimport torch.nn as nn\n"
PRELUDE_NAMES = frozenset({"torch", "nn"})

# Builtins that reach objects by a name computed at run time, change other objects' attributes,
# or run code this reading never sees. getattr and hasattr are allowed with a literal name only.
DYNAMIC_BUILTINS = frozenset({"eval", "exec", "compile", "__import__", "globals", "locals", "vars", "setattr",
                              "delattr", "breakpoint", "open", "input", "help", "exit", "quit", "memoryview",
                              "copyright", "credits", "license"})
LITERAL_ONLY = frozenset({"getattr", "hasattr"})
BUILTIN_NAMES = frozenset(dir(builtins)) - DYNAMIC_BUILTINS
# Attributes that lead to the interpreter's machinery (modules by name, frames, threads, processes,
# code loaded from bytes or strings), whichever object they hang from: torch.sys, numpy.ctypeslib,
# a generator's frame. Dunder and private attributes (`_C`, `__dict__`) are refused as well.
ESCAPES = re.compile(r"(sys|os|builtins|importlib|imp|ctypes|ctypeslib|gc|threading|multiprocessing|"
                     r"subprocess|inspect|pickle|marshal|types|modules|ops|library|jit|fx|hub|package|load|"
                     r"loads|cpp_extension|utils|overrides|export|compiler|compile|classes|distributed|"
                     r"serialization|f2py|distutils|(gi|cr|ag|tb|f|co)_\w+)")
ALLOWED_DUNDERS = frozenset({"__init__"})
MAX_ANSWER_CHARS = 100_000  # an answer is a few lines; ast would hold a notebook-sized cell many times over
UNREADABLE = "which reaches code by ways the grader cannot check (so a task with a rule on how may not)"


def check(code: str, rule: Rule) -> None:
    """Raise RuleBroken, naming the first line that breaks `rule`, unless `code` (an answer cell) keeps it."""
    if len(code) > MAX_ANSWER_CHARS:
        raise RuleBroken(f"{rule.task} has an answer cell of {len(code)} characters, more than the {MAX_ANSWER_CHARS} "
                         f"the grader reads for a task with a rule on how: {rule.why}")
    try:
        tree = ast.parse(code)
    except (RecursionError, MemoryError, ValueError):  # nested past the parser's depth; a NUL character
        raise RuleBroken(f"{rule.task} has an answer cell that could not be read as Python: {rule.why}") from None
    except SyntaxError as exc:
        raise RuleBroken(f"{rule.task} has a line that is not plain Python in line {exc.lineno} of its answer cell, "
                         f"where a task with a rule on how allows no magics or shell commands: {rule.why}") from None
    broken = _Reader(rule).first_break(tree)
    if broken is not None:
        line, (used, reason) = broken
        raise RuleBroken(f"{rule.task} {used} in line {line} of its answer cell, {reason}: {rule.why}")


class _Reader:
    """Finds the first node of an answer cell that breaks a rule."""

    def __init__(self, rule: Rule):
        self.rule = rule
        self.forbidden = re.compile(rule.forbids.names) if rule.forbids is not None else None

    def name_breaks(self, name: str) -> tuple[str, str] | None:
        """(what is used, why that is refused) of an attribute, import or keyword name, or None."""
        used = f"uses `{name}`"
        if self.forbidden is not None and self.forbidden.fullmatch(name):
            return used, f"and the task forbids {self.rule.forbids.what}"
        if name.startswith("__") and name.endswith("__"):
            return None if name in ALLOWED_DUNDERS else (used, UNREADABLE)
        if name.startswith("_") or ESCAPES.fullmatch(name):
            return used, UNREADABLE
        return None

    def first_break(self, tree: ast.Module) -> tuple[int, tuple[str, str]] | None:
        bound, modules = _bound(tree)
        modules |= PRELUDE_NAMES
        self.called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
            says = self.node_breaks(node, bound, modules)
            if says:
                return getattr(node, "lineno", 1), says
        return None

    def node_breaks(self, node: ast.AST, bound: set[str], modules: set[str]) -> tuple[str, str] | None:
        # Patching: an attribute set or deleted on anything but `self` (a module reached through an
        # alias or a parameter looks like any other object to this reading), a module's part.
        if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load) and _root(node) != "self":
            return f"changes `{ast.unparse(node)}`", "while an answer graded by a rule sets attributes of `self` only"
        if isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load) and _root(node) in modules:
            return f"changes `{ast.unparse(node)}`", "a module's, which an answer graded by a rule may not change"
        if isinstance(node, ast.Attribute):
            return self.name_breaks(node.attr)
        if isinstance(node, ast.keyword) and node.arg is not None:
            return self.name_breaks(node.arg)
        if isinstance(node, ast.MatchClass):  # case object(autograd=x) reads an attribute
            return next(filter(None, map(self.name_breaks, node.kwd_attrs)), None)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return self.import_breaks(node)
        if isinstance(node, ast.Name):
            return self.bare_name_breaks(node, bound)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LITERAL_ONLY \
                and node.func.id not in bound:
            name = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(name, ast.Constant) and type(name.value) is str):
                return f"calls {node.func.id}() with a name computed at run time", UNREADABLE
            return self.name_breaks(name.value)
        return None

    def import_breaks(self, node) -> tuple[str, str] | None:
        if isinstance(node, ast.ImportFrom):
            if node.level or node.module not in IMPORTABLE:
                return f"imports from `{'.' * node.level}{node.module or ''}`", f"and may import only {_importable()}"
            for alias in node.names:
                if alias.name == "*":
                    return f"imports * from `{node.module}`", UNREADABLE
                says = self.name_breaks(alias.name)
                if says:
                    return says
            return None
        for alias in node.names:
            if alias.name not in IMPORTABLE:
                return f"imports `{alias.name}`", f"and may import only {_importable()}"
        return None

    def bare_name_breaks(self, node: ast.Name, bound: set[str]) -> tuple[str, str] | None:
        name = node.id
        if name in bound or name in PRELUDE_NAMES:
            return None
        if (name.startswith("__") and name.endswith("__")) or name in DYNAMIC_BUILTINS \
                or (name in LITERAL_ONLY and id(node) not in self.called):  # g = getattr; g(torch, name)
            return f"uses `{name}`", UNREADABLE
        if name not in BUILTIN_NAMES:
            return (f"uses `{name}`", "a name from outside the cell: a task with a rule on how is graded from its "
                    "answer cell alone, with torch and nn imported")
        return None


def _importable() -> str:
    return ", ".join(sorted(IMPORTABLE))


def _root(node: ast.AST) -> str | None:
    """The name an attribute or subscript chain starts from (`torch` of torch.Tensor.backward)."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _bound(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(every name the code binds anywhere, the names it binds to modules by import)."""
    bound, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
        elif isinstance(node, ast.alias):
            name = node.asname or node.name.split(".")[0]
            bound.add(name)
            modules.add(name)
    return bound, modules


# Autograd's machinery in torch 2: reverse mode (backward, autograd.grad, the engine), grad mode,
# forward mode (dual tensors) and torch.func's transforms, which run on either.
AUTOGRAD_REFUSAL = "AUTOGRAD SWITCHED OFF"
AUTOGRAD_LOCKDOWN = f'''
import gc, sys, threading, _thread
import torch.autograd.forward_ad, torch.autograd.functional, torch.autograd.graph, torch.autograd.variable
import torch._functorch.eager_transforms, torch.func

def refuse(*args, **kwargs):
    raise RuntimeError("{AUTOGRAD_REFUSAL}: backward(), torch.autograd and torch.func are not available here")

class Refused:
    def __getattr__(self, name):
        refuse()

class RefusedEnableGrad(torch.autograd.grad_mode.enable_grad):
    """enable_grad refused when entered, not when made: modules torch imports later decorate with it."""
    def __enter__(self):
        refuse()

def grad_mode_off_only(switch):
    def switched(mode, *args, **kwargs):
        if mode:
            refuse()
        return switch(mode, *args, **kwargs)
    return switched

# Grad mode off in this thread, where the answer cell and every call of the hidden tests run, and any
# tensor a graph would save for backward refused (thread-local both: threads are refused below).
torch.set_grad_enabled(False)
torch.autograd.graph.saved_tensors_hooks(refuse, refuse).__enter__()
# Every way into the engine, grad mode and the transforms, as each module holds it: the originals are
# dropped, so nothing but a reference saved before this (there is none: the process is fresh) reaches them.
torch.autograd.variable.Variable._execution_engine = Refused()
for module, names in [
        (torch._C, ["_ImperativeEngine", "_EngineBase", "_make_dual",
                    "_enter_dual_level", "_exit_dual_level"]),
        (torch._C._functorch, ["_grad_increment_nesting", "_jvp_increment_nesting"]),
        (torch.autograd.variable, ["ImperativeEngine"]),
        (torch.autograd.graph, ["_engine_run_backward", "saved_tensors_hooks"]),
        (torch.autograd, ["backward", "grad", "_engine_run_backward"]),
        (torch.autograd.forward_ad, ["make_dual", "dual_level", "enter_dual_level"]),
        (torch.autograd.functional, ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]),
        (torch._functorch.eager_transforms, ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd",
                                             "hessian", "linearize", "_autograd_grad"]),
        (torch.func, ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "linearize"]),
        (torch.Tensor, ["backward", "requires_grad_", "retain_grad", "register_hook"]),
        (threading.Thread, ["start"]), (threading, ["_start_new_thread"]),
        (_thread, ["start_new_thread", "start_new"]),
        (gc, ["get_objects", "get_referrers", "get_referents"])]:
    for name in names:
        if hasattr(module, name):
            setattr(module, name, refuse)
for module in (torch, torch.autograd, torch.autograd.grad_mode):
    module.enable_grad = RefusedEnableGrad
# no_grad and inference_mode switch grad mode off and back: only switching it on is refused
for module, name in [(torch._C, "_set_grad_enabled"), (torch, "set_grad_enabled"),
                     (torch.autograd, "set_grad_enabled"), (torch.autograd.grad_mode, "set_grad_enabled")]:
    setattr(module, name, grad_mode_off_only(getattr(module, name)))
'''
AUTOGRAD = Machinery(
    "autograd (backward(), torch.autograd, torch.func, requires_grad)",
    r"(?i)(?!no_grad$|is_grad_enabled$).*(grad|backward).*|func|functorch|vjp|jvp|jacrev|jacfwd|hessian|"
    r"linearize|forward_ad|make_dual|unpack_dual|dual_level|Function|saved_tensors_hooks",
    AUTOGRAD_LOCKDOWN, AUTOGRAD_REFUSAL)
