"""The mutation operators of authoring/mutants.py: the changes each operator makes at a site of a
reference answer's syntax tree (`OPERATORS`; the sites and the edit: mutation_sites.py).
"""
from __future__ import annotations

import ast
import copy
from typing import Callable, Iterator

from autograder.authoring.mutation_sites import Edit, Site

RANDOM_DRAWS = {"randn", "rand", "randint", "randn_like", "rand_like", "randint_like", "normal", "randperm"}
# Methods whose call can be removed (`x.item()` -> `x`), builtins likewise (`sorted(x)` -> `x`)
REMOVABLE_METHODS = {"item", "detach", "to", "clone", "requires_grad_", "float", "cpu", "contiguous", "tolist"}
REMOVABLE_BUILTINS = {"float", "int", "sorted", "set", "list", "tuple", "abs"}
# torch names swapped for a neighbour that students confuse with them
SWAPS = {"sum": "mean", "mean": "sum", "zeros": "ones", "ones": "zeros", "rand": "randn", "randn": "rand",
         "sin": "cos", "cos": "sin", "exp": "log", "matmul": "mul", "mm": "mul", "min": "max", "max": "min",
         "relu": "sigmoid", "ReLU": "Sigmoid", "MSELoss": "L1Loss", "SGD": "Adam"}
BINOPS = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult],
          ast.FloorDiv: [ast.Div], ast.Mod: [ast.Mult], ast.Pow: [ast.Mult], ast.MatMult: [ast.Mult]}
COMPARES = {ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq], ast.Lt: [ast.LtE, ast.Gt], ast.LtE: [ast.Lt],
            ast.Gt: [ast.GtE, ast.Lt], ast.GtE: [ast.Gt], ast.In: [ast.NotIn], ast.NotIn: [ast.In],
            ast.Is: [ast.IsNot], ast.IsNot: [ast.Is]}

Operator = Callable[[Site], Iterator[tuple[str, Edit]]]  # yields (change, edit) pairs at a site


def _src(node: ast.AST) -> str:
    return ast.unparse(node)


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        return node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
    return None


def _params(function: ast.FunctionDef | None) -> list[str]:
    if function is None:
        return []
    names = [a.arg for a in function.args.posonlyargs + function.args.args + function.args.kwonlyargs]
    return names[1:] if names and names[0] == "self" else names


def op_constant(site: Site):
    node = site.node
    if not isinstance(node, ast.Constant):
        return
    value = node.value
    if isinstance(value, bool):
        yield f"{value} -> {not value}", lambda n: ast.Constant(not value)
    elif isinstance(value, (int, float)):
        yield f"{value!r} -> {value + 1!r}", lambda n: ast.Constant(value + 1)
        if value != 0:
            yield f"{value!r} -> 0", lambda n: ast.Constant(type(value)(0))
    elif isinstance(value, str) and value:
        yield f"{value!r} -> ''", lambda n: ast.Constant("")


def op_operator(site: Site):
    node = site.node
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        for new in BINOPS.get(type(node.op), []):
            def edit(n, new=new):
                n.op = new()
                return n
            yield f"{type(node.op).__name__} -> {new.__name__} in {_src(node)}", edit
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            for new in COMPARES.get(type(op), []):
                def edit(n, i=i, new=new):
                    n.ops[i] = new()
                    return n
                yield f"{type(op).__name__} -> {new.__name__} in {_src(node)}", edit
    elif isinstance(node, ast.BoolOp):
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        def edit(n):
            n.op = new()
            return n
        yield f"{type(node.op).__name__} -> {new.__name__} in {_src(node)}", edit
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        yield f"{_src(node)} -> {_src(node.operand)}", lambda n: n.operand


def op_call_removed(site: Site):
    node = site.node
    name = _call_name(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and name in REMOVABLE_METHODS:
        yield f".{name}({'...' if node.args or node.keywords else ''}) removed from {_src(node)}", lambda n: n.func.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and name in REMOVABLE_BUILTINS \
            and len(node.args) == 1 and not node.keywords:
        yield f"{name}(...) removed from {_src(node)}", lambda n: n.args[0]


def _returned(node: ast.Return) -> list[tuple[str, Callable[[ast.Return], ast.expr]]]:
    """The parts of a returned value: the value itself, or each element of a returned tuple."""
    if isinstance(node.value, ast.Tuple):
        return [(_src(e), lambda r, i=i: r.value.elts[i]) for i, e in enumerate(node.value.elts)]
    return [(_src(node.value), lambda r: r.value)] if node.value is not None else []


def op_call_added(site: Site):
    """`.detach()`, `.item()` added to what is returned, `.to("cpu")` where the function takes a device."""
    node = site.node
    if not isinstance(node, ast.Return) or node.value is None:
        return
    added = [("detach", []), ("item", [])]
    if "device" in _params(site.function):
        added.append(("to", [ast.Constant("cpu")]))
    for i, part in enumerate(node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]):
        if isinstance(part, ast.Constant):
            continue
        for method, args in added:
            def edit(r, i=i, method=method, args=args):
                wrap = lambda e: ast.Call(ast.Attribute(e, method, ast.Load()), list(args), [])  # noqa: E731
                if isinstance(r.value, ast.Tuple):
                    r.value.elts[i] = wrap(r.value.elts[i])
                else:
                    r.value = wrap(r.value)
                return r
            yield f".{method}({', '.join(map(_src, args))}) added to returned {_src(part)}", edit


