# case: correct: one draw of shape (n, 2), split into X and the noise (two independent standard normals)
# base: reference
# %% data-answer
def make_data(n):
    draws = torch.randn(n, 2)
    X, noise = draws[:, :1], draws[:, 1:]
    return X.contiguous(), 3 * X + 2 + 0.1 * noise
