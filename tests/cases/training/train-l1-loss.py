# case: mistake: the L1 loss instead of the mean squared error
# base: reference
# expect: train-check=0
# says: train-check: use nn.MSELoss()
# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    criterion = nn.L1Loss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
