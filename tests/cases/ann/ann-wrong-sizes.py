# case: mistake: four hidden units instead of three
# base: reference
# expect: ann-check=0
# says: ann-check: expected parameters of shapes
# %% ann-answer
class ANN(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_layer = nn.Linear(1, 4)
        self.output_layer = nn.Linear(4, 1)

    def forward(self, x):
        return self.output_layer(torch.relu(self.hidden_layer(x)))
