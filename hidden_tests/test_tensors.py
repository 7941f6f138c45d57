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


class TestUniform:
    @pytest.mark.parametrize("rows, cols, low, high", [(5, 4, -1.0, 1.0), (3, 8, 2.0, 5.0), (1, 6, -10.0, -4.0)])
    def test_shape_dtype_and_range(self, student, rows, cols, low, high):
        result = student.call("make_uniform", rows, cols, low, high)
        what = f"make_uniform({rows}, {cols}, {low:g}, {high:g})"
        expect_tensor_like(result, reference.make_uniform(rows, cols, low, high), what, check_device=False)
        expect_in_range(result, low, high, what, ": stretch [0, 1) to the interval's length (high - low), then "
                        "shift it to start at low")

    @pytest.mark.parametrize("low, high", [(-3.0, 5.0), (2.0, 2.5)])
    def test_uniform_distribution(self, student, low, high):
        result = student.call("make_uniform", 200, 250, low, high)
        what = f"make_uniform(200, 250, {low:g}, {high:g})"
        expect_tensor_like(result, reference.make_uniform(200, 250, low, high), what, check_device=False)
        expect_in_range(result, low, high, what)
        width = high - low
        hint = (f": 50000 uniform numbers in [{low:g}, {high:g}) have mean {(low + high) / 2:g} and standard deviation "
                f"{width * 0.2887:.3g} (torch.rand, stretched and shifted; torch.randn is not uniform)")
        expect_number(result.mean().item(), (low + high) / 2, f"{what}: the mean{hint}", rtol=0, atol=0.01 * width)
        expect_number(result.std().item(), width * 0.2887, f"{what}: the standard deviation{hint}", rtol=0,
                      atol=0.01 * width)

    @pytest.mark.side
    def test_new_numbers_each_call(self, student):
        draws = [student.with_seed(seed).call("make_uniform", 4, 4, -1.0, 3.0) for seed in (1, 2)]
        for draw in draws:  # a side property counts for right answers only
            expect_tensor_like(draw, reference.make_uniform(4, 4, -1.0, 3.0), "make_uniform(4, 4, -1, 3)",
                               check_device=False)
            expect_in_range(draw, -1.0, 3.0, "make_uniform(4, 4, -1, 3)")
        expect_property(not torch.equal(*draws), "make_uniform(4, 4, -1, 3)",
                        "two calls returned the same numbers: draw new random numbers each time")


def call_slice(student, x, k, what):
    return naming_known_errors(lambda: student.keep("every_other_row", x, k), what, {})


class TestSlice:
    """The task is a view: a copy earns nothing, whatever its values (the storage test is the core)."""

    @pytest.mark.side
    @pytest.mark.parametrize("shape, k, seed", [((5, 4), 2, 41), ((6, 3), 1, 42), ((1, 5), 5, 43), ((7, 2), 2, 44),
                                                ((4, 6), 3, 45)])
    def test_rows_and_columns(self, student, device, shape, k, seed):
        x = seeded_ints(*shape, seed=seed, device=device)
        what = f"every_other_row(x, {k}) for x of shape {shape}"
        result = student.call("every_other_row", x, k)
        expected = reference.every_other_row(x, k)
        if isinstance(result, torch.Tensor) and not result.is_meta and tuple(result.shape) == tuple(expected.shape):
            if torch.equal(result, x[::2, :k]) and not torch.equal(expected, x[::2, :k]):
                fail(f"{what}: these are the first {k} columns; take the last k (negative indices count from the end)")
            if torch.equal(result, x[1::2, -k:][: expected.shape[0]]) and not torch.equal(expected, result):
                fail(f"{what}: these are rows 1, 3, 5, ...; start at row 0")
        if isinstance(result, torch.Tensor) and tuple(result.shape) == (expected.shape[0],) and k == 1:
            fail(f"{what}: expected shape {tuple(expected.shape)}, got {tuple(result.shape)}: a single index "
                 "(x[:, -1]) drops the column dimension; a slice (x[:, -k:]) keeps it")
        expect_tensor(result, expected, what)

    @pytest.mark.parametrize("shape, k", [((5, 3), 2), ((4, 4), 4)])
    def test_shares_storage(self, student, device, shape, k):
        x = seeded_ints(*shape, seed=46, device=device)
        remote_x = student.put(x)
        what = f"every_other_row(x, {k}) for x of shape {shape}"
        picked = call_slice(student, remote_x, k, what)
        expect_tensor(student.get(picked), reference.every_other_row(x, k), what)
        student.call(picked.attr("fill_"), -7.0)
        changed, expected = student.get(remote_x), x.clone()
        expected[::2, -k:] = -7.0
        if not isinstance(changed, torch.Tensor) or not torch.equal(changed, expected):
            fail(f"{what} returned a copy: writing into the result did not change those entries of x. "
                 "Return a slice of x, which shares its storage")

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        x = torch.empty((5, 4), device=META)
        what = "every_other_row(x, 3) for x of shape (5, 4) on the meta device"
        expect_tensor(call_on_meta(student, "every_other_row", x, 3, what=what), reference.every_other_row(x, 3), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "every_other_row", torch.empty((5, 4), device=META), 3,
                                  what="every_other_row(x, 3) on the meta device")


