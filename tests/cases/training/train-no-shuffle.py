# case: mistake: the batches taken in the data's order, never shuffled
# base: reference
# expect: train-check=1.88
# says: train-check: the data's order
# %% train-answer
def train(model, X, Y, lr, epochs, batch_size, generator):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        for start in range(0, len(X), batch_size):
            optimizer.zero_grad()
            loss = criterion(model(X[start:start + batch_size]), Y[start:start + batch_size])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
