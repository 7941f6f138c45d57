# case: mistake: the leaky ReLU after every layer, the output layer too
# base: reference
# expect: ann-check=0
# says: ann-check: a leaky ReLU follows the last layer too
# %% ann-answer
class MLP(nn.Module):

    def __init__(self, sizes, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for layer in self.layers:
            x = torch.nn.functional.leaky_relu(layer(x), self.negative_slope)
        return x
