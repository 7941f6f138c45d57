# case: mistake: returns one loss per epoch (the mean of its batches) where the task asks for every step's
# base: reference
# expect: train-check=2.5
# says: train-check: one per epoch: the task asks for the loss of every step
# %% train-answer
def train(model, X, Y, lr, epochs, batch_size, generator):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        order = torch.randperm(len(X), generator=generator).to(X.device)
        epoch_losses = []
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = criterion(model(X[rows]), Y[rows])
            loss.backward()
            optimizer.step()
            epoch_losses.append(loss.item())
        losses.append(sum(epoch_losses) / len(epoch_losses))
    return losses
