# case: correct: resets the gradients after each step instead of before
# base: reference
# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = criterion(model(X), Y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    return losses
