# case: mistake: trains a new ANN() made inside train, so the model passed in never changes
# base: reference
# expect: train-check=0
# says: train-check: the parameters of the model passed to train did not change
# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    model = ANN().to(X.device)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
