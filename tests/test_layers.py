"""The engine's imports run one way, along the flow (docs/architecture.md).

Layers, bottom to top: sandbox, checks (what hidden tests compare with), grading, nbgrader,
results, classroom, authoring, the command line. A module imports only from its own layer or
below; no import cycles (imports under `if TYPE_CHECKING:` count); package `__init__` modules only
hand names on; one job per module: none over 300 lines unless docs/architecture.md lists it with
its reason (the one line-limit rule of the engine, inside/ included).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

ENGINE = ROOT / "autograder"
LAYERS = ["sandbox", "checks", "grading", "nbgrader", "results", "classroom", "authoring", "__main__"]
MAX_LINES = 300
ARCHITECTURE = ROOT / "docs" / "architecture.md"
LONG_MODULES_HEADING = "## Modules over 300 lines"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ENGINE.rglob("*.py"))}


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def _run_at_import(tree: ast.Module):
    """The statements that run (or that a type checker reads) when the module is imported: not the
    bodies of functions, but those of `if` (TYPE_CHECKING too), `try`, `with` and classes."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            pending.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))
            pending.extend(s for handler in getattr(node, "handlers", ()) for s in handler.body)


def imported(path: Path, top_level_only: bool = False, name: str | None = None) -> set[str]:
    """The engine modules that `path` (module `name`) imports (inside functions too, unless `top_level_only`)."""
    tree = ast.parse(path.read_text())
    nodes = _run_at_import(tree) if top_level_only else ast.walk(tree)
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        found |= {name for name in names if name.startswith("autograder.") and name in MODULES}
    return found


def test_no_module_imports_from_a_layer_above_it():
    upward = [f"{source} imports {target}" for source, path in MODULES.items() if layer(source) is not None
              for target in imported(path) if layer(target) is not None and layer(target) > layer(source)]
    assert upward == [], "\n".join(upward)


def test_no_import_cycles():
    graph = {name: imported(path, top_level_only=True) - {name} for name, path in MODULES.items()}
    cycles, state = [], {}

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(graph.get(name, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == [], "\n".join(cycles)


def test_package_init_modules_only_hand_names_on():
    for path in ENGINE.rglob("__init__.py"):
        body = ast.parse(path.read_text()).body
        doing = [ast.unparse(node).splitlines()[0] for node in body[1 if body and isinstance(body[0], ast.Expr) else 0:]
                 if not isinstance(node, (ast.Import, ast.ImportFrom))
                 and not (isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["__all__"])]
        assert doing == [], f"{path.relative_to(ROOT)} does more than hand names on: {doing}"


def listed_long_modules(text: str) -> dict[str, str]:
    """The table under LONG_MODULES_HEADING in docs/architecture.md: {module path: its one-line reason}."""
    assert LONG_MODULES_HEADING in text, f"docs/architecture.md has no section {LONG_MODULES_HEADING!r}"
    section = text.split(LONG_MODULES_HEADING, 1)[1].split("\n## ", 1)[0]
    return {match[1]: match[2].strip() for match in re.finditer(r"^\| `(autograder/[\w/]+\.py)` \|(.*)\|\s*$",
                                                                 section, re.MULTILINE)}


def long_modules() -> dict[str, int]:
    return {str(path.relative_to(ROOT)): n for path in MODULES.values()
            if (n := len(path.read_text().splitlines())) > MAX_LINES}


def test_no_module_is_over_300_lines_unless_the_architecture_says_why():
    listed = listed_long_modules(ARCHITECTURE.read_text())
    unlisted = {module: n for module, n in long_modules().items() if module not in listed}
    assert unlisted == {}, (f"split these modules (one job each), or list each in docs/architecture.md under "
                            f"{LONG_MODULES_HEADING!r} with a one-line reason: {unlisted}")
    without_reason = [module for module, reason in listed.items() if len(reason) < 20]
    assert without_reason == [], f"give these modules a reason in docs/architecture.md: {without_reason}"
    stale = sorted(set(listed) - set(long_modules()))
    assert stale == [], f"these modules are 300 lines or fewer now (or gone): remove their rows: {stale}"


def test_the_layout_rules_can_fail(tmp_path):
    """The table is read as written, and an import under TYPE_CHECKING is an import for the cycle check."""
    text = (f"# A\n\n{LONG_MODULES_HEADING}\n\n| module | why |\n|---|---|\n"
            f"| `autograder/checks.py` | the comparisons hidden tests make, one family each |\n\n## Next\n"
            f"| `autograder/__main__.py` | not in the section |\n")
    assert listed_long_modules(text) == {"autograder/checks.py": "the comparisons hidden tests make, one family each"}
    (tmp_path / "typed.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                       "    from autograder.checks import close\ndef f():\n    import autograder.checks\n")
    assert imported(tmp_path / "typed.py", top_level_only=True, name="autograder.grading.typed") == {"autograder.checks"}
    (tmp_path / "late.py").write_text("def f():\n    import autograder.checks\n")
    assert imported(tmp_path / "late.py", top_level_only=True, name="autograder.grading.late") == set()


def test_the_checker_sees_an_upward_import(tmp_path):
    """The tests above can fail: what a grading module imports from results is found, relative or not."""
    (tmp_path / "fake.py").write_text("from autograder.results import model\nimport autograder.checks\n"
                                      "def f():\n    from ..results import writers\n    from . import engine\n")
    targets = imported(tmp_path / "fake.py", name="autograder.grading.fake")
    assert targets == {"autograder.results.model", "autograder.checks", "autograder.results.writers",
                       "autograder.grading.engine"}
    assert imported(tmp_path / "fake.py", top_level_only=True, name="autograder.grading.fake") == \
        {"autograder.results.model", "autograder.checks"}
    assert layer("autograder.results.model") > layer("autograder.grading.fake")
