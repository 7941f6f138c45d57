# case: mistake: keeps each loss as a detached tensor instead of loss.item() (the values are right)
# base: reference
# expect: train-check=4.38
# says: train-check: (loss.item())
# %% train-answer
def train(model, X, Y, lr, epochs, batch_size, generator):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        order = torch.randperm(len(X), generator=generator).to(X.device)
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = criterion(model(X[rows]), Y[rows])
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
    return losses
