# case: mistake: one permutation drawn before the loop over epochs, the same order every epoch
# base: reference
# expect: train-check=1.88
# says: train-check: draw a new permutation at the start of each epoch
# %% train-answer
def train(model, X, Y, lr, epochs, batch_size, generator):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    order = torch.randperm(len(X), generator=generator).to(X.device)
    for epoch in range(epochs):
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = criterion(model(X[rows]), Y[rows])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
