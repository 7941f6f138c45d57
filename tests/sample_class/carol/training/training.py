# case: partly wrong: the training loop never resets the gradients
# base: reference
# expect: train-check=0
# says: train-check: call optimizer.zero_grad() each epoch

# %% train-answer
def train(model, X, Y, lr=0.01, epochs=1000):
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        outputs = model(X)
        loss = criterion(outputs, Y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