def op_return(site: Site):
    node = site.node
    if not isinstance(node, ast.Return) or node.value is None:
        return
    if not (isinstance(node.value, ast.Constant) and node.value.value is None):
        yield f"return {_src(node.value)} -> return None", lambda n: ast.Return(ast.Constant(None))
    params = _params(site.function)
    if params and _src(node.value) != params[0]:
        yield f"return {_src(node.value)} -> return {params[0]}", lambda n: ast.Return(ast.Name(params[0], ast.Load()))
    if isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
        def edit(n):
            n.value.elts.reverse()
            return n
        yield f"returned pair swapped: {_src(node.value)}", edit


def op_global_argument(site: Site):
    """Each parameter that the notebook also has as a global, read from the global instead."""
    node = site.node
    if not isinstance(node, ast.FunctionDef) or site.function is not node:
        return
    for param in _params(node):
        if param not in site.globals:
            continue
        def read(v, param=param) -> bool:  # a read of the parameter inside the solution region
            return isinstance(v, ast.Name) and v.id == param and isinstance(v.ctx, ast.Load) and v.lineno in site.region

        def edit(fn, param=param, read=read):
            for n in ast.walk(fn):
                for name, value in ast.iter_fields(n):
                    if read(value):
                        setattr(n, name, _global(param))
                    elif isinstance(value, list):
                        value[:] = [_global(param) if read(v) else v for v in value]
            return fn
        yield f"parameter {param} read from the notebook's global {param}", edit


def _global(name: str) -> ast.expr:
    return ast.Subscript(ast.Call(ast.Name("globals", ast.Load()), [], []), ast.Constant(name), ast.Load())


def _is_docstring(node: ast.AST, site: Site) -> bool:
    parent = site.parents[0] if site.parents else None
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            and parent is not None and getattr(parent, "body", [None])[0] is node)


def op_statement_dropped(site: Site):
    node = site.node
    if isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.ClassDef)) \
            and not _is_docstring(node, site):
        yield f"dropped: {_src(node).splitlines()[0]}", lambda n: None


def op_torch_habits(site: Site):
    """zero_grad, no_grad and manual_seed removed."""
    node = site.node
    if isinstance(node, ast.Expr) and _call_name(node.value) in ("zero_grad", "manual_seed"):
        yield f"{_call_name(node.value)} removed: {_src(node)}", lambda n: None
    if isinstance(node, ast.With) and any(_call_name(item.context_expr) == "no_grad" for item in node.items):
        yield "no_grad removed: its body runs with autograd on", lambda n: n.body


def op_random_reused(site: Site):
    """A later random draw of a function replaced by the variable its first draw was assigned to."""
    node = site.node
    if not isinstance(node, ast.FunctionDef) or site.function is not node:
        return
    draws = [n for n in ast.walk(node) if isinstance(n, ast.Call) and _call_name(n) in RANDOM_DRAWS]
    first = next((n for n in ast.walk(node) if isinstance(n, ast.Assign) and len(n.targets) == 1
                  and isinstance(n.targets[0], ast.Name) and n.value in draws), None)
    if first is None:
        return
    variable, index = first.targets[0].id, draws.index(first.value)
    for later in range(index + 1, len(draws)):
        def edit(fn, later=later):
            target = [n for n in ast.walk(fn) if isinstance(n, ast.Call) and _call_name(n) in RANDOM_DRAWS][later]
            return _replace_in(fn, target, ast.Name(variable, ast.Load()))
        yield f"random draw reused: {_src(draws[later])} -> {variable}", edit


def op_swap(site: Site):
    """A torch name swapped for a neighbour (sum/mean, zeros/ones, rand/randn, min=/max=, ...)."""
    node = site.node
    if isinstance(node, ast.Attribute) and node.attr in SWAPS:
        def edit(n):
            n.attr = SWAPS[n.attr]
            return n
        yield f"{node.attr} -> {SWAPS[node.attr]} in {_src(node)}", edit
    elif isinstance(node, ast.keyword) and node.arg in SWAPS:
        def edit(n):
            n.arg = SWAPS[n.arg]
            return n
        yield f"keyword {node.arg}= -> {SWAPS[node.arg]}=", edit


def op_keyword_dropped(site: Site):
    node = site.node
    if isinstance(node, ast.Call):
        for i, keyword in enumerate(node.keywords):
            if keyword.arg is None:
                continue
            def edit(n, i=i):
                del n.keywords[i]
                return n
            yield f"keyword {keyword.arg}={_src(keyword.value)} dropped from {_src(node.func)}(...)", edit


