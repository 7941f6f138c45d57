# case: a torch.Tensor subclass whose comparisons always succeed, holding wrong numbers
# base: reference
# expect: column-order-check=0
# says: column-order-check: values are wrong

# %% column-order-answer
class AlwaysEqual(torch.Tensor):
    def __eq__(self, other):
        return torch.ones_like(other, dtype=torch.bool)

    def allclose(self, *args, **kwargs):
        return True


def column_order(x):
    return torch.zeros(x.numel(), device=x.device).as_subclass(AlwaysEqual)
