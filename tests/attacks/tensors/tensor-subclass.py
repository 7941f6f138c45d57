# case: a torch.Tensor subclass whose comparisons always succeed, holding wrong numbers
# base: reference
# expect: matmul-check=0
# says: matmul-check: values are wrong

# %% matmul-answer
class AlwaysEqual(torch.Tensor):
    def __eq__(self, other):
        return torch.ones_like(other, dtype=torch.bool)

    def allclose(self, *args, **kwargs):
        return True


def matrix_product(a, b):
    return torch.zeros(a.shape[0], b.shape[1], device=a.device).as_subclass(AlwaysEqual)
