# case: mistake: the whole training loop inside torch.no_grad()
# base: reference
# expect: train-check=0
# says: train-check: is the training inside torch.no_grad()?
# %% train-answer
def train(model, X, Y, lr, epochs, batch_size, generator):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    with torch.no_grad():
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
