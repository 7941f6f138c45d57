"""Hidden tests of source/ann/ann.ipynb; the oracle is solutions/ann.py.

The forward pass is graded by loading the oracle's weights into the student's model (by name
when the student's layers have the task's names, whatever they are called inside; else by
parameter order) and comparing outputs on hidden inputs, for depths 1 to 3, widths that differ,
and a slope other than the default.
"""
import pytest
import torch

from autograder.checks import expect_int, expect_number, expect_property, expect_sequence, expect_tensor, fail, kind_of
from autograder.grading.student_process import StudentCodeError
from autograder.grading.rules import AUTOGRAD, Rule
from solutions import ann as reference

# (sizes, negative_slope; None: the default) of the hidden networks: the lesson's shape with the default
# slope, depth 1 (no activation at all), depth 3 with widths that differ and a slope far from the default.
NETWORKS = [([1, 3, 1], None), ([3, 2], 0.3), ([2, 5, 4, 3], 0.2), ([1, 4, 4, 4, 1], 0.5)]
NETWORK_IDS = ["lesson-default-slope", "depth-1", "depth-3", "depth-4"]
DEFAULT_SLOPE = 0.01  # the task's words: negative_slope=0.01


# Grader code run in the worker: the gradients backward() left on a model's parameters, by name.
PARAMETER_GRADIENTS = ("def parameter_gradients(model):\n"
                       "    return [(name, p.grad) for name, p in model.named_parameters()]\n")


def args_of(sizes, slope):
    return (sizes,) if slope is None else (sizes, slope)


def described(factory, sizes, slope):
    return f"{factory}({sizes})" if slope is None else f"{factory}({sizes}, negative_slope={slope})"


def seeded_model(factory, seed, device, sizes, slope):
    torch.manual_seed(seed)
    return factory(*args_of(sizes, slope)).to(device)


def hidden_batch(seed, device, n_in, n=25):
    generator = torch.Generator().manual_seed(seed)
    return (torch.randn(n, n_in, generator=generator) * 2).to(device)


def linear_shapes(sizes):
    return [shape for n_in, n_out in zip(sizes[:-1], sizes[1:]) for shape in [(n_out, n_in), (n_out,)]]


def load_reference_weights(student, remote, model, sizes, what):
    """Give the student's model the oracle model's weights, matched by name (the task names the
    layers), else by order; their shapes must agree."""
    state = student.call(remote.attr("state_dict"))
    if type(state) is not dict or not all(isinstance(t, torch.Tensor) for t in state.values()):
        fail(f"{what}: expected an nn.Module, got {remote.type_name}")
    wanted, want_shapes = model.state_dict(), linear_shapes(sizes)
    shapes = [tuple(t.shape) for t in state.values()]
    if not shapes:
        fail(f"{what}: the model has no parameters: layers kept in a plain Python list are not registered; "
             "keep them in an nn.ModuleList")
    if shapes == [s for s in want_shapes if len(s) == 2]:
        fail(f"{what}: your layers have weights but no biases (shapes {shapes}): nn.Linear(n_in, n_out) keeps its "
             "bias unless bias=False is passed")
    if set(state) == set(wanted) and {k: tuple(t.shape) for k, t in state.items()} == {
            k: tuple(t.shape) for k, t in wanted.items()}:
        weights = wanted  # the task's names
    elif shapes == want_shapes:
        weights = dict(zip(state, wanted.values()))
    else:
        fail(f"{what}: expected the layers " + ", ".join(f"Linear({a}, {b})" for a, b in zip(sizes[:-1], sizes[1:]))
             + f", parameters of shapes {want_shapes}, got {shapes}")
    student.call(remote.attr("load_state_dict"), weights)


def linear_layers(model):
    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


def variant(model, x, slope, last=False):
    """The oracle network's output with another activation between the layers (slope None: none at all), and
    after the last layer too when `last`."""
    layers = linear_layers(model)
    for i, layer in enumerate(layers):
        x = layer(x)
        if slope is not None and (last or i + 1 < len(layers)):
            x = torch.nn.functional.leaky_relu(x, slope)
    return x.detach()