def op_argument_swap(site: Site):
    """The first two arguments of a call to a function the task passes in swapped: loss_fn(y, y_hat) for
    loss_fn(y_hat, y), which only an asymmetric loss tells apart."""
    node = site.node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _params(site.function) \
            and len(node.args) >= 2 and not any(isinstance(a, ast.Starred) for a in node.args[:2]):
        def edit(n):
            n.args[0], n.args[1] = n.args[1], n.args[0]
            return n
        yield f"arguments swapped: {_src(node.func)}({_src(node.args[1])}, {_src(node.args[0])}, ...)", edit


DTYPE_SWAPS = {"float32": "float64", "float64": "float32", "float": "double", "double": "float"}


def op_dtype(site: Site):
    """A dtype changed: torch.float32 <-> torch.float64 (np likewise), .float() <-> .double()."""
    node = site.node
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("torch", "np") \
            and node.attr in ("float32", "float64"):
        def edit(n):
            n.attr = DTYPE_SWAPS[n.attr]
            return n
        yield f"dtype {_src(node)} -> {node.value.id}.{DTYPE_SWAPS[node.attr]}", edit
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("float", "double") \
            and not node.args and not node.keywords:
        def edit(n):
            n.func.attr = DTYPE_SWAPS[n.func.attr]
            return n
        yield f"dtype .{node.func.attr}() -> .{DTYPE_SWAPS[node.func.attr]}() in {_src(node)}", edit


def op_squeezed(site: Site):
    """`.squeeze()` added to what is returned: the dimensions of size 1 dropped."""
    node = site.node
    if not isinstance(node, ast.Return) or node.value is None:
        return
    for i, part in enumerate(node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]):
        if isinstance(part, (ast.Constant, ast.List, ast.ListComp)):
            continue
        def edit(r, i=i):
            wrap = lambda e: ast.Call(ast.Attribute(e, "squeeze", ast.Load()), [], [])  # noqa: E731
            if isinstance(r.value, ast.Tuple):
                r.value.elts[i] = wrap(r.value.elts[i])
            else:
                r.value = wrap(r.value)
            return r
        yield f".squeeze() added to returned {_src(part)}", edit


LIKE_FACTORIES = {"zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like"}
NEW_FACTORIES = {"new_zeros": "zeros", "new_ones": "ones", "new_empty": "empty", "new_full": "full",
                 "new_tensor": "tensor"}


def _torch(name: str) -> ast.expr:
    return ast.Attribute(ast.Name("torch", ast.Load()), name, ast.Load())


def op_default_device(site: Site):
    """A new tensor made on the default device (and dtype) instead of the input's: torch.zeros_like(x) ->
    torch.zeros(x.shape), x.new_ones(...) -> torch.ones(...), p.grad.zero_() -> p.grad = torch.zeros(p.grad.shape)."""
    node = site.node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        attr = node.func.attr
        if attr in LIKE_FACTORIES and isinstance(node.func.value, ast.Name) and node.func.value.id == "torch" \
                and node.args and not isinstance(node.args[0], ast.Starred):
            def edit(n, attr=attr):
                shape = ast.Attribute(n.args[0], "shape", ast.Load())
                return ast.Call(_torch(attr.removesuffix("_like")), [shape, *n.args[1:]], n.keywords)
            yield f"new tensor on the default device: {_src(node)} -> torch.{attr.removesuffix('_like')}(... .shape)", edit
        elif attr in NEW_FACTORIES:
            yield (f"new tensor on the default device: {_src(node)} -> torch.{NEW_FACTORIES[attr]}(...)",
                   lambda n, attr=attr: ast.Call(_torch(NEW_FACTORIES[attr]), n.args, n.keywords))
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and _call_name(node.value) == "zero_" \
            and not node.value.args and isinstance(node.value.func.value, (ast.Name, ast.Attribute)):
        target = node.value.func.value

        def edit(n):
            store = copy.deepcopy(target)
            store.ctx = ast.Store()
            shape = ast.Attribute(copy.deepcopy(target), "shape", ast.Load())
            return ast.Assign([store], ast.Call(_torch("zeros"), [shape], []), lineno=n.lineno)
        yield f"new tensor on the default device: {_src(node)} -> {_src(target)} = torch.zeros({_src(target)}.shape)", edit


# In this order: a mutant made twice keeps the first operator's name (zero_grad removed before statement dropped)
OPERATORS: dict[str, Operator] = {
    "torch-habit": op_torch_habits, "random-reused": op_random_reused, "global-argument": op_global_argument,
    "return": op_return, "call-removed": op_call_removed, "call-added": op_call_added, "constant": op_constant,
    "operator": op_operator, "swap": op_swap, "keyword-dropped": op_keyword_dropped,
    "argument-swap": op_argument_swap, "dtype": op_dtype, "squeezed": op_squeezed, "default-device": op_default_device,
    "statement-dropped": op_statement_dropped,
}


def _replace_in(tree: ast.AST, old: ast.AST, new: ast.AST) -> ast.AST:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return tree
            if isinstance(value, list) and any(v is old for v in value):
                value[:] = [new if v is old else v for v in value]
                return tree
    raise ValueError("node not found")