def call_column_order(student, x, what):
    return naming_known_errors(lambda: student.call("column_order", x), what, {
        "view size is not compatible": (60, "x.t() is not contiguous, so view cannot flatten it; make it "
                                            "contiguous first (contiguous()), or use reshape")})


class TestColumnOrder:
    @pytest.mark.parametrize("shape, seed", [((2, 3), 51), ((4, 2), 52), ((3, 3), 53), ((1, 5), 54), ((5, 1), 55),
                                             ((3, 4), 56), ((1, 1), 57)])  # (1, 1): a squeezed result has shape ()
    def test_column_by_column(self, student, device, shape, seed):
        x = seeded_ints(*shape, seed=seed, device=device)
        what = f"column_order(x) for x of shape {shape}"
        result = call_column_order(student, x, what)
        expected = reference.column_order(x)
        if isinstance(result, torch.Tensor) and not result.is_meta and tuple(result.shape) == tuple(expected.shape) \
                and torch.equal(result, x.reshape(-1)) and not torch.equal(expected, x.reshape(-1)):
            fail(f"{what}: that is x read row by row; read it column by column (the rows of x.t())")
        if isinstance(result, torch.Tensor) and tuple(result.shape) == (shape[1], shape[0]) and result.numel() > 1:
            fail(f"{what}: expected a 1-D tensor of shape {tuple(expected.shape)}, got {tuple(result.shape)}: "
                 "flatten the transposed tensor")
        expect_tensor(result, expected, what)

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        x = torch.empty((3, 4), device=META)
        what = "column_order(x) for x of shape (3, 4) on the meta device"
        expect_tensor(call_on_meta(student, "column_order", x, what=what), reference.column_order(x), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "column_order", torch.empty((3, 4), device=META),
                                  what="column_order(x) on the meta device")


def call_normalize_rows(student, x, what):
    return naming_known_errors(lambda: student.call("normalize_rows", x), what, {
        "must match the size of tensor": (70, "the row sums have shape (n,), which lines up with the d columns; "
                                              "keep the summed dimension (keepdim=True), shape (n, 1)")})


def positive_entries(*shape, seed, device):
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(1, 10, shape, generator=generator).float().to(device)


class TestNormalizeRows:
    @pytest.mark.parametrize("shape, seed", [((3, 2), 61), ((4, 4), 62), ((1, 5), 63), ((5, 1), 64), ((2, 3), 65),
                                             ((3, 3), 66)])
    def test_rows_sum_to_one(self, student, device, shape, seed):
        x = positive_entries(*shape, seed=seed, device=device)
        what = f"normalize_rows(x) for x of shape {shape}"
        result = call_normalize_rows(student, x, what)
        expected = reference.normalize_rows(x)
        if isinstance(result, torch.Tensor) and not result.is_meta and tuple(result.shape) == shape \
                and result.dtype == expected.dtype and not torch.allclose(result, expected):
            if shape[0] == shape[1] and torch.allclose(result, x / x.sum(dim=1)):
                fail(f"{what}: column j was divided by the sum of row j: x.sum(dim=1) has shape (n,), which lines "
                     "up with the columns; keep the summed dimension (keepdim=True)")
            if torch.allclose(result, x / x.sum(dim=0, keepdim=True)):
                fail(f"{what}: each column was divided by its own sum; divide each row by the sum of that row")
        expect_tensor(result, expected, what)

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        x = torch.empty((4, 3), device=META)
        what = "normalize_rows(x) for x of shape (4, 3) on the meta device"
        expect_tensor(call_on_meta(student, "normalize_rows", x, what=what), reference.normalize_rows(x), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "normalize_rows", torch.empty((4, 3), device=META),
                                  what="normalize_rows(x) on the meta device")


