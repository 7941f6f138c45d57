"""Hidden tests of source/tensors/tensors.ipynb; the oracle is solutions/tensors.py.

Inputs differ from the notebook's visible checks (other shapes, values and seeds), so an
answer hard-coded to pass them earns nothing here; tensor inputs live on the grading device.
"""
import pytest
import torch

from autograder.checks import expect_in_range, expect_number, expect_property, expect_tensor, expect_tensor_like, fail
from autograder.grading.student_process import StudentCodeError
from solutions import tensors as reference


def seeded_randn(*shape, seed, device):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator).to(device)


def seeded_ints(*shape, seed, device):
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(-9, 10, shape, generator=generator).float().to(device)


META = torch.device("meta")  # shapes and dtypes, no values: stands in for a GPU on any grading machine


def call_on_meta(student, name, *args, what):
    """A task on tensors works wherever its inputs are: on the meta device, code that needs the values on
    the cpu (NumPy, .tolist(), .cpu()) fails on every grading machine alike, not only on a GPU."""
    try:
        return student.call(name, *args)
    except StudentCodeError as error:
        if "numpy" in error.evalue.lower():
            fail(f"{what} raised {error.ename}: {error.evalue[:70]}: going through NumPy works for cpu tensors only, "
                 "and the hidden tests pass tensors on the grading machine's device (here meta, which stands in for "
                 "a GPU): use torch's operations, which run where the tensors are")
        if "meta" in error.evalue:
            fail(f"{what} raised {error.ename}: {error.evalue[:70]}: your code needs the tensors' values on the cpu, "
                 "and the hidden tests pass tensors on the grading machine's device (here meta, which stands in for "
                 "a GPU): use torch's operations, which run where the tensors are")
        raise


def runs_where_its_inputs_are(student, name, *args, what):
    """A gate (@pytest.mark.gate): code that needs the tensors' values on the cpu (NumPy, .cpu(),
    .tolist()) scores 0 for its cell. On a GPU grader its value tests would all fail; on a cpu
    grader they pass, so without the gate one answer would get two grades."""
    try:
        call_on_meta(student, name, *args, what=what)
    except StudentCodeError:
        pass  # any other error is the value tests' to judge; the gate earns no points itself


def naming_known_errors(call, what, advice: dict[str, tuple[int, str]]):
    """`call()`'s result; a StudentCodeError whose message holds a key of `advice` fails with
    (shown characters of torch's message, what the mistake is); any other error goes on up."""
    try:
        return call()
    except StudentCodeError as error:
        for fragment, (shown, meaning) in advice.items():
            if fragment in error.evalue:
                fail(f"{what} raised {error.ename}: {error.evalue[:shown]}: {meaning}")
        raise


def call_reshaping(student, name, *args, what):
    """`name` views its input as (1, N) or (N, 1): N counted with len() is named."""
    return naming_known_errors(lambda: student.keep(name, *args), what, {
        "is invalid for input of size": (70, "N is the number of all elements (x.numel()); len(x) counts the "
                                             "first dimension only. view(1, -1) works N out")})


class TestZeros:
    @pytest.mark.parametrize("rows, cols", [(6, 2), (3, 5), (1, 1), (4, 7), (16, 9)])
    def test_zeros(self, student, rows, cols):
        result = student.call("make_zeros", rows, cols)
        expected = reference.make_zeros(rows, cols)
        what = f"make_zeros({rows}, {cols})"
        same_kind = (isinstance(result, torch.Tensor) and not result.is_meta and result.shape == expected.shape
                     and result.dtype == expected.dtype)
        if same_kind and bool((result == 1).all()):
            fail(f"{what}: the entries are all 1.0 (torch.ones?), not 0.0: use torch.zeros")
        if same_kind and not bool((result == 0).all()):
            fail(f"{what}: the entries are not all 0.0 but leftovers of uninitialised memory "
                 "(torch.Tensor(rows, cols) and torch.empty do not clear it): use torch.zeros")
        expect_tensor(result, expected, what, check_device=False)  # the task names no device


