# case: correct: the update written by hand, in place under torch.no_grad(), the gradients zeroed by hand, a while loop over the batches
# base: reference
# %% train-answer
def train(model, X, Y, lr, epochs, batch_size, generator):
    losses = []
    n = len(X)
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator).to(X.device)
        start = 0
        while start < n:
            rows = order[start:start + batch_size]
            loss = ((model(X[rows]) - Y[rows]) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
                    p.grad.zero_()
            losses.append(loss.item())
            start += batch_size
    return losses
