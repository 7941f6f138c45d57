# case: correct: an nn.LeakyReLU module kept beside the layers (it holds no parameters), the last layer apart
# base: reference
# %% ann-answer
class MLP(nn.Module):

    def __init__(self, sizes, negative_slope=0.01):
        super().__init__()
        self.activation = nn.LeakyReLU(negative_slope)
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])])

    def forward(self, x):
        *hidden, last = self.layers
        for layer in hidden:
            x = self.activation(layer(x))
        return last(x)
