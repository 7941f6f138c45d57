# case: partly wrong: the forward pass forgets the activation between the layers
# base: reference
# expect: ann-check=0
# says: ann-check: apply ReLU to the hidden layer's output

# %% ann-answer
class ANN(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_layer = nn.Linear(1, 3)
        self.output_layer = nn.Linear(3, 1)

    def forward(self, x):
        return self.output_layer(self.hidden_layer(x))
