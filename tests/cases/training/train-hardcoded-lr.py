# case: mistake: a hard-coded learning rate that ignores the lr argument
# base: reference
# expect: train-check=1.88
# says: train-check: pass lr to optim.SGD
# %% train-answer
def train(model, X, Y, lr, epochs, batch_size, generator):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    optimizer = optim.SGD(model.parameters(), lr=0.01)
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
