# case: mistake: the ones made where x is but as float32, which turns a float16 or bfloat16 result into float32
# base: reference
# expect: bias-column-check=1.5
# says: bias-column-check: make the ones with x's dtype
# %% bias-column-answer
def with_bias_column(x):
    ones = torch.ones(x.shape[0], 1, device=x.device)
    return torch.cat([x, ones], dim=1)
