"""Mutation testing of the hidden tests (autograder/authoring/mutants.py): mutants of every reference
answer are graded through nbgrader, one run per set, and each set's hidden tests must kill at least
95% of the mutants that are not listed as equivalent in hidden_tests/equivalent_mutants.toml."""
from __future__ import annotations

import pytest

from autograder.authoring import corpus, mutants
from conftest import LANES, ROOT

pytestmark = pytest.mark.slow  # nbgrader runs: not in ./kit test --fast

SETS = corpus.assignments(ROOT)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, mutants.SetResult]:
    graded = mutants.run(SETS, ROOT, scratch=tmp_path_factory.mktemp("mutants"), workers=LANES)
    return {r.assignment: r for r in graded}


def test_each_operator_the_issue_asks_for_makes_its_mutants():
    task = mutants.code_task(
        "def f(model, X, lr):\n"
        "    torch.manual_seed(0)\n"
        "    noise = torch.randn(3)\n"
        "    other = torch.randn(3) * 2\n"
        "    model.zero_grad()\n"
        "    with torch.no_grad():\n"
        "        y = model(X).detach().to(X.device)\n"
        "    return float(y.sum().item()) < lr, sorted(set(noise.tolist()))\n")
    changes = {(m.operator, m.change) for m in mutants.task_mutants(task, {"X"})}
    for operator, change in [
        ("constant", "0 -> 1"), ("operator", "Mult -> Div in torch.randn(3) * 2"), ("operator", "Lt -> LtE in "
         "float(y.sum().item()) < lr"), ("call-removed", ".item() removed from y.sum().item()"),
        ("call-removed", "float(...) removed from float(y.sum().item())"),
        ("call-removed", "sorted(...) removed from sorted(set(noise.tolist()))"),
        ("call-removed", "set(...) removed from set(noise.tolist())"), ("call-removed", ".detach() removed from "
         "model(X).detach()"), ("call-removed", ".to(...) removed from model(X).detach().to(X.device)"),
        ("return", "return (float(y.sum().item()) < lr, sorted(set(noise.tolist()))) -> return None"),
        ("return", "return (float(y.sum().item()) < lr, sorted(set(noise.tolist()))) -> return model"),
        ("global-argument", "parameter X read from the notebook's global X"),
        ("torch-habit", "manual_seed removed: torch.manual_seed(0)"),
        ("torch-habit", "zero_grad removed: model.zero_grad()"),
        ("torch-habit", "no_grad removed: its body runs with autograd on"),
        ("random-reused", "random draw reused: torch.randn(3) -> noise"),
        ("statement-dropped", "dropped: other = torch.randn(3) * 2"),
    ]:
        assert (operator, change) in changes, (operator, change, sorted(changes))
    # no global-argument for a parameter that the notebook has no global of; no duplicates
    assert not any(m.operator == "global-argument" and "lr" in m.change for m in mutants.task_mutants(task, {"X"}))
    codes = [m.code for m in mutants.task_mutants(task, {"X"})]
    assert len(codes) == len(set(codes)) and task.original not in codes


def test_issue_35s_operators_make_their_mutants():
    """An asymmetric loss's arguments swapped, a dtype changed, a dimension squeezed, a new tensor made on
    the default device instead of the input's."""
    task = mutants.code_task(
        "def f(loss_fn, y_hat, y, params):\n"
        "    leaf = torch.tensor(1.0, dtype=torch.float32)\n"
        "    step = torch.zeros_like(y_hat)\n"
        "    ones = y.new_ones(3)\n"
        "    for p in params:\n"
        "        p.grad.zero_()\n"
        "    return loss_fn(y_hat + step, y) * leaf.double() + ones.sum()\n")
    made = {m.operator: [] for m in mutants.task_mutants(task, set())}
    for m in mutants.task_mutants(task, set()):
        made[m.operator].append(m.code)
    expected = {
        "argument-swap": "return loss_fn(y, y_hat + step) * leaf.double() + ones.sum()",
        "dtype": "leaf = torch.tensor(1.0, dtype=torch.float64)",
        "squeezed": "return (loss_fn(y_hat + step, y) * leaf.double() + ones.sum()).squeeze()",
        "default-device": "p.grad = torch.zeros(p.grad.shape)",
    }
    for operator, line in expected.items():
        assert any(line in code for code in made.get(operator, [])), (operator, made.get(operator))
    assert any("leaf.float()" in code for code in made["dtype"])
    assert any("step = torch.zeros(y_hat.shape)" in code for code in made["default-device"])
    assert any("ones = torch.ones(3)" in code for code in made["default-device"])
    # only a function the task passes in has its arguments swapped, not torch's own calls
    assert not any("torch.tensor(dtype" in code for code in made["argument-swap"])


def test_only_the_solution_region_is_mutated():
    # ann-answer's class line, docstring, method signatures and super().__init__() lie outside its regions
    ann = [m for m in mutants.mutants("ann", ROOT) if m.answer == "ann-answer"]
    outside = [line for line in ann[0].original.splitlines()
               if line.strip().startswith(("class ", "def ", '"""', "super()"))]
    assert len(outside) == 5 and len(ann) > 10
    for m in ann:
        assert all(line in m.code.splitlines() for line in outside), m.diff


def test_the_equivalents_file_is_readable_and_every_entry_has_a_reason():
    listed = mutants.read_equivalents(ROOT)
    assert set(listed) <= set(SETS)
    for entries in listed.values():
        assert all(e.reason and len(e.mutant) == 12 for e in entries)
        assert len({e.ident for e in entries}) == len(entries)


@pytest.mark.parametrize("assignment", SETS)
def test_the_hidden_tests_kill_95_percent_of_the_mutants(results, assignment):
    result = results[assignment]
    report = mutants.format_report([result])
    assert not result.unjudged, report
    assert not result.stale, report
    assert not result.leaks, report
    assert result.score >= mutants.MIN_SCORE, report
