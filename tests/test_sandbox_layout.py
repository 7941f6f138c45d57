"""The sandbox package's shape: what is bound into the sandbox and what its files import (module sizes: test_layers.py)."""
import ast
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

from autograder import sandbox
from autograder.sandbox import Limits

PACKAGE = Path(sandbox.__file__).parent
INSIDE = PACKAGE / "inside"
# imported inside the sandbox from the Python installation, besides the standard library
INSTALLED = {"torch", "IPython", "traitlets", "matplotlib", "matplotlib_inline", "numpy", "torchviz", "graphviz",
             "pynvml"}
# imported by the grader as modules of autograder.sandbox.inside: a sibling import by name would not
# resolve there, so such a file imports a sibling only through `if __package__:` (the grader's
# import, from autograder.sandbox.inside) `else:` (the sandbox's, by name), the same names both ways
IMPORTED_BY_THE_GRADER = {"wire", "codec", "cgroups", "gpu_memory", "lazy_dynamo"}
PACKAGE_NAME = "autograder.sandbox.inside"


def _package_switches(tree: ast.Module) -> list[ast.If]:
    return [node for node in tree.body if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
            and node.test.id == "__package__"]


def _imports(nodes) -> set[tuple[str, str]]:
    """(module, name) for each `from module import name` among `nodes`; anything else is refused."""
    found = set()
    for node in nodes:
        assert isinstance(node, ast.ImportFrom) and node.level == 0, ast.dump(node)[:80]
        found |= {(node.module, alias.name) for alias in node.names}
    return found


def _imported(path: Path) -> set[str]:
    """The top-level names of the modules `path` imports in the sandbox (not the grader's branch of a switch)."""
    tree = ast.parse(path.read_text())
    skipped = {id(node) for switch in _package_switches(tree) for node in switch.body}
    names = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            names.add(node.module.split(".")[0])
    return names


def _siblings_imported_by_name_only(path: Path, siblings: set[str]) -> set[str]:
    """The siblings `path` imports outside an `if __package__:` switch that imports them both ways."""
    tree = ast.parse(path.read_text())
    switched = set()
    for switch in _package_switches(tree):
        by_package = {(module.removeprefix(PACKAGE_NAME + "."), name) for module, name in _imports(switch.body)}
        by_name = _imports(switch.orelse)
        assert by_package == by_name, f"{path.name}: the two branches of `if __package__` import different names"
        switched |= {module for module, _ in by_name}
        tree.body.remove(switch)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    return (imported & siblings) - switched


def test_every_py_file_of_inside_is_bound_into_the_sandbox_and_nothing_else_of_the_kit():
    files = sorted(INSIDE.glob("*.py"))
    assert sandbox.inside_files() == files
    command = sandbox.bubblewrap_command(Limits(), None)
    bound = [command[i + 1] for i, arg in enumerate(command) if arg == "--ro-bind"]
    kit = [source for source in bound if source.startswith(str(PACKAGE.parent))]
    assert kit == [str(path) for path in files]


def test_the_files_inside_import_only_each_other_the_standard_library_torch_and_ipython():
    siblings = {path.stem for path in INSIDE.glob("*.py")}
    for path in INSIDE.glob("*.py"):
        imported = _imported(path)
        others = imported - siblings - INSTALLED - set(sys.stdlib_module_names) - {"__future__"}
        assert not others, f"{path.name} imports {others}, which the sandbox does not have"
        if path.stem in IMPORTED_BY_THE_GRADER:
            by_name = _siblings_imported_by_name_only(path, siblings)
            assert not by_name, f"{path.name} imports {by_name} by name, but the grader imports it too"


def test_the_grader_imports_the_files_it_shares_with_the_sandbox_as_the_kit_s_modules():
    """wire.py imports codec.py by name in the sandbox and as autograder.sandbox.inside.codec in the grader:
    one class of each error either way, so the grader catches what it receives."""
    from autograder.sandbox.inside import codec, wire
    assert wire.WireError is codec.WireError and wire.loads is codec.loads
    assert "codec" not in sys.modules, "the grader imported codec.py by name, outside the kit's package"


def test_the_sibling_check_can_fail(tmp_path):
    """A file the grader imports that imports a sibling by name, or through a switch whose branches differ, fails."""
    (tmp_path / "plain.py").write_text("import codec\n")
    assert _siblings_imported_by_name_only(tmp_path / "plain.py", {"codec"}) == {"codec"}
    (tmp_path / "switched.py").write_text(
        "if __package__:\n    from autograder.sandbox.inside.codec import dumps\nelse:\n    from codec import dumps\n")
    assert _siblings_imported_by_name_only(tmp_path / "switched.py", {"codec"}) == set()
    assert _imported(tmp_path / "switched.py") == {"codec"}
    (tmp_path / "uneven.py").write_text(
        "if __package__:\n    from autograder.sandbox.inside.codec import dumps\nelse:\n    from codec import loads\n")
    with pytest.raises(AssertionError, match="different names"):
        _siblings_imported_by_name_only(tmp_path / "uneven.py", {"codec"})


def test_the_package_init_modules_only_hand_names_on():
    for path in (PACKAGE / "__init__.py", INSIDE / "__init__.py"):
        for node in ast.parse(path.read_text()).body:
            docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            names = isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["__all__"]
            assert docstring or names or isinstance(node, ast.ImportFrom), f"{path}: {ast.dump(node)[:80]}"


def test_an_unknown_sandbox_backend_fails_with_a_message_that_names_the_known_ones():
    limits = Limits(config=Config({"Sandbox": {"backend": "docker"}}))
    with pytest.raises(ValueError, match=r"c\.Sandbox\.backend is 'docker'.*'bubblewrap'"):
        sandbox.start(limits)


def test_the_backend_is_chosen_by_configuration_and_bubblewrap_by_default():
    assert sandbox.Sandbox(Limits()).backend == "bubblewrap"
    assert sandbox.BACKENDS["bubblewrap"] is sandbox.BubblewrapSandbox
    assert issubclass(sandbox.BubblewrapSandbox, sandbox.Sandbox)
    assert sandbox.Sandbox(Limits(config=Config({"Sandbox": {"backend": "other"}}))).backend == "other"
