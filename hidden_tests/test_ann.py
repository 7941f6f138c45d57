"""Hidden tests of source/ann/ann.ipynb; the oracle is solutions/ann.py.

The forward pass is graded by loading the oracle's weights into the student's model (by name
when the student's layers have the task's names, whatever order they were declared in; else by
parameter order) and comparing outputs on hidden inputs.
"""
import pytest
import torch

from autograder.checks import expect_number, expect_tensor, fail
from solutions import ann as reference

LINEAR_RELU_LINEAR = [(3, 1), (3,), (1, 3), (1,)]


def seeded_model(factory, seed, device):
    torch.manual_seed(seed)
    return factory().to(device)


def hidden_batch(seed, device, n=25):
    generator = torch.Generator().manual_seed(seed)
    return (torch.randn(n, 1, generator=generator) * 2).to(device)


def load_reference_weights(student, remote, model, what):
    """Give the student's model the oracle model's weights, matched by name (the task names the
    layers), else by order; their shapes must agree."""
    state = student.call(remote.attr("state_dict"))
    if type(state) is not dict or not all(isinstance(t, torch.Tensor) for t in state.values()):
        fail(f"{what}: expected an nn.Module, got {remote.type_name}")
    wanted = model.state_dict()
    if set(state) == set(wanted):  # the task's layer names, in any order
        shapes, weights = {k: tuple(t.shape) for k, t in state.items()}, wanted
        if shapes != {k: tuple(t.shape) for k, t in wanted.items()}:
            fail(f"{what}: expected hidden_layer = Linear(1, 3) and output_layer = Linear(3, 1), got parameters "
                 f"of shapes {shapes}")
    else:
        shapes = [tuple(t.shape) for t in state.values()]
        if shapes == [LINEAR_RELU_LINEAR[0], LINEAR_RELU_LINEAR[2]]:
            fail(f"{what}: your layers have weights but no biases (shapes {shapes}): nn.Linear(n_in, n_out) keeps its "
                 "bias unless bias=False is passed")
        if shapes != LINEAR_RELU_LINEAR:
            fail(f"{what}: expected parameters of shapes {LINEAR_RELU_LINEAR} (Linear(1, 3) then Linear(3, 1)), "
                 f"got {shapes}")
        weights = dict(zip(state, wanted.values()))
    student.call(remote.attr("load_state_dict"), weights)


def check_forward(student, remote, model, device, seed, what):
    load_reference_weights(student, remote, model, what)
    student.call(remote.attr("to"), device)
    x = hidden_batch(seed, device)
    got = student.call(remote, x)
    want = model(x).detach()
    if isinstance(got, torch.Tensor) and got.shape == want.shape:
        hidden = model[0] if isinstance(model, torch.nn.Sequential) else model.hidden_layer
        output = model[2] if isinstance(model, torch.nn.Sequential) else model.output_layer
        linear_only = output(hidden(x)).detach()
        if torch.allclose(got.detach().cpu(), linear_only.cpu(), atol=1e-5) and not torch.allclose(want, linear_only):
            fail(f"{what}: the outputs are those of the two layers without an activation: apply ReLU to "
                 "the hidden layer's output")
    expect_tensor(got, want, f"{what}: outputs for a batch of shape {tuple(x.shape)} with the reference weights")


class TestModule:
    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_forward_with_reference_weights(self, student, device, seed):
        remote = student.keep("ANN")
        check_forward(student, remote, seeded_model(reference.ANN, seed, device), device, seed + 10, "ANN()")

    @pytest.mark.side
    def test_is_a_module_with_the_lesson_layers(self, student):
        remote = student.keep("ANN")
        for name, (n_in, n_out) in (("hidden_layer", (1, 3)), ("output_layer", (3, 1))):
            layer = student.keep(remote.attr("__getattr__"), name)
            if layer.type_name != "torch.nn.modules.linear.Linear":
                fail(f"ANN().{name} should be an nn.Linear, got {layer.type_name}")
            got = (student.get(layer.attr("in_features")), student.get(layer.attr("out_features")))
            if got != (n_in, n_out):
                fail(f"ANN().{name} should be nn.Linear({n_in}, {n_out}), got nn.Linear{got}")


class TestSequential:
    @pytest.mark.parametrize("seed", [4, 5])
    def test_forward_with_reference_weights(self, student, device, seed):
        remote = student.keep("make_sequential")
        if remote.type_name != "torch.nn.modules.container.Sequential":
            fail(f"make_sequential() should return an nn.Sequential, got {remote.type_name}")
        model = seeded_model(reference.make_sequential, seed, device)
        check_forward(student, remote, model, device, seed + 10, "make_sequential()")

    @pytest.mark.side
    def test_layers(self, student):
        remote = student.keep("make_sequential")
        count = student.call(remote.attr("__len__"))
        kinds = [student.keep(remote.attr("__getitem__"), i).type_name.rsplit(".", 1)[-1]
                 for i in range(count if type(count) is int else 0)]
        if kinds != ["Linear", "ReLU", "Linear"]:
            fail(f"make_sequential() should hold the layers Linear, ReLU, Linear, got {kinds or 'none'}")


class TestCountParameters:
    @pytest.mark.parametrize("layers", [
        [("Linear", 5, 2)],
        [("Linear", 4, 8), ("ReLU",), ("Linear", 8, 2)],
        [("Conv2d", 3, 4, 3)],
        [("Linear", 10, 10, False)],
        [("Linear", 3, 4), ("BatchNorm1d", 4), ("ReLU",)],
    ], ids=["linear", "sequential", "conv", "no-bias", "with-buffers"])
    def test_models_built_here(self, student, layers):
        built = [student.keep(f"torch.nn.{name}", *args) for name, *args in layers]
        remote = built[0] if len(built) == 1 else student.keep("torch.nn.Sequential", *built)
        local_layers = [getattr(torch.nn, name)(*args) for name, *args in layers]
        local = local_layers[0] if len(local_layers) == 1 else torch.nn.Sequential(*local_layers)
        expect_number(student.call("count_parameters", remote), float(reference.count_parameters(local)),
                      f"count_parameters of {local}".replace("\n", " "), rtol=0, atol=0)

    def test_the_lesson_network(self, student):
        lesson_network = student.keep(student.define_reference(reference.ANN))  # the student's ANN is another task
        expect_number(student.call("count_parameters", lesson_network),
                      float(reference.count_parameters(reference.ANN())), "count_parameters(ANN())", rtol=0, atol=0)
