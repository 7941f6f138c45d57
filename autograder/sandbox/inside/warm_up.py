"""What the zygote imports and runs before forking, so that each notebook's process starts warm.

`warm_up` runs once before the first fork: torch and the shell. The steps of `LATER_WARM_UP`
(plotting, graph drawing, the meta device) run later, while the zygote is idle (zygote.py).
"""
import gc
import io

import torch

from notebook_server import StudentShell, shell_config  # a sibling file: only this folder is bound in


def warm_up():
    """Import and exercise what every notebook uses (torch, the shell), so each forked child starts warm.

    Tensors stay tiny: torch then runs inline and starts no thread pool, and CUDA is never
    touched, so forking stays safe. Plotting, graph drawing and the meta device warm up later,
    while the zygote is idle (LATER_WARM_UP), so that the first notebook need not wait for them.
    """
    shell = StudentShell.instance(config=shell_config())  # first: the inline plot backend hooks into it
    # Plain tracebacks without colours: the default, with source context and syntax
    # highlighting, costs about 0.1 s per error, and a blank notebook raises in every check.
    shell.InteractiveTB.set_mode(mode="Plain")
    shell.colors = "nocolor"
    # Graphs (torchviz's drawings) shown as PNG, not SVG: the grader keeps only text and PNG or
    # JPEG pictures of a notebook's outputs, since an SVG can carry script into the pages people read.
    for module, name in (("graphviz.graphs", "Digraph"), ("graphviz.graphs", "Graph"), ("graphviz.sources", "Source")):
        shell.display_formatter.mimebundle_formatter.for_type_by_name(module, name, _graph_as_png)
    import torch.nn.functional  # noqa: F401
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = torch.nn.functional.mse_loss(model(torch.ones(4, 2)), torch.zeros(4, 1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    freeze()


def _graph_as_png(graph):
    return {"image/png": graph.pipe(format="png")}


def _import_plotting():
    import matplotlib.pyplot  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import numpy  # noqa: F401


def _import_graph_drawing():
    import torchviz  # noqa: F401


def _meta_tensors():
    """The first operation on the meta device loads torch's Python meta kernels (1.7 s here)."""
    (torch.ones(2, device="meta") + torch.ones(2, device="meta")).sum()


def _draw_once():
    """Draw and save one figure: fonts and the PNG writer load here, not in every notebook."""
    import matplotlib.pyplot as plt
    figure = plt.figure()
    plt.plot([1, 10, 100], label="warm-up")
    plt.yscale("log")
    plt.title("warm-up")
    plt.legend()
    figure.savefig(io.BytesIO(), format="png")
    plt.close("all")


# The rest of the warm-up, a few seconds that a run's first notebook would otherwise wait for:
# after that notebook has ended (a run of one notebook never pays for it), a step at a time (each a
# few tenths of a second) whenever no request is waiting. A child forked before it imports what
# it needs itself.
LATER_WARM_UP = [_import_plotting, _import_graph_drawing, _draw_once, _meta_tensors]


def freeze():
    """What the warm-up made lives as long as the zygote. Frozen, it is never walked by a child's
    garbage collections (faster, and the pages stay shared), and objects that hold the zygote's
    files (matplotlib's cached fonts, which a child drops at fork) are not finalized in a child
    after it closed their descriptors ("Exception ignored in close_file_callback")."""
    gc.collect()
    gc.freeze()
