# case: functions return an object that claims to equal anything, with a plausible shape and dtype
# base: release
# expect:
# says: zeros-check: expected a torch.Tensor, got Anything

# %% zeros-answer
class Anything:
    shape = (5, 3)
    dtype = torch.float32

    def __eq__(self, other):
        return True

    def all(self):
        return True


def make_zeros(rows, cols):
    return Anything()
