"""torch._dynamo, imported only when code asks for it.

torch imports its compiler, torch._dynamo (about 1.2 s, a third of a grading run's start-up),
the first time a function wrapped by torch._compile._disable_dynamo runs, as every
torch.optim optimizer's constructor does, only to mark that function "not to be traced by
torch.compile". Outside torch.compile the mark changes nothing. `install()` puts a stand-in
module in its place: its `disable` runs the function as it is until the real torch._dynamo
is loaded, and then asks the real one; anything else asked of the stand-in (torch.compile,
torch._dynamo.config, ...) loads the real module first.

Installed in the zygote (so no notebook pays for it unless it uses torch.compile) and in the
grader (autograder/grading/startup.py, at its start), which trains the reference models.
"""
from __future__ import annotations

import importlib
import sys
import types

NAME = "torch._dynamo"


class _DynamoOnDemand(types.ModuleType):
    """Stands in for torch._dynamo until something other than `disable` is asked of it."""

    def disable(self, fn=None, recursive=True, *, reason=None, wrapping=True):
        if fn is None:  # used as @disable(...): the decorator
            return lambda f: self.disable(f, recursive, reason=reason, wrapping=wrapping)
        real_disabled = None

        def on_demand(*args, **kwargs):
            nonlocal real_disabled
            if real_disabled is None:
                if not _real_loaded():
                    return fn(*args, **kwargs)  # nothing can be tracing it: dynamo is not loaded
                real_disabled = _real().disable(fn, recursive, reason=reason, wrapping=wrapping)
            return real_disabled(*args, **kwargs)

        on_demand.__wrapped__ = fn
        return on_demand

    def graph_break(self, msg=""):
        """A no-op outside torch.compile (every optimizer step calls it twice)."""
        if _real_loaded():
            _real().graph_break(msg)

    def __getattr__(self, name):
        # Module protocol lookups load nothing, except __path__ (importing a submodule such as
        # torch._dynamo.config) and __all__ (import *), which need the real package.
        if name.startswith("__") and name.endswith("__") and name not in ("__path__", "__all__"):
            raise AttributeError(name)
        return getattr(_real(), name)


def _real_loaded() -> bool:
    module = sys.modules.get(NAME)
    return module is not None and not isinstance(module, _DynamoOnDemand)


def _real() -> types.ModuleType:
    """The real torch._dynamo, imported on first use (the import sets torch._dynamo too)."""
    if not _real_loaded():
        if isinstance(sys.modules.get(NAME), _DynamoOnDemand):
            del sys.modules[NAME]
        importlib.import_module(NAME)
    return sys.modules[NAME]


def install() -> None:
    """Put the stand-in in place, unless torch._dynamo is loaded already; before or after torch's
    own import (torch finds its lazy submodules in sys.modules)."""
    if NAME not in sys.modules:
        sys.modules[NAME] = _DynamoOnDemand(NAME, __doc__)


def real_loaded() -> bool:
    """Whether the real torch._dynamo has been imported (what tests check)."""
    return _real_loaded()
