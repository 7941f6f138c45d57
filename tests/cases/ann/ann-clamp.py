# case: correct: ReLU as clamp(min=0)
# base: reference
# %% ann-answer
class ANN(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_layer = nn.Linear(1, 3)
        self.output_layer = nn.Linear(3, 1)

    def forward(self, x):
        hidden = self.hidden_layer(x).clamp(min=0)
        return self.output_layer(hidden)
