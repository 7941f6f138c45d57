# case: mistake: a hard-coded learning rate that ignores the lr argument
# base: reference
# expect: train-check=0
# says: train-check: pass lr to optim.SGD
# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
