# case: mistake: the right entries, as a copy (index_select), not a view
# base: reference
# expect: slice-check=0
# says: slice-check: returned a copy: writing into the result did not change those entries of x
# %% slice-answer
def every_other_row(x, k):
    rows = torch.arange(0, x.shape[0], 2, device=x.device)
    return x.index_select(0, rows)[:, x.shape[1] - k:]