class TestRandom:
    @pytest.mark.parametrize("rows, cols", [(5, 4), (3, 8), (1, 6)])
    def test_shape_dtype_and_range(self, student, rows, cols):
        result = student.call("make_random", rows, cols)
        what = f"make_random({rows}, {cols})"
        expect_tensor_like(result, reference.make_random(rows, cols), what, check_device=False)
        expect_in_range(result, 0, 1, what, " (torch.randn draws from a normal distribution; use torch.rand)")

    def test_uniform_distribution(self, student):
        result = student.call("make_random", 200, 250)
        expected = reference.make_random(200, 250)
        what = "make_random(200, 250)"
        expect_tensor_like(result, expected, what, check_device=False)
        expect_in_range(result, 0, 1, what)
        hint = ": 50000 uniform numbers in [0, 1) have mean 0.5 and standard deviation 0.289"
        expect_number(result.mean().item(), 0.5, f"{what}: the mean{hint}", rtol=0, atol=0.01)
        expect_number(result.std().item(), 0.2887, f"{what}: the standard deviation{hint}", rtol=0, atol=0.01)

    @pytest.mark.side
    def test_new_numbers_each_call(self, student):
        draws = [student.with_seed(seed).call("make_random", 4, 4) for seed in (1, 2)]
        for draw in draws:  # a side property counts for right answers only
            expect_tensor_like(draw, reference.make_random(4, 4), "make_random(4, 4)", check_device=False)
            expect_in_range(draw, 0, 1, "make_random(4, 4)")
        expect_property(not torch.equal(*draws), "make_random(4, 4)",
                        "two calls returned the same numbers: draw new random numbers each time")


class TestAdd:
    @pytest.mark.parametrize("shape, seed", [((4,), 11), ((3, 5), 12), ((2, 3, 4), 13), ((1,), 14)])
    def test_add(self, student, device, shape, seed):
        x = seeded_randn(*shape, seed=seed, device=device)
        y = seeded_randn(*shape, seed=seed + 100, device=device)
        expect_tensor(student.call("add", x, y), reference.add(x, y), f"add(x, y) for x, y of shape {shape}")

    def test_inputs_unchanged(self, student, device):
        x = seeded_ints(3, 3, seed=21, device=device)
        y = seeded_ints(3, 3, seed=22, device=device)
        remote_x, remote_y = student.put(x), student.put(y)
        result = student.call("add", remote_x, remote_y)
        # a check of what did not happen also needs the right answer, or doing nothing would pass it
        expect_tensor(result, reference.add(x, y), "add(x, y) for x, y of shape (3, 3)")
        expect_tensor(student.get(remote_x), x, "x after add(x, y): add changed x, so return a new tensor "
                      "(x + y), don't add in place (x += y, x.add_(y))")
        expect_tensor(student.get(remote_y), y, "y after add(x, y): add changed y, so return a new tensor "
                      "(x + y), don't add in place (y += x, y.add_(x))")

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        x, y = torch.empty((2, 3), device=META), torch.empty((2, 3), device=META)
        what = "add(x, y) for x, y of shape (2, 3) on the meta device"
        expect_tensor(call_on_meta(student, "add", x, y, what=what), reference.add(x, y), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "add", torch.empty((2, 3), device=META), torch.empty((2, 3), device=META),
                                  what="add(x, y) on the meta device")


