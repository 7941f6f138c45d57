# case: wraps the notebook server's request handler, records the code the grader defines in the student's process, and raises it into the feedback from loss_gradient and fit_line (the stand-ins show up; no reference solution does)
# base: reference
# expect: loss-gradient-check=0 fit-check=0
# says: loss-gradient-check: SENT BY THE GRADER: def log_cosh(y_hat, y)
# says: fit-check: SENT BY THE GRADER:
# never-says: loss-gradient-check: ** 2).sum() / (2 * y.numel())
# never-says: loss-gradient-check: (y_hat - y).abs().mean()
# never-says: fit-check: ** 2).mean()
# never-says: fit-check: (error * x).mean()

# %% after setup
import sys

SENT = []
_server = sys.modules["notebook_server"].NotebookServer
_handle = _server.handle


def _recording(self, request):
    if request.get("op") == "define":
        SENT.append(request.get("code"))
    return _handle(self, request)


_server.handle = _recording

# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    raise RuntimeError("SENT BY THE GRADER: " + " ".join(" ".join(SENT).split()))

# %% fit-answer
def fit_line(x, y, lr, steps, loss_fn, step_fn):
    raise RuntimeError("SENT BY THE GRADER: " + " ".join(" ".join(SENT[-1:]).split()))
