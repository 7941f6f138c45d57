"""The sandbox package's shape: what is bound into the sandbox, what its files import, one module per job."""
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
# imported by the grader as modules of autograder.sandbox.inside: no sibling import would resolve there
IMPORTED_BY_THE_GRADER = {"wire", "cgroups", "gpu_memory", "lazy_dynamo"}


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            names.add(node.module.split(".")[0])
    return names


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
            assert not imported & siblings, f"{path.name} imports a sibling, but the grader imports it too"


def test_no_module_of_the_sandbox_is_over_400_lines():
    sizes = {str(path.relative_to(PACKAGE)): len(path.read_text().splitlines()) for path in PACKAGE.rglob("*.py")}
    assert all(lines <= 400 for lines in sizes.values()), sizes


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
