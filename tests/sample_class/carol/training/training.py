# case: partly wrong: the training loop never resets the gradients
# base: reference
# expect: train-check=1.88
# says: train-check: call optimizer.zero_grad() before each step

# %% train-answer
def train(model, X, Y, lr, epochs, batch_size, generator):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        order = torch.randperm(len(X), generator=generator).to(X.device)
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            loss = criterion(model(X[rows]), Y[rows])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
