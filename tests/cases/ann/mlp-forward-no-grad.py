# case: mistake: runs the forward pass under torch.no_grad(), so the output carries no gradient back to the layers (the outputs are right)
# base: reference
# expect: ann-check=2.5
# says: ann-check: your forward's output is cut off from the network's graph
# %% ann-answer
class MLP(nn.Module):

    def __init__(self, sizes, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        with torch.no_grad():
            for layer in self.layers[:-1]:
                x = torch.nn.functional.leaky_relu(layer(x), self.negative_slope)
            return self.layers[-1](x)
