# case: mistake: the whole training loop inside torch.no_grad()
# base: reference
# expect: train-check=0
# says: train-check: is the training inside torch.no_grad()?
# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    with torch.no_grad():
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = criterion(model(X), Y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
