"""nbgrader's exchange as a course graded with the kit uses it: what `collect` takes in, what
`release_feedback` gives out (c.ExchangeFactory in nbgrader_config.py, so formgrader's buttons and
the command line both use them).

One module per exchange step, as nbgrader lays out its own exchange: collect.py, release_feedback.py.
"""
from autograder.nbgrader.exchange.collect import KitCollect
from autograder.nbgrader.exchange.release_feedback import KitReleaseFeedback

__all__ = ["KitCollect", "KitReleaseFeedback"]
