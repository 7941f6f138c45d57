# case: mistake: the layers kept in a plain Python list, which nn.Module does not register
# base: reference
# expect: ann-check=0
# says: ann-check: layers kept in a plain Python list are not registered
# %% ann-answer
class MLP(nn.Module):

    def __init__(self, sizes, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope
        self.layers = [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.nn.functional.leaky_relu(layer(x), self.negative_slope)
        return self.layers[-1](x)
