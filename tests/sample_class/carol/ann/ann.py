# case: partly wrong: the forward pass forgets the activation between the layers
# base: reference
# expect: ann-check=0.5
# says: ann-check: apply a leaky ReLU to the output of every layer but the last

# %% ann-answer
class MLP(nn.Module):
    def __init__(self, sizes, negative_slope=0.01):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
