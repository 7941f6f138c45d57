"""The kit's nbconvert exporters for nbgrader, one per module as in nbgrader's own `exporters/`."""
from autograder.nbgrader.exporters.tolerant_notebook import TolerantNotebookExporter

__all__ = ["TolerantNotebookExporter"]