class TestMatmul:
    @pytest.mark.parametrize("n, k, m, seed", [(2, 2, 2, 31), (3, 4, 2, 32), (1, 5, 3, 33), (6, 2, 6, 34), (4, 3, 5, 35)])
    def test_matrix_product(self, student, device, n, k, m, seed):
        a = seeded_ints(n, k, seed=seed, device=device)
        b = seeded_ints(k, m, seed=seed + 100, device=device)
        result = student.call("matrix_product", a, b)
        what = f"matrix_product(a, b) for a of shape {(n, k)} and b of shape {(k, m)}"
        if (n, k) == (k, m) and isinstance(result, torch.Tensor) and torch.equal(result, a * b):
            fail(f"{what}: that is the element-wise product a * b; the matrix product is a @ b")
        expect_tensor(result, reference.matrix_product(a, b), what)

    def test_non_square(self, student, device):
        a = seeded_ints(2, 3, seed=36, device=device)
        b = seeded_ints(3, 4, seed=37, device=device)
        try:
            result = student.call("matrix_product", a, b)
        except StudentCodeError as error:
            if "must match" in error.evalue:
                fail("matrix_product(a, b) for a of shape (2, 3) and b of shape (3, 4) raised an error: an "
                     "element-wise product a * b needs equal shapes; the matrix product is a @ b")
            raise
        expect_tensor(result, reference.matrix_product(a, b), "matrix_product(a, b) for a (2, 3), b (3, 4)")

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        a, b = torch.empty((3, 2), device=META), torch.empty((2, 5), device=META)
        what = "matrix_product(a, b) for a (3, 2) and b (2, 5) on the meta device"
        expect_tensor(call_on_meta(student, "matrix_product", a, b, what=what), reference.matrix_product(a, b), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "matrix_product", torch.empty((3, 2), device=META), torch.empty((2, 5), device=META),
                                  what="matrix_product(a, b) on the meta device")


class TestRowView:
    """The task is a view: a copy earns nothing, whatever its values (the storage test is the core)."""

    @pytest.mark.side
    @pytest.mark.parametrize("shape", [(4,), (2, 3), (12,), (3, 2, 2)])
    def test_shape_and_values(self, student, device, shape):
        x = seeded_ints(*shape, seed=41, device=device)
        expect_tensor(student.call("as_row", x), reference.as_row(x), f"as_row(x) for x of shape {shape}")

    @pytest.mark.parametrize("shape", [(6,), (2, 4)])
    def test_shares_storage(self, student, device, shape):
        x = seeded_ints(*shape, seed=42, device=device)
        remote_x = student.put(x)
        row = call_reshaping(student, "as_row", remote_x, what=f"as_row(x) for x of shape {shape}")
        expect_tensor(student.get(row), reference.as_row(x), f"as_row(x) for x of shape {shape}")
        student.call(row.attr("fill_"), -7.0)
        changed = student.get(remote_x)
        if not isinstance(changed, torch.Tensor) or not bool((changed == -7.0).all()):
            fail(f"as_row(x) for x of shape {shape} returned a copy: changing the row did not change x. "
                 "Return x.view(1, -1), which shares storage with x")
        if tuple(changed.shape) != shape:
            fail(f"as_row(x) changed the shape of x itself (now {tuple(changed.shape)}, was {shape}): "
                 "return a new view instead of reshaping x in place")

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        x = torch.empty((3, 4), device=META)
        what = "as_row(x) for x of shape (3, 4) on the meta device"
        expect_tensor(call_on_meta(student, "as_row", x, what=what), reference.as_row(x), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "as_row", torch.empty((3, 4), device=META),
                                  what="as_row(x) on the meta device")


class TestFlatProduct:
    @pytest.mark.parametrize("shape1, shape2, seed", [((3, 3), (3, 3), 51), ((2, 3), (3, 2), 52),
                                                      ((4, 1), (1, 4), 53), ((2, 5), (5, 2), 54), ((2, 2), (2, 2), 55)])
    def test_other_matrices(self, student, device, shape1, shape2, seed):
        m1 = seeded_ints(*shape1, seed=seed, device=device)
        m2 = seeded_ints(*shape2, seed=seed + 100, device=device)
        what = f"flat_product(m1, m2) for m1 of shape {shape1} and m2 of shape {shape2}"
        expect_tensor(student.get(call_reshaping(student, "flat_product", m1, m2, what=what)),
                      reference.flat_product(m1, m2), what)

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        m1, m2 = torch.empty((2, 3), device=META), torch.empty((3, 2), device=META)
        what = "flat_product(m1, m2) for m1 (2, 3) and m2 (3, 2) on the meta device"
        expect_tensor(call_on_meta(student, "flat_product", m1, m2, what=what), reference.flat_product(m1, m2), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "flat_product", torch.empty((2, 3), device=META),
                                  torch.empty((3, 2), device=META), what="flat_product(m1, m2) on the meta device")


