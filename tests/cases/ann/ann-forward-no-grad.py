# case: mistake: runs the forward pass under torch.no_grad(), so the output carries no gradient back to the layers (the outputs are right)
# base: reference
# expect: ann-check=1.6
# says: ann-check: your forward's output is cut off from the network's graph
# %% ann-answer
class ANN(nn.Module):

    def __init__(self):
        super().__init__()
        self.hidden_layer = nn.Linear(1, 3)
        self.output_layer = nn.Linear(3, 1)

    def forward(self, x):
        with torch.no_grad():
            return self.output_layer(torch.relu(self.hidden_layer(x)))
