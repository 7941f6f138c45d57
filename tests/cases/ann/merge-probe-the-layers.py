# case: correct: reads the merged layer off the two layers' outputs (the bias at x = 0, the weight from unit inputs)
# base: reference
# %% merge-answer
def merge_linear(first, second):
    with torch.no_grad():
        n_in = first.in_features
        bias = second(first(torch.zeros(1, n_in, device=first.weight.device)))[0]
        columns = second(first(torch.eye(n_in, device=first.weight.device))) - bias
        return columns.T, bias