def name_forward_mistakes(got, model, x, sizes, slope, what):
    """The usual mistakes, named before the comparison that grades (it fails on them anyway)."""
    want = model(x).detach()
    if not (isinstance(got, torch.Tensor) and got.shape == want.shape and not got.is_meta):
        return
    got, slope = got.detach().cpu(), DEFAULT_SLOPE if slope is None else slope
    candidates = [(variant(model, x, None), "the outputs are those of the layers without an activation: apply a "
                   "leaky ReLU to the output of every layer but the last"),
                  (variant(model, x, slope, last=True), "a leaky ReLU follows the last layer too: the output layer "
                   "has no activation"),
                  (variant(model, x, 0.0), "a ReLU where the task has a leaky ReLU: negative values pass times "
                   f"negative_slope = {slope:g}, not as 0"),
                  (variant(model, x, DEFAULT_SLOPE), f"the slope is 0.01 where negative_slope = {slope:g} was "
                   "passed: use the negative_slope given")]
    for candidate, words in candidates:
        if torch.allclose(got, candidate.cpu(), atol=1e-5) and not torch.allclose(want.cpu(), candidate.cpu(), atol=1e-5):
            fail(f"{what}: {words}")


def check_forward(student, remote, model, device, seed, sizes, slope, what):
    load_reference_weights(student, remote, model, sizes, what)
    student.call(remote.attr("to"), device)
    x = hidden_batch(seed, device, sizes[0])
    got = student.call(remote, x)
    name_forward_mistakes(got, model, x, sizes, slope, what)
    expect_tensor(got, model(x).detach(), f"{what}: outputs for a batch of shape {tuple(x.shape)} with the "
                  "reference weights", atol=1e-5)


class TestModule:
    @pytest.mark.parametrize("sizes, slope", NETWORKS, ids=NETWORK_IDS)
    def test_forward_with_reference_weights(self, student, device, sizes, slope):
        what = described("MLP", sizes, slope)
        remote = student.keep("MLP", *args_of(sizes, slope))
        model = seeded_model(reference.MLP, len(sizes) + 10, device, sizes, slope)
        check_forward(student, remote, model, device, len(sizes), sizes, slope, what)

    @pytest.mark.side
    def test_gradients_reach_the_parameters(self, student, device):
        """The network is trained by backpropagation: backward() from its output must reach every
        layer's weight and bias, with the gradients of the reference network."""
        sizes, slope = [2, 3, 2], 0.1
        model = seeded_model(reference.MLP, 6, device, sizes, slope)
        what = described("MLP", sizes, slope)
        remote = student.keep("MLP", sizes, slope)
        load_reference_weights(student, remote, model, sizes, what)
        student.call(remote.attr("to"), device)
        x, upstream = hidden_batch(16, device, 2), hidden_batch(17, device, 2)
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
    def test_layers_in_a_module_list(self, student):
        """"store the layers ... as an nn.ModuleList named self.layers", Linear(sizes[i], sizes[i + 1]) in order."""
        sizes = [3, 5, 2, 4]
        what = f"MLP({sizes}).layers"
        layers = student.keep(student.keep("MLP", sizes).attr("__getattr__"), "layers")
        if layers.type_name != "torch.nn.modules.container.ModuleList":
            fail(f"{what} should be an nn.ModuleList, got {layers.type_name}")
        count = student.call(layers.attr("__len__"))
        expect_property(count == len(sizes) - 1, what, f"expected {len(sizes) - 1} layers, got {count}")
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layer = student.keep(layers.attr("__getitem__"), i)
            if layer.type_name != "torch.nn.modules.linear.Linear":
                fail(f"{what}[{i}] should be an nn.Linear, got {layer.type_name}")
            got = (student.get(layer.attr("in_features")), student.get(layer.attr("out_features")))
            expect_property(got == (n_in, n_out), f"{what}[{i}]", f"expected nn.Linear({n_in}, {n_out}), got "
                            f"nn.Linear{got}")


