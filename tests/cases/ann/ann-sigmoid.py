# case: mistake: a sigmoid where the lesson's network has a ReLU
# base: reference
# expect: ann-check=0
# says: ann-check: values are wrong
# %% ann-answer
class ANN(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_layer = nn.Linear(1, 3)
        self.output_layer = nn.Linear(3, 1)

    def forward(self, x):
        return self.output_layer(torch.sigmoid(self.hidden_layer(x)))
