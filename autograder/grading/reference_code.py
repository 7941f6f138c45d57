"""The course's reference code, recognised in what the grader sends into a student's process.

Hidden tests hand the student's process code of the grader's own (`Student.define`): a stand-in loss,
a network with the interface a test needs. Whatever that process receives, the student can read, so
the course's reference solutions must never travel that way. `ReferenceCode` holds every function and
class of the course's modules that the hidden tests import (the solutions: the hidden tests' own folder
is the grader's code), each in a normalized form, and names those that a piece of grader code repeats.

Normalized: docstrings dropped, and the names the code binds itself (its own name, its arguments and
variables, the attributes it assigns) replaced in order of first use, so that a renamed copy is still
the same code. Names it only uses (torch.relu, nn.Linear) are kept: they are what the code does.
"""
from __future__ import annotations

import ast
import copy
from collections.abc import Iterable, Iterator
from pathlib import Path

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
MAX_REMEMBERED = 1024  # pieces of grader code whose verdict ReferenceCode keeps


def definitions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    """(qualified name, node) of every function and class in `tree`, nested ones (methods) too."""
    for node in ast.iter_child_nodes(tree):
        name = prefix
        if isinstance(node, DEFINITIONS):
            name = f"{prefix}{node.name}"
            yield name, node
            name += "."
        yield from definitions(node, name)


def _bound_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(names, attributes) that the code in `tree` binds itself."""
    names, attributes = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, DEFINITIONS):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            attributes.add(node.attr)
    return names, attributes


def normalized(definition: ast.AST) -> str:
    """A function's or class's code with docstrings dropped and its own names replaced (see above)."""
    tree = copy.deepcopy(definition)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (*DEFINITIONS, ast.Module)) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    names, attributes = _bound_names(tree)
    renamed: dict[tuple[str, str], str] = {}

    def rename(kind: str, name: str) -> str:
        return renamed.setdefault((kind, name), f"_{kind}{len(renamed)}")

    for node in ast.walk(tree):
        if isinstance(node, DEFINITIONS):
            node.name = rename("n", node.name)
        elif isinstance(node, ast.arg):
            node.arg = rename("n", node.arg)
        elif isinstance(node, ast.Name) and node.id in names:
            node.id = rename("n", node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            node.name = rename("n", node.name)
        elif isinstance(node, ast.Attribute) and node.attr in attributes:
            node.attr = rename("a", node.attr)
    return ast.dump(tree, annotate_fields=False, include_attributes=False)


class ReferenceCode:
    """The functions and classes of the course's reference modules, normalized."""

    def __init__(self, sources: dict[str, str]):
        """`sources`: {label (a file's name), Python source}."""
        self.known: dict[str, str] = {}  # normalized code -> "label: name"
        # what repeated_in found for each piece of grader code: a test defines the same few pieces for
        # every notebook, and parsing them again cost more than the request that sends them
        self._found: dict[str, list[str]] = {}
        for label, text in sources.items():
            try:
                tree = ast.parse(text)
            except SyntaxError:  # a module that does not parse was never imported by the hidden tests
                continue
            for name, node in definitions(tree):
                self.known.setdefault(normalized(node), f"{label}: {name}")

    @classmethod
    def of_files(cls, files: Iterable[Path]) -> "ReferenceCode":
        return cls({f"{Path(path).parent.name}/{Path(path).name}": Path(path).read_text(encoding="utf-8", errors="replace")
                    for path in files})

    def repeated_in(self, code: str) -> list[str]:
        """The reference functions and classes that `code` defines again ("label: name"), names and docstrings aside."""
        if code not in self._found:
            if len(self._found) >= MAX_REMEMBERED:  # code a test writes anew each time is not kept for the run
                self._found.clear()
            self._found[code] = self._repeated_in(code)
        return list(self._found[code])

    def _repeated_in(self, code: str) -> list[str]:
        try:
            tree = ast.parse(code)
        except SyntaxError:  # it cannot run in the student's process either
            return []
        return sorted({self.known[key] for _, node in definitions(tree) if (key := normalized(node)) in self.known})