class TestSequential:
    @pytest.mark.parametrize("sizes, slope", NETWORKS, ids=NETWORK_IDS)
    def test_forward_with_reference_weights(self, student, device, sizes, slope):
        what = described("make_sequential", sizes, slope)
        remote = student.keep("make_sequential", *args_of(sizes, slope))
        if remote.type_name != "torch.nn.modules.container.Sequential":
            fail(f"{what} should return an nn.Sequential, got {remote.type_name}")
        model = seeded_model(reference.make_sequential, len(sizes) + 20, device, sizes, slope)
        check_forward(student, remote, model, device, len(sizes) + 30, sizes, slope, what)

    @pytest.mark.parametrize("sizes, slope", [([2, 5, 4, 3], 0.2), ([4, 1], None), ([1, 3, 1], None)],
                             ids=["depth-3", "depth-1", "lesson-default-slope"])
    def test_layers(self, student, sizes, slope):
        """The layers, in order: Linear(sizes[i], sizes[i + 1]), with nn.LeakyReLU(negative_slope) between two."""
        what = described("make_sequential", sizes, slope)
        remote = student.keep("make_sequential", *args_of(sizes, slope))
        count = student.call(remote.attr("__len__"))
        layers = [student.keep(remote.attr("__getitem__"), i) for i in range(count if type(count) is int else 0)]
        kinds = [layer.type_name.rsplit(".", 1)[-1] for layer in layers]
        want = ["Linear", "LeakyReLU"] * (len(sizes) - 2) + ["Linear"]
        if kinds == want + ["LeakyReLU"]:
            fail(f"{what}: a LeakyReLU follows the last Linear: the output layer has no activation")
        if kinds != want:
            fail(f"{what} should hold the layers {', '.join(want)}, got {', '.join(kinds) or 'none'}")
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            got = (student.get(layers[2 * i].attr("in_features")), student.get(layers[2 * i].attr("out_features")))
            expect_property(got == (n_in, n_out), f"{what}[{2 * i}]", f"expected nn.Linear({n_in}, {n_out}), got "
                            f"nn.Linear{got}")
        slopes = [student.get(layer.attr("negative_slope")) for layer in layers[1::2]]
        want_slope = DEFAULT_SLOPE if slope is None else slope
        expect_property(all(s == want_slope for s in slopes), what,
                        f"the LeakyReLU layers have the slopes {slopes}, expected {want_slope:g} each: "
                        + ("the default negative_slope is 0.01" if slope is None else "pass negative_slope on"))


# A network class for count_parameters: submodules and a parameter of its own, no buffers.
GRADER_NETWORK = """
class GraderNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Linear(2, 5)
        self.second = nn.Linear(5, 3)
        self.scale = nn.Parameter(torch.ones(3))

    def forward(self, x):
        return self.second(torch.tanh(self.first(x))) * self.scale
"""


def expect_count(got, want: int, what: str, local=None):
    """The task: the number of parameter entries "as an int" (not a float, not a tensor); with the grader's copy of
    the model, `local`, a count through len() or of the tensors is named."""
    hint = " (.numel() gives an int; a tensor's .item() an int too)" if type(got) is not int else ""
    expect_int(got, 0, 10 ** 9, f"{what}{hint}")
    if local is not None and got != want:
        parameters = list(local.parameters())
        if got == len(parameters):
            fail(f"{what}: that is the number of parameter tensors ({got}), not of their entries: add up p.numel()")
        if got == sum(len(p) for p in parameters):
            fail(f"{what}: len(p) counts only a tensor's first dimension ({got} in all): p.numel() counts every entry")
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
                     f"count_parameters of {local}".replace("\n", " "), local)

    def test_a_network_class(self, student):
        """A network of the grader's own class (the student's ANN is another task, and the lesson's
        ANN is its answer, which the student's process must not be sent)."""
        network = student.keep(student.define(GRADER_NETWORK, "GraderNetwork"))
        local = {"torch": torch, "nn": torch.nn}
        exec(GRADER_NETWORK, local)
        expect_count(student.call("count_parameters", network), reference.count_parameters(local["GraderNetwork"]()),
                     "count_parameters of a network class with two Linear layers and a Parameter of its own",
                     local["GraderNetwork"]())


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


