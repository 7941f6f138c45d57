# case: correct: the update written by hand, in place under torch.no_grad(), with the gradients zeroed by hand
# base: reference
# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    losses = []
    for _ in range(epochs):
        for p in model.parameters():
            p.grad = None
        loss = ((model(X) - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
    return losses
