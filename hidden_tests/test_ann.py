"""Hidden tests of source/ann/ann.ipynb; the oracle is solutions/ann.py.

The forward pass is graded by loading the oracle's weights into the student's model (by name
when the student's layers have the task's names, whatever order they were declared in; else by
parameter order) and comparing outputs on hidden inputs.
"""
import pytest
import torch

from autograder.checks import expect_int, expect_number, expect_sequence, expect_tensor, fail
from solutions import ann as reference

LINEAR_RELU_LINEAR = [(3, 1), (3,), (1, 3), (1,)]


# Grader code run in the worker: the gradients backward() left on a model's parameters, by name.
PARAMETER_GRADIENTS = ("def parameter_gradients(model):\n"
                       "    return [(name, p.grad) for name, p in model.named_parameters()]\n")


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
    def test_gradients_reach_the_parameters(self, student, device):
        """The network is trained by backpropagation: backward() from its output must reach every
        layer's weight and bias, with the gradients of the reference network."""
        model = seeded_model(reference.ANN, 6, device)
        remote = student.keep("ANN")
        what = "ANN()"
        load_reference_weights(student, remote, model, what)
        student.call(remote.attr("to"), device)
        x, upstream = hidden_batch(16, device), hidden_batch(17, device)
        output = student.keep(remote, x)
        if output.type_name != "torch.Tensor":
            fail(f"{what}: the output should be a torch.Tensor, got {output.type_name}")
        if student.get(output.attr("requires_grad")) is not True:
            fail(f"{what}: your forward's output is cut off from the network's graph (.detach(), .data, or the "
                 "forward pass under torch.no_grad()?): backpropagation cannot reach the layers' weights, so the "
                 "network could not learn")
        student.call(output.attr("backward"), upstream)
        got = student.call(student.define(PARAMETER_GRADIENTS, "parameter_gradients"), remote)
        model(x).backward(upstream)
        wanted = dict(model.named_parameters())
        if type(got) is not list or not all(type(pair) is tuple and len(pair) == 2 for pair in got):
            fail(f"{what}: the parameters' gradients could not be read back")
        if len(got) != len(wanted):
            fail(f"{what}: expected {len(wanted)} parameters, got {len(got)}")
        names = [name for name, _ in got]
        # by name when the layers have the task's names, else in order (as the weights were loaded)
        pairs = zip(names, got) if set(names) == set(wanted) else zip(wanted, got)
        for want_name, (name, grad) in pairs:
            if grad is None:
                fail(f"{what}: backward() from the output left {name}.grad empty: is that layer used in forward?")
            expect_tensor(grad, wanted[want_name].grad.detach(), f"{what}: the gradient backpropagation gives {name}")

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


def expect_count(got, want: int, what: str):
    """The task: the number of parameter entries "as an int" (not a float, not a tensor)."""
    hint = " (.numel() gives an int; a tensor's .item() an int too)" if type(got) is not int else ""
    expect_int(got, 0, 10 ** 9, f"{what}{hint}")
    expect_number(got, float(want), what, rtol=0, atol=0)


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
        expect_count(student.call("count_parameters", remote), reference.count_parameters(local),
                     f"count_parameters of {local}".replace("\n", " "))

    def test_the_lesson_network(self, student):
        lesson_network = student.keep(student.define_reference(reference.ANN))  # the student's ANN is another task
        expect_count(student.call("count_parameters", lesson_network), reference.count_parameters(reference.ANN()),
                     "count_parameters(ANN())")


def linear_pair(seed, sizes):
    """Two Linear layers (n_in -> n_mid -> n_out) with seeded weights, on the cpu."""
    torch.manual_seed(seed)
    n_in, n_mid, n_out = sizes
    return torch.nn.Linear(n_in, n_mid), torch.nn.Linear(n_mid, n_out)


def remote_copy(student, layer, device):
    """The same Linear layer, built in the student's process and moved to `device`."""
    remote = student.keep("torch.nn.Linear", layer.in_features, layer.out_features)
    student.call(remote.attr("load_state_dict"), layer.state_dict())
    student.call(remote.attr("to"), device)
    return remote


def usable(value, shape):
    return (isinstance(value, torch.Tensor) and tuple(value.shape) == shape and not value.is_meta
            and bool(torch.isfinite(value).all()))


def name_merge_mistakes(weight, bias, first, second):
    """Name the usual mistakes, before the comparison that grades (it fails on them anyway)."""
    w1, b1, w2, b2 = (t.detach().cpu() for t in (first.weight, first.bias, second.weight, second.bias))
    n_out, n_in = w2.shape[0], w1.shape[1]
    if usable(weight, (n_out, n_in)) and w1.shape == w2.shape:
        got = weight.detach().cpu()
        if torch.allclose(got, w1 @ w2, atol=1e-5) and not torch.allclose(w1 @ w2, w2 @ w1, atol=1e-5):
            fail("merge_linear: the merged weight is first.weight @ second.weight; the layer applied last comes "
                 "first in the product: second.weight @ first.weight")
    if usable(bias, (n_out,)):
        got = bias.detach().cpu()
        if torch.allclose(got, b2, atol=1e-5):
            fail("merge_linear: the merged bias is second.bias alone; first.bias passes through second.weight "
                 "too: second.weight @ first.bias + second.bias")
        if torch.allclose(got, w2 @ b1, atol=1e-5):
            fail("merge_linear: the merged bias misses second.bias: second.weight @ first.bias + second.bias")
        if b1.shape == b2.shape and torch.allclose(got, b1 + b2, atol=1e-5):
            fail("merge_linear: the merged bias is first.bias + second.bias; first.bias is multiplied by "
                 "second.weight on its way: second.weight @ first.bias + second.bias")


class TestMergeLinear:
    @pytest.mark.parametrize("sizes, seed", [((2, 3, 1), 1), ((4, 5, 3), 2), ((3, 3, 3), 3)],
                             ids=["2-3-1", "4-5-3", "square"])
    def test_one_layer_equals_the_two(self, student, device, sizes, seed):
        first, second = linear_pair(seed, sizes)
        what = f"merge_linear(Linear({sizes[0]}, {sizes[1]}), Linear({sizes[1]}, {sizes[2]}))"
        got = student.call("merge_linear", remote_copy(student, first, device), remote_copy(student, second, device))
        weight, bias = expect_sequence(got, 2, what, "(weight, bias)")
        name_merge_mistakes(weight, bias, first, second)
        want_weight, want_bias = reference.merge_linear(first.to(device), second.to(device))
        expect_tensor(weight, want_weight, f"{what}: the weight")
        expect_tensor(bias, want_bias, f"{what}: the bias")
