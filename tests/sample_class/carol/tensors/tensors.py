# case: partly wrong: a transposed matrix product, and a copy where a view is asked
# base: reference
# expect: matmul-check=0 row-view-check=0
# says: matmul-check: expected shape (3, 2), got (2, 3)
# says: row-view-check: returned a copy

# %% matmul-answer
def matrix_product(a, b):
    """The matrix product of a (n, k) and b (k, m): a tensor of shape (n, m)."""
    return (a @ b).T

# %% row-view-answer
def as_row(x):
    """A (1, N) view of x that shares its storage, N = x.numel()."""
    return x.reshape(1, -1).clone()
