"""What keeps a grading run's start-up short (docs/speed.md): checked as mechanisms, not timed."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

from conftest import ROOT


def _fresh(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_no_grammar_compiled_at_nbgrader_import():
    """rfc3987-syntax (an optional extra of jsonschema) compiles a grammar on import: ./kit setup removes it."""
    assert importlib.util.find_spec("rfc3987_syntax") is None, "run ./kit setup: it uninstalls rfc3987-syntax"


def test_loading_the_nbgrader_config_imports_no_torch():
    """nbgrader_config.py starts the sandbox before the grader's own torch import, so importing the
    modules it names must not import torch (or anything else heavy of the engine)."""
    out = _fresh("import sys\nfrom autograder.nbgrader import preprocessors, exporters, startup_hooks\n"
                 "print(sorted(m for m in ('torch', 'pytest', 'matplotlib') if m in sys.modules))")
    assert out == "[]", out


def test_nbgrader_autograde_starts_the_sandbox_when_it_loads_its_config(tmp_path):
    """As `nbgrader autograde` loads nbgrader_config.py, the zygote is started and the hidden tests
    begin to load; any other nbgrader command starts nothing."""
    code = ("import sys, time\nsys.argv = ['{argv0}', '{command}']\n"
            "from traitlets.config.loader import PyFileConfigLoader\n"
            "PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
            "from autograder.grading.run import GradingRun\n"
            "started = GradingRun.instance().sandbox\n"
            "print(started is not None and started.alive)\n")
    assert _fresh(code.format(argv0="/venv/bin/nbgrader", command="autograde")) == "True"
    assert _fresh(code.format(argv0="/venv/lib/nbgrader/__main__.py", command="autograde")) == "True"
    assert _fresh(code.format(argv0="/venv/bin/nbgrader", command="generate_assignment")) == "False"


def test_nbgrader_autograde_of_one_set_collects_that_sets_hidden_tests_alone():
    """`nbgrader autograde tensors` collects hidden_tests/test_tensors.py, not every set's file
    (a third of a second of every run); an option before the assignment is skipped."""
    code = ("import sys, time\nsys.argv = ['/venv/bin/nbgrader', 'autograde', '--force', 'tensors']\n"
            "from traitlets.config.loader import PyFileConfigLoader\n"
            "PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
            "from autograder.grading.run import GradingRun\n"
            "run = GradingRun.instance()\n"
            "for _ in range(600):\n"
            "    with run.lock:\n"
            "        if run.hidden_tests:\n"
            "            break\n"
            "    time.sleep(0.1)\n"
            "session, = run.hidden_tests.values()\n"
            "print(session.only, sorted(m for m in sys.modules if m.startswith('solutions.')))\n")
    assert _fresh(code) == "test_tensors.py ['solutions.tensors']"
