"""The similarity report (autograder.classroom.similarity): a planted copy ranks first.

Five students answer the training set correctly, each in a style of their own; a sixth hands in the
fourth one's answers with every name changed and the code reformatted. Among all pairs, that
one must come first, from the command line as from the API, with its HTML report and histogram.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.classroom.similarity import similar_pairs, write_answers
from conftest import ROOT

ASSIGNMENT = "training"

STYLES = {
    "ana": {
        "data-answer": "def make_data(n):\n    X = torch.randn(n, 1)\n    Y = 3 * X + 2 + 0.1 * torch.randn(n, 1)\n    return X, Y\n",
        "train-answer": (
            "def train(model, X, Y, lr=0.01, epochs=1000):\n    criterion = nn.MSELoss()\n"
            "    optimizer = optim.SGD(model.parameters(), lr=lr)\n    losses = []\n    for epoch in range(epochs):\n"
            "        optimizer.zero_grad()\n        outputs = model(X)\n        loss = criterion(outputs, Y)\n"
            "        loss.backward()\n        optimizer.step()\n        losses.append(loss.item())\n    return losses\n"),
        "evaluate-answer": "def evaluate(model, X):\n    with torch.no_grad():\n        return model(X)\n",
        "schedule-answer": "def choose_schedule():\n    return 0.05, 1500\n",
    },
    "ben": {
        "data-answer": ("def make_data(n):\n    inputs = torch.normal(0.0, 1.0, size=(n, 1))\n    noise = torch.normal(0.0, 1.0, size=(n, 1))\n"
                        "    targets = inputs.mul(3).add(2).add(noise.mul(0.1))\n    return inputs, targets\n"),
        "train-answer": (
            "def train(model, X, Y, lr=0.01, epochs=1000):\n    opt = torch.optim.SGD(params=list(model.parameters()), lr=lr)\n"
            "    history = [0.0] * epochs\n    e = 0\n    while e < epochs:\n        for p in model.parameters():\n"
            "            p.grad = None\n        err = torch.nn.functional.mse_loss(model.forward(X), Y)\n        err.backward()\n"
            "        opt.step()\n        history[e] = float(err)\n        e += 1\n    return history\n"),
        "evaluate-answer": "def evaluate(model, X):\n    torch.set_grad_enabled(False)\n    try:\n        out = model(X)\n    finally:\n        torch.set_grad_enabled(True)\n    return out\n",
        "schedule-answer": "def choose_schedule():\n    learning_rate = 1e-1\n    n_epochs = 800\n    return (learning_rate, n_epochs)\n",
    },
    "cem": {
        "data-answer": "def make_data(n):\n    x, eps = torch.randn(2, n, 1).unbind(0)\n    return x, 3.0 * x + 2.0 + eps / 10\n",
        "train-answer": (
            "def train(model, X, Y, lr=0.01, epochs=1000):\n    sgd = optim.SGD(model.parameters(), lr)\n    mse = nn.MSELoss()\n"
            "    def one_epoch():\n        sgd.zero_grad()\n        value = mse(model(X), Y)\n        value.backward()\n"
            "        sgd.step()\n        return value.detach().cpu().item()\n    return [one_epoch() for _ in range(epochs)]\n"),
        "evaluate-answer": "@torch.no_grad()\ndef evaluate(model, X):\n    return model(X)\n",
        "schedule-answer": "def choose_schedule():\n    return [0.03, 4000]\n",
    },
    "dana": {
        "data-answer": (
            "def make_data(n):\n    features = torch.empty(n, 1).normal_()\n    jitter = torch.empty(n, 1).normal_() * 0.1\n"
            "    labels = torch.addcmul(torch.full((n, 1), 2.0), features, torch.full((n, 1), 3.0)) + jitter\n"
            "    return features, labels\n"),
        "train-answer": (
            "def train(model, X, Y, lr=0.01, epochs=1000):\n    optimiser = optim.SGD(model.parameters(), lr=lr, momentum=0.0)\n"
            "    record = []\n    for step_number in range(1, epochs + 1):\n        optimiser.zero_grad(set_to_none=True)\n"
            "        predictions = model(X)\n        residuals = predictions - Y\n        cost = (residuals * residuals).mean()\n"
            "        cost.backward()\n        optimiser.step()\n        record.append(cost.item())\n"
            "        if step_number % 250 == 0 and cost.item() != cost.item():\n            break\n    return record\n"),
        "evaluate-answer": "def evaluate(model, X):\n    with torch.inference_mode(False), torch.no_grad():\n        prediction = model(X)\n    return prediction\n",
        "schedule-answer": "def choose_schedule():\n    rate, count = 0.07, 1200\n    assert rate > 0 and isinstance(count, int)\n    return rate, count\n",
    },
    "eli": {
        "data-answer": "def make_data(n):\n    g = torch.randn(n, 2)\n    X = g[:, :1].contiguous()\n    return X, 3 * X + 2 + 0.1 * g[:, 1:].contiguous()\n",
        "train-answer": (
            "def train(model, X, Y, lr=0.01, epochs=1000):\n    loss_fn, opt = nn.MSELoss(), optim.SGD(model.parameters(), lr=lr)\n"
            "    out = []\n    for _ in range(epochs):\n        opt.zero_grad(); l = loss_fn(model(X), Y); l.backward(); opt.step()\n"
            "        out.append(l.item())\n    return out\n"),
        "evaluate-answer": "def evaluate(model, X):\n    with torch.no_grad():\n        y = model.eval()(X)\n    model.train()\n    return y\n",
        "schedule-answer": "def choose_schedule():\n    return 0.1, int(1e3)\n",
    },
}
# dana's answers with every name changed and the lines laid out anew
PLANTED = {
    "data-answer": (
        "def make_data(n):\n    inputs = torch.empty(n, 1).normal_()\n    wobble = torch.empty(n, 1).normal_() * 0.1\n"
        "    outputs = torch.addcmul(torch.full((n, 1), 2.0),\n                            inputs,\n"
        "                            torch.full((n, 1), 3.0)) + wobble\n    return inputs, outputs\n"),
    "train-answer": (
        "def train(model, X, Y, lr=0.01, epochs=1000):\n    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.0)\n"
        "    history = []\n    for k in range(1, epochs + 1):\n        opt.zero_grad(set_to_none=True)\n"
        "        guess = model(X)\n        diff = guess - Y\n        err = (diff * diff).mean()\n        err.backward()\n"
        "        opt.step()\n        history.append(err.item())\n        if k % 250 == 0 and err.item() != err.item():\n"
        "            break\n    return history\n"),
    "evaluate-answer": "def evaluate(model, X):\n    with torch.inference_mode(False), torch.no_grad():\n        yhat = model(X)\n    return yhat\n",
    "schedule-answer": "def choose_schedule():\n    step, n = 0.07, 1200\n    assert step > 0 and isinstance(n, int)\n    return step, n\n",
}


def course_with_class(target: Path) -> Path:
    (target / "release" / ASSIGNMENT).mkdir(parents=True)
    release = ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    shutil.copy(release, target / "release" / ASSIGNMENT)
    for student, answers in {**STYLES, "zed": PLANTED}.items():
        nb = nbformat.read(release, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
        folder = target / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    bad = target / "submitted" / "fay" / ASSIGNMENT
    bad.mkdir(parents=True)
    (bad / f"{ASSIGNMENT}.ipynb").write_text("{ not a notebook")
    return target


def test_the_planted_copy_ranks_first(tmp_path):
    course = course_with_class(tmp_path / "course")
    pairs, unreadable = similar_pairs(course, ASSIGNMENT, tmp_path / "report" / "report.html", top=3)
    assert unreadable == ["fay"]
    assert (pairs[0].first, pairs[0].second) == ("dana", "zed"), pairs[:4]
    assert pairs[0].score > pairs[1].score + 0.2, pairs[:4]
    assert len(pairs) == 15, "every pair of the six readable students"  # 6 * 5 / 2
    report = (tmp_path / "report" / "report.html").read_text()
    assert "dana" in report and "zed" in report


def test_the_release_code_does_not_count(tmp_path):
    course = course_with_class(tmp_path / "course")
    students, boilerplate, _ = write_answers(course, ASSIGNMENT, tmp_path / "answers")
    assert "raise NotImplementedError()" in (boilerplate / f"{ASSIGNMENT}.py").read_text()
    assert sorted(p.stem for p in students.glob("*.py")) == ["ana", "ben", "cem", "dana", "eli", "zed"]


def test_the_command_prints_the_pairs_and_writes_the_report_and_histogram(tmp_path):
    course = course_with_class(tmp_path / "course")
    shutil.copytree(ROOT / "autograder", course / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "autograder", "similarity", ASSIGNMENT, "--out", str(out), "--top", "5"],
                            cwd=course, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 5 and lines[0].split()[:2] == ["dana", "zed"], result.stdout
    scores = [float(line.split()[2]) for line in lines]
    assert scores == sorted(scores, reverse=True)
    assert "not a verdict" in result.stderr and "fay" in result.stderr
    assert (out / "report.html").stat().st_size > 1000
    assert (out / "scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