class TestMeanAbove:
    """On cpu inputs: the task names no device, so the grading device cannot change the grade (x[mask]
    needs the values, which the meta device has none of, and is right)."""

    @pytest.mark.parametrize("shape, t, seed", [((3, 4), 0.0, 71), ((4, 3), 2.0, 72), ((1, 5), -1.0, 73),
                                                ((5, 1), 1.0, 74), ((2, 6), 3.0, 75)])
    def test_mean_per_row(self, student, shape, t, seed):
        x = seeded_ints(*shape, seed=seed, device="cpu")
        x[-1] = t - 1  # a row with no entry greater than t
        x[0, 0] = t  # an entry equal to t, which is not greater
        self.expect_means(student, x, t)

    def test_fractional_entries(self, student):
        x, t = seeded_randn(6, 5, seed=76, device="cpu"), 0.25
        self.expect_means(student, x, t)

    @staticmethod
    def expect_means(student, x, t):
        what = f"mean_above(x, {t:g}) for x of shape {tuple(x.shape)}"
        result = student.call("mean_above", x, t)
        expected = reference.mean_above(x, t)
        if isinstance(result, torch.Tensor) and tuple(result.shape) == tuple(expected.shape):
            if bool(torch.isnan(result).any()):
                fail(f"{what}: got nan for a row with no entry greater than {t:g} (a mean over nothing, 0 / 0); "
                     "such a row's mean is 0.0")
            mask = x > t
            over_d = torch.where(mask, x, torch.zeros_like(x)).mean(dim=1)
            if torch.allclose(result, over_d) and not torch.allclose(expected, over_d):
                fail(f"{what}: each row's sum of the entries greater than t was divided by all d entries; divide "
                     "by the count of entries greater than t")
            at_least = x >= t
            with_equal = torch.where(at_least, x, torch.zeros_like(x)).sum(dim=1) / at_least.sum(dim=1).clamp(min=1)
            if torch.allclose(result, with_equal) and not torch.allclose(expected, with_equal):
                fail(f"{what}: entries equal to t were counted; only those greater than t count")
        if isinstance(result, torch.Tensor) and result.dim() == 0 and x.shape[0] > 1:
            fail(f"{what}: got one number for the whole of x; return one mean per row, shape {tuple(expected.shape)}")
        expect_tensor(result, expected, what, check_device=False)


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


def call_batch_product(student, x, v, what):
    return naming_known_errors(lambda: student.call("batch_times_vectors", x, v), what, {
        "self must be a matrix": (60, "torch.mm multiplies two 2-D matrices only, and x is 3-D; torch.matmul "
                                      "(or @) treats the first dimension as a batch"),
        "must be a 3D tensor": (60, "torch.bmm wants two 3-D tensors, and v is 2-D: make each vector a (k, 1) "
                                    "column first"),
        "cannot be multiplied": (70, "x @ v takes v (B, k) as one matrix; make each vector a (k, 1) column "
                                     "first (unsqueeze)")})


class TestBatchProduct:
    @pytest.mark.parametrize("x_shape, seed", [((3, 2, 4), 61), ((1, 3, 3), 62), ((5, 1, 2), 63), ((2, 4, 3), 64),
                                               ((4, 3, 1), 65), ((2, 3, 2), 66)])
    def test_each_matrix_times_its_vector(self, student, device, x_shape, seed):
        x = seeded_ints(*x_shape, seed=seed, device=device)
        v = seeded_ints(x_shape[0], x_shape[2], seed=seed + 100, device=device)
        what = f"batch_times_vectors(x, v) for x of shape {x_shape} and v of shape {tuple(v.shape)}"
        result = call_batch_product(student, x, v, what)
        (batch, n, _) = x_shape
        if isinstance(result, torch.Tensor) and tuple(result.shape) == (batch, n, 1):
            fail(f"{what}: expected shape {(batch, n)}, got {(batch, n, 1)}: remove the dimension of size 1 that "
                 "the column added")
        if isinstance(result, torch.Tensor) and result.numel() == batch * n and tuple(result.shape) != (batch, n):
            fail(f"{what}: expected shape {(batch, n)}, got {tuple(result.shape)}: squeeze() removes every "
                 "dimension of size 1; remove only the one you added (squeeze(-1))")
        expect_tensor(result, reference.batch_times_vectors(x, v), what)

    @pytest.mark.side  # the meta device holds no values: this counts for an answer whose values are right
    def test_on_the_inputs_device(self, student):
        x, v = torch.empty((4, 3, 2), device=META), torch.empty((4, 2), device=META)
        what = "batch_times_vectors(x, v) for x (4, 3, 2) and v (4, 2) on the meta device"
        expect_tensor(call_on_meta(student, "batch_times_vectors", x, v, what=what),
                      reference.batch_times_vectors(x, v), what)

    @pytest.mark.gate
    def test_runs_where_its_inputs_are(self, student):
        runs_where_its_inputs_are(student, "batch_times_vectors", torch.empty((4, 3, 2), device=META),
                                  torch.empty((4, 2), device=META), what="batch_times_vectors(x, v) on the meta device")


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
