# case: mistake: F.leaky_relu with its own default slope, the negative_slope passed in ignored
# base: reference
# expect: ann-check=1
# says: ann-check: the slope is 0.01 where negative_slope = 0.2 was passed
# %% ann-answer
class MLP(nn.Module):

    def __init__(self, sizes, negative_slope=0.01):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.nn.functional.leaky_relu(layer(x))
        return self.layers[-1](x)
