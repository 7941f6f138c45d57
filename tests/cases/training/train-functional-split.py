# case: correct: F.mse_loss, model.zero_grad(), the permutation cut with split and the rows picked with index_select
# base: reference
# %% train-answer
import torch.nn.functional as F


def train(model, X, Y, lr, epochs, batch_size, generator):
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for rows in torch.randperm(X.shape[0], generator=generator).split(batch_size):
            rows = rows.to(X.device)
            model.zero_grad()
            loss = F.mse_loss(model(X.index_select(0, rows)), Y.index_select(0, rows))
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
    return losses
