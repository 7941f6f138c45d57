# case: mistake: a ReLU between the layers, negative_slope stored but never used
# base: reference
# expect: ann-check=0.5
# says: ann-check: a ReLU where the task has a leaky ReLU
# %% ann-answer
class MLP(nn.Module):

    def __init__(self, sizes, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)
