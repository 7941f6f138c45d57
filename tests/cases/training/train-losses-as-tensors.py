# case: mistake: keeps each loss as a detached tensor instead of loss.item() (the values are right)
# base: reference
# expect: train-check=3.2
# says: train-check: expected a Python float, got a tensor
# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return losses
