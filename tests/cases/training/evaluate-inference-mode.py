# case: correct: torch.inference_mode for evaluation, torch.split, and the noise drawn before X
# base: reference
# %% data-answer
def make_data(n):
    noise = torch.randn(n, 1)
    X = torch.randn(n, 1)
    return X, 3 * X + 2 + 0.1 * noise

# %% evaluate-answer
def evaluate(model, X, batch_size):
    model.eval()
    with torch.inference_mode():
        return torch.cat([model(x) for x in torch.split(X, batch_size)])
