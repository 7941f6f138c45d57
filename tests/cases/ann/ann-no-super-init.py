# case: mistake: forgets super().__init__(), so nn.Module cannot register the layers
# base: reference
# expect: ann-check=0
# says: ann-check: cannot assign module before Module.__init__() call
# %% ann-answer
class ANN(nn.Module):
    def __init__(self):
        self.hidden_layer = nn.Linear(1, 3)
        self.output_layer = nn.Linear(3, 1)

    def forward(self, x):
        return self.output_layer(torch.relu(self.hidden_layer(x)))
