# case: correct: the ModuleList filled by append, the leaky ReLU written with torch.where, enumerate to skip the last
# base: reference
# %% ann-answer
class MLP(nn.Module):

    def __init__(self, sizes, negative_slope=0.01):
        super(MLP, self).__init__()
        self.slope = negative_slope
        self.layers = nn.ModuleList()
        for i in range(len(sizes) - 1):
            self.layers.append(nn.Linear(sizes[i], sizes[i + 1]))

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.where(x > 0, x, self.slope * x)
        return x
