# case: correct: resets the gradients after each step instead of before, the number of batches worked out first
# base: reference
# %% train-answer
import math


def train(model, X, Y, lr, epochs, batch_size, generator):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        order = torch.randperm(len(X), generator=generator).to(X.device)
        for b in range(math.ceil(len(X) / batch_size)):
            rows = order[b * batch_size:(b + 1) * batch_size]
            loss = criterion(model(X[rows]), Y[rows])
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
    return losses