# NumPy arrays do not cross to the grader (only plain data does): the grader builds each array in
# the student's process and looks at it, and at what the student's function made of it, there.
MAKE_ARRAY = '''
def make_array(values, dtype):
    import numpy
    return numpy.array(values, dtype=dtype)
'''


def numpy_values(shape, dtype, seed):
    """Nested lists for an array of `dtype`: integers, or float64 numbers that float32 must round."""
    generator = torch.Generator().manual_seed(seed)
    if dtype.startswith("int"):
        return torch.randint(-50, 50, shape, generator=generator).tolist()
    return (torch.randn(shape, generator=generator, dtype=torch.float64) * 10).tolist()


def float32_of(values) -> torch.Tensor:
    """What a float32 tensor of `values` holds: float64 (or integer) numbers rounded once to float32."""
    return torch.tensor(values, dtype=torch.float64).to(torch.float32)


def call_from_numpy(student, values, dtype, *, keep):
    array = student.keep(student.define(MAKE_ARRAY, "make_array"), values, dtype)
    return array, (student.keep if keep else student.call)("float32_from_numpy", array)


class TestFromNumpy:
    @pytest.mark.parametrize("shape, dtype, seed", [((3, 4), "float64", 81), ((6,), "int64", 82),
                                                    ((2, 1, 3), "int32", 83)])  # size 1 too: the shape is kept
    def test_other_dtypes_become_float32(self, student, shape, dtype, seed):
        values = numpy_values(shape, dtype, seed)
        _, result = call_from_numpy(student, values, dtype, keep=False)
        what = f"float32_from_numpy(array) for a {dtype} array of shape {shape}"
        if isinstance(result, torch.Tensor) and result.dtype != torch.float32 and str(result.dtype) == f"torch.{dtype}":
            fail(f"{what}: expected a float32 tensor, got {result.dtype}: torch.from_numpy keeps the array's dtype, "
                 "so convert the tensor to float32")
        expect_tensor(result, float32_of(values), what, check_device=False)  # a tensor from NumPy is a cpu tensor

    @pytest.mark.parametrize("shape, seed", [((2, 3), 84), ((5,), 85), ((2, 2, 3), 86)])
    def test_shares_memory_with_a_float32_array(self, student, shape, seed):
        values = numpy_values(shape, "float32", seed)
        array, tensor = call_from_numpy(student, values, "float32", keep=True)
        what = f"float32_from_numpy(array) for a float32 array of shape {shape}"
        # a check of what follows a change also needs the right answer first, or an empty answer would pass it
        expect_tensor(student.get(tensor), float32_of(values), what, check_device=False)
        student.call(array.attr("fill"), -3.5)
        after = student.get(tensor)
        if not isinstance(after, torch.Tensor) or not bool((after == -3.5).all()):
            fail(f"{what} returned a copy: filling the array with -3.5 after the call left your tensor as it was. "
                 "A float32 array needs no conversion, so the tensor can share its memory (torch.tensor and "
                 "astype always copy)")


def call_batch_product(student, x, w, what):
    return naming_known_errors(lambda: student.call("batch_times_matrix", x, w), what, {
        "self must be a matrix": (60, "torch.mm multiplies two 2-D matrices only, and x is 3-D; torch.matmul "
                                      "(or @) treats the first dimension as a batch"),
        "must be a 3D tensor": (60, "torch.bmm wants two 3-D tensors with the same batch size, and w is 2-D; "
                                    "torch.matmul (or @) broadcasts w over the batch")})