def lesson_layout(seed, n_in, n_units):
    """The lesson's W (n_in, n_units) and bias column b (n_units, 1), seeded, on the cpu."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n_in, n_units, generator=generator), torch.randn(n_units, 1, generator=generator)


def expect_linear(student, remote, n_in, n_units, what):
    """The returned object is an nn.Linear(n_in, n_units); its (weight, bias) as plain tensors."""
    if remote.type_name != "torch.nn.modules.linear.Linear":
        fail(f"{what}: expected an nn.Linear layer, got {remote.type_name}")
    state = student.call(remote.attr("state_dict"))
    if type(state) is not dict or set(state) != {"weight", "bias"}:
        fail(f"{what}: expected an nn.Linear with a weight and a bias, got the parameters "
             f"{sorted(state) if type(state) is dict else kind_of(state)}")
    return state["weight"], state["bias"]


def name_layout_mistakes(weight, bias, W, b, what):
    """The usual mistakes of going from the lesson's layout to nn.Linear's, named."""
    n_in, n_units = W.shape
    if isinstance(weight, torch.Tensor) and not weight.is_meta and weight.shape == W.shape and n_in != n_units:
        fail(f"{what}: the weight has the lesson's shape {tuple(W.shape)} = (n_in, n_units); nn.Linear's weight is "
             f"(n_units, n_in) = {(n_units, n_in)}: the transpose of W")
    if (isinstance(weight, torch.Tensor) and not weight.is_meta and weight.shape == (n_units, n_in) and n_in > 1
            and n_units > 1 and torch.equal(weight.detach().cpu(), W.reshape(n_units, n_in))):
        fail(f"{what}: the weight is W reshaped (or viewed) to {(n_units, n_in)}: that keeps the entries in W's "
             "order and only cuts the rows anew; the weight is W transposed")
    if isinstance(bias, torch.Tensor) and bias.dim() == 2:
        fail(f"{what}: the bias has shape {tuple(bias.shape)}, the lesson's column; nn.Linear's bias has shape "
             f"({n_units},): flatten it")


class TestLinearFromLesson:
    def test_layer_equals_the_lesson_formula(self, student, device):
        """Non-square W first, so that a missing transpose is named by shape; then the lesson's own layers (where
        a reshape happens to equal the transpose) and a square W (where only the values tell them apart)."""
        for n_in, n_units, seed in [(4, 3, 1), (2, 5, 2), (3, 3, 5), (1, 3, 3), (3, 1, 4)]:
            W, b = lesson_layout(seed, n_in, n_units)
            what = f"linear_from_lesson(W of shape {tuple(W.shape)}, b of shape {tuple(b.shape)})"
            remote = student.keep("linear_from_lesson", W.to(device), b.to(device))
            weight, bias = expect_linear(student, remote, n_in, n_units, what)
            name_layout_mistakes(weight, bias, W, b, what)
            expect_tensor(weight, W.T.to(device), f"{what}: the layer's weight")
            expect_tensor(bias, b.flatten().to(device), f"{what}: the layer's bias")
            X = torch.randn(n_in, 6, generator=torch.Generator().manual_seed(seed + 50))
            got = student.call(remote, X.T.contiguous().to(device))
            expect_tensor(got, (W.T @ X + b).T.to(device), f"{what}: layer(X.T) for X of shape {tuple(X.shape)}, "
                          "against (W.T @ X + b).T", atol=1e-5)

    @pytest.mark.side
    def test_parameters_that_train(self, student, device):
        """The weight and the bias stay the layer's parameters (nn.Linear's), so that the layer can be trained."""
        W, b = lesson_layout(6, 2, 4)
        what = "linear_from_lesson(W of shape (2, 4), b of shape (4, 1))"
        remote = student.keep("linear_from_lesson", W.to(device), b.to(device))
        expect_linear(student, remote, 2, 4, what)
        named = student.call(student.define(PARAMETER_GRADIENTS, "parameter_gradients"), remote)
        names = [name for name, _ in named] if type(named) is list and all(type(p) is tuple for p in named) else None
        expect_property(names is not None and sorted(names) == ["bias", "weight"], what,
                        f"the layer's parameters should be its weight and bias, got {names}: assign nn.Parameter "
                        "objects, or copy into the layer's own under torch.no_grad()")

    @pytest.mark.gate
    def test_on_ws_device(self, student):
        """On the meta device, a stand-in for a GPU: the layer lives where W is, on every grader."""
        W, b = torch.empty(4, 3, device="meta"), torch.empty(3, 1, device="meta")
        what = "linear_from_lesson(W, b) for W and b on the meta device (a stand-in for a GPU)"
        try:
            remote = student.keep("linear_from_lesson", W, b)
        except StudentCodeError as error:
            fail(f"{what} failed ({error.evalue[:100]}): build the layer on W's device and leave the values there")
        weight, bias = expect_linear(student, remote, 4, 3, what)
        expect_tensor(weight, torch.empty(3, 4, device="meta"), f"{what}: the weight")
        expect_tensor(bias, torch.empty(3, device="meta"), f"{what}: the bias")


# The task's rule on how: the chain rule by hand. Its answer cell is read for autograd, then run alone
# in a fresh process with autograd switched off (autograder/grading/answer_alone.py).
BACKPROP_RULE = Rule("backprop", AUTOGRAD, "compute the gradients with the chain rule yourself: the hidden "
                     "tests switch autograd off")

BACKPROP_NAMES = ("dW1", "db1", "dW2", "db2")


def network_case(seed, n, h, m):
    """(W1, b1, W2, b2, X, Y) of hidden case `seed`, on the cpu; every hidden unit is on for some
    examples and off for others, so that a forgotten ReLU derivative shows."""
    generator = torch.Generator().manual_seed(seed)
    W1, b1 = torch.randn(h, n, generator=generator), torch.randn(h, generator=generator) * 0.5
    W2, b2 = torch.randn(1, h, generator=generator), torch.randn(1, generator=generator)
    X, Y = torch.randn(m, n, generator=generator) * 2, torch.randn(m, 1, generator=generator)
    return W1, b1, W2, b2, X, Y


def autograd_gradients(W1, b1, W2, b2, X, Y, loss="mean", relu_derivative=True, transposed=False):
    """The gradients by autograd, of the MSE loss or of a typical mistake's loss: "sum" (no 1/m),
    "half" (the lesson's 1/(2m)); without the ReLU's derivative (the gradient passed through it)."""
    leaves = [t.detach().clone().requires_grad_() for t in (W1, b1, W2, b2)]
    Z1 = X @ leaves[0].T + leaves[1]
    A1 = torch.relu(Z1) if relu_derivative else Z1 + (torch.relu(Z1) - Z1).detach()
    error = (A1 @ leaves[2].T + leaves[3] - Y) ** 2
    value = {"mean": error.mean(), "sum": error.sum(), "half": error.mean() / 2}[loss]
    return [g.detach() for g in torch.autograd.grad(value, leaves)]


def name_backprop_mistakes(got, case, what):
    """The typical mistakes, named before the comparison that grades (which fails on them anyway)."""
    want = autograd_gradients(*case)
    got = [g.detach().cpu() if isinstance(g, torch.Tensor) and not g.is_meta else None for g in got]
    for name, g, w in zip(BACKPROP_NAMES, got, want):
        if g is not None and g.dim() == 2 and g.shape == w.T.shape and g.shape != w.shape:
            fail(f"{what}: {name} has shape {tuple(g.shape)}, the transpose of its parameter's {tuple(w.shape)}: a "
                 "gradient has the shape of what it is taken with respect to (swap the factors of the product, "
                 "transposed)")
    if not all(g is not None and g.shape == w.shape and bool(torch.isfinite(g).all()) for g, w in zip(got, want)):
        return

    def matches(candidate):
        return all(torch.allclose(g, c, rtol=1e-4, atol=1e-5) for g, c in zip(got, candidate))

    n_inputs, n_examples = case[4].shape[1], case[4].shape[0]
    every_entry = n_inputs > 1 and matches([w / n_inputs for w in want])
    if every_entry and n_inputs == 2 and matches(autograd_gradients(*case, loss="half")):
        fail(f"{what}: every gradient is half of the MSE's: m counts every entry of X (X.numel() = 2m here), or "
             "the lesson's 1/2, which nn.MSELoss has not: m is the number of examples, X.shape[0]")
    if every_entry:
        fail(f"{what}: m counts every entry of X (X.numel() = {n_inputs * n_examples}), so every gradient is "
             f"1/{n_inputs} of the MSE's: m is the number of examples, X.shape[0] = {n_examples}")
    if matches(autograd_gradients(*case, loss="half")):
        fail(f"{what}: every gradient is half of the MSE's: nn.MSELoss has no 1/2 (the lesson's loss has "
             "1/(2m)), so dL/dy_hat = 2 (y_hat - y) / m")
    if matches(autograd_gradients(*case, loss="sum")):
        fail(f"{what}: every gradient is m = {len(case[4])} times the MSE's: the loss is a mean over the m "
             "examples, keep its 1/m")
    if matches(autograd_gradients(*case, relu_derivative=False)):
        fail(f"{what}: dW1 and db1 are those of a network whose ReLU passes every gradient: the ReLU's derivative "
             "is 0 where its input Z1 is not positive, so those entries of the gradient stop there")
    W1, b1, W2, b2, X, Y = case
    Z1 = X @ W1.T + b1
    dY_hat = 2 * (torch.relu(Z1) @ W2.T + b2 - Y) / len(X)
    if torch.allclose(got[2], dY_hat.T @ Z1, rtol=1e-4, atol=1e-5) and not torch.allclose(got[2], want[2], rtol=1e-4,
                                                                                         atol=1e-5):
        fail(f"{what}: dW2 is taken with the pre-activation Z1: the output layer's input is A1 = relu(Z1), so "
             "dW2 = dL/dy_hat^T A1")
    for name, g, w in zip(BACKPROP_NAMES, got, want):
        if name.startswith("db") and g.shape == w.shape and torch.allclose(g * len(case[4]), w, rtol=1e-4, atol=1e-5) \
                and not torch.allclose(g, w, rtol=1e-4, atol=1e-5):
            fail(f"{what}: {name} is the mean of the rows where their sum belongs: the bias is added to every "
                 "example, so its gradient sums over the rows (the 1/m is already in dL/dy_hat)")


def call_backprop(student, case, device, what):
    got = student.alone(BACKPROP_RULE).call("backprop", *(t.to(device) for t in case))
    return expect_sequence(got, 4, what, "(dW1, db1, dW2, db2)")


class TestBackprop:
    @pytest.mark.parametrize("n, h, m, seed", [(1, 3, 8, 6), (3, 5, 7, 2), (2, 4, 6, 3), (4, 1, 9, 4)],
                             ids=["lesson-1-3-1", "3-5-1", "2-4-1", "4-1-1"])  # h = 1: db1 of shape (1,), kept
    def test_against_autograd(self, student, device, n, h, m, seed):
        case = network_case(seed, n, h, m)
        what = f"backprop for n={n} inputs, h={h} hidden units, m={m} examples"
        got = call_backprop(student, case, device, what)
        name_backprop_mistakes(got, case, what)
        for name, g, w in zip(BACKPROP_NAMES, got, autograd_gradients(*case)):
            expect_tensor(g, w.to(device), f"{what}: {name}", rtol=1e-4, atol=1e-5, sizes={"m": m})

    def test_relu_derivative_at_zero(self, student, device):
        """The ReLU's derivative at 0 is 0, as in PyTorch: examples where a hidden unit's input is exactly 0."""
        W1 = torch.tensor([[1.0], [-1.0], [2.0]])
        b1 = torch.tensor([0.0, 1.0, -2.0])
        W2, b2 = torch.tensor([[1.0, -2.0, 0.5]]), torch.tensor([0.5])
        X, Y = torch.tensor([[0.0], [1.0], [-1.0], [2.0]]), torch.tensor([[1.0], [0.0], [2.0], [-1.0]])
        case = (W1, b1, W2, b2, X, Y)  # Z1 is exactly 0 for unit 1 at x=0, unit 2 at x=1, unit 3 at x=1
        what = "backprop where a hidden unit's input Z1 is exactly 0"
        got = call_backprop(student, case, device, what)
        for name, g, w in zip(BACKPROP_NAMES, got, autograd_gradients(*case)):
            expect_tensor(g, w.to(device), f"{what} (the ReLU's derivative at 0 is 0): {name}", rtol=1e-4, atol=1e-5)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        """On the meta device, a stand-in for a GPU: gradients of the parameters' shapes stay there, on every grader
        (code that needs the values on the cpu, NumPy or .item(), scores 0 alike)."""
        case = [torch.empty(*shape, device="meta") for shape in [(4, 2), (4,), (1, 4), (1,), (5, 2), (5, 1)]]
        what = "backprop for inputs on the meta device (a stand-in for a GPU)"
        try:
            got = call_backprop(student, case, torch.device("meta"), what)
        except StudentCodeError as error:
            fail(f"{what} failed ({error.evalue[:100]}): compute with torch operations where the inputs are")
        for name, g, shape in zip(BACKPROP_NAMES, got, [(4, 2), (4,), (1, 4), (1,)]):
            expect_tensor(g, torch.empty(*shape, device="meta"), f"{what}: {name}")
