# case: backprop by autograd in a thread of its own, where grad mode is on and the caller's saved-tensor hooks do not reach
# base: reference
# expect: backprop-check=0
# says: backprop-check: imports `threading` in line 1 of its answer cell

# %% backprop-answer
import threading


def backprop(W1, b1, W2, b2, X, Y):
    out = []

    def work():
        params = [p.detach().clone().requires_grad_() for p in (W1, b1, W2, b2)]
        nn.MSELoss()(torch.relu(X @ params[0].T + params[1]) @ params[2].T + params[3], Y).backward()
        out.extend(p.grad for p in params)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return tuple(out)
