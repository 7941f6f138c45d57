# case: mistake: a hand-written update that rebinds the loop variable, so no parameter moves
# base: reference
# expect: train-check=0
# says: train-check: only rebinds the name p
# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    criterion = nn.MSELoss()
    losses = []
    for _ in range(epochs):
        model.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p = p - lr * p.grad
        losses.append(loss.item())
    return losses
