# case: mistake: the ones made on the cpu: right on a cpu grader, an error on a GPU; 0 on every grading machine (a gate)
# base: reference
# expect: bias-column-check=0
# says: bias-column-check: make it on x.device
# %% bias-column-answer
def with_bias_column(x):
    ones = torch.ones(x.shape[0], 1, dtype=x.dtype)
    return torch.cat([x, ones], dim=1)
