# case: correct: the output layer declared before the hidden layer (weights are matched by name)
# base: reference
# %% ann-answer
class ANN(nn.Module):
    def __init__(self):
        super().__init__()
        self.output_layer = nn.Linear(3, 1)
        self.hidden_layer = nn.Linear(1, 3)

    def forward(self, x):
        return self.output_layer(torch.relu(self.hidden_layer(x)))
