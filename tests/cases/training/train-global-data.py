# case: mistake: arguments renamed, so the loop trains on the notebook's global X and Y
# base: reference
# expect: train-check=0
# says: train-check: the notebook's global X and Y
# %% train-answer
def train(model, inputs, targets, lr=0.01, epochs=1000):
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