class TestBatchProduct:
    @pytest.mark.parametrize("x_shape, w_shape, seed", [((3, 2, 4), (4, 5), 61), ((1, 3, 3), (3, 2), 62),
                                                        ((5, 1, 2), (2, 1), 63), ((2, 4, 3), (3, 3), 64)])
    def test_each_matrix_of_the_batch(self, student, device, x_shape, w_shape, seed):
        x = seeded_ints(*x_shape, seed=seed, device=device)
        w = seeded_ints(*w_shape, seed=seed + 100, device=device)
        what = f"batch_times_matrix(x, w) for x of shape {x_shape} and w of shape {w_shape}"
        result = call_batch_product(student, x, w, what)
        (batch, n, _), m = x_shape, w_shape[1]
        if isinstance(result, torch.Tensor) and tuple(result.shape) == (batch * n, m) and batch > 1:
            fail(f"{what}: expected shape {(batch, n, m)}, got {(batch * n, m)}: the B matrices of the result are "
                 "stacked into one; keep the batch dimension")
        expect_tensor(result, reference.batch_times_matrix(x, w), what)

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        x, w = torch.empty((4, 3, 2), device=META), torch.empty((2, 5), device=META)
        what = "batch_times_matrix(x, w) for x (4, 3, 2) and w (2, 5) on the meta device"
        expect_tensor(call_on_meta(student, "batch_times_matrix", x, w, what=what),
                      reference.batch_times_matrix(x, w), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "batch_times_matrix", torch.empty((4, 3, 2), device=META),
                                  torch.empty((2, 5), device=META), what="batch_times_matrix(x, w) on the meta device")


def call_pairwise(student, a, b, what):
    return naming_known_errors(lambda: student.call("pairwise_sq_distances", a, b), what, {
        "must match the size of tensor": (70, "a - b pairs point i of a with point i of b only, and needs n = m; "
                                              "give a and b dimensions of size 1 (unsqueeze) so that every point "
                                              "of a meets every point of b")})


class TestPairwiseDistances:
    @pytest.mark.parametrize("n, m, d, seed", [(4, 3, 2, 71), (3, 5, 3, 72), (1, 6, 4, 73), (5, 1, 1, 74),
                                               (3, 3, 2, 75)])
    def test_every_pair(self, student, device, n, m, d, seed):
        a = seeded_ints(n, d, seed=seed, device=device)
        b = seeded_ints(m, d, seed=seed + 100, device=device)
        self.expect_distances(student, a, b)

    def test_points_with_fractional_coordinates(self, student, device):
        a, b = seeded_randn(6, 3, seed=76, device=device), seeded_randn(4, 3, seed=77, device=device)
        self.expect_distances(student, a, b)

    @staticmethod
    def expect_distances(student, a, b):
        (n, d), m = a.shape, b.shape[0]
        what = f"pairwise_sq_distances(a, b) for a of shape {(n, d)} and b of shape {(m, d)}"
        result = call_pairwise(student, a, b, what)
        expected = reference.pairwise_sq_distances(a, b)
        if isinstance(result, torch.Tensor) and not result.is_meta:
            shape = tuple(result.shape)
            if shape == (n,) and n == m and n > 1:
                fail(f"{what}: expected shape {(n, m)}, got {shape}: the distance of a[i] to b[i] only; D holds "
                     "every pair (i, j)")
            if shape == (n, m, d) and d > 1:
                fail(f"{what}: expected shape {(n, m)}, got {shape}: sum the squares over the d coordinates")
            if shape == (n, m) and result.dtype == expected.dtype and bool(torch.isfinite(result).all()) and bool(
                    torch.allclose(result.double() ** 2, expected.double(), rtol=1e-4, atol=1e-4)) and bool(
                    (expected > 1.5).any()):
                fail(f"{what}: your values are the distances, not their squares")
        expect_tensor(result, expected, what)

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        a, b = torch.empty((5, 3), device=META), torch.empty((2, 3), device=META)
        what = "pairwise_sq_distances(a, b) for a (5, 3) and b (2, 3) on the meta device"
        expect_tensor(call_on_meta(student, "pairwise_sq_distances", a, b, what=what),
                      reference.pairwise_sq_distances(a, b), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "pairwise_sq_distances", torch.empty((5, 3), device=META),
                                  torch.empty((2, 3), device=META), what="pairwise_sq_distances(a, b) on the meta device")
