# case: mistake: ReLU applied to the input instead of the hidden layer's output
# base: reference
# expect: ann-check=0
# says: ann-check: ReLU is applied to the input x
# %% ann-answer
class ANN(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_layer = nn.Linear(1, 3)
        self.output_layer = nn.Linear(3, 1)

    def forward(self, x):
        return self.output_layer(self.hidden_layer(torch.relu(x)))
