# case: mistake: the L1 loss instead of the mean squared error
# base: reference
# expect: train-check=1.88
# says: train-check: the mean squared error (nn.MSELoss()) of the first batch
# %% train-answer
def train(model, X, Y, lr, epochs, batch_size, generator):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    criterion = nn.L1Loss()
    for epoch in range(epochs):
        order = torch.randperm(len(X), generator=generator).to(X.device)
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = criterion(model(X[rows]), Y[rows])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
