# case: mistake: never calls optimizer.step()
# base: reference
# expect: train-check=0
# says: train-check: is optimizer.step() called after loss.backward()?
# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        losses.append(loss.item())
    return losses
