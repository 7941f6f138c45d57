# case: correct: F.mse_loss and model.zero_grad()
# base: reference
# %% train-answer
import torch.nn.functional as F


def train(model, X, Y, lr=0.01, epochs=1000):
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        model.zero_grad()
        loss = F.mse_loss(model(X), Y)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    return losses
