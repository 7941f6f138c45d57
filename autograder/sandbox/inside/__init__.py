"""The only code bound into the sandbox: every .py file of this folder (listed by
autograder/sandbox/bubblewrap.py), the zygote and what it imports.

They import only the standard library, torch, IPython and each other: as top-level modules,
since the zygote runs as a script from this folder. The grader imports wire, cgroups,
gpu_memory and lazy_dynamo as modules of this package, so those four import no sibling."""
