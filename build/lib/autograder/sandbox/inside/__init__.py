"""The only code bound into the sandbox: the worker and the files it imports."""
