# case: correct: the activations from torch (torch.relu, torch.sigmoid, torch.tanh)
# base: reference
# %% relu-answer
def relu(x):
    return torch.relu(x)

# %% sigmoid-answer
def sigmoid(x):
    return torch.sigmoid(x)

# %% tanh-answer
def tanh(x):
    return torch.tanh(x)
