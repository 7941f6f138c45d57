"""nbgrader's configuration for every user's server on the hub (students and instructor alike).

jupyterhub_config.py names this file's folder in JUPYTER_CONFIG_PATH; on a hub of your own it can
as well be /etc/jupyter/nbgrader_config.py. The instructor's own ~/.jupyter/nbgrader_config.py
(instructor_nbgrader_config.py here) adds where the course is; the course's nbgrader_config.py
(the kit's, in the course folder) adds the rest: the course id, the kit's grading engine, the limits.
"""
c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

# The exchange: a folder that every user can write (mode 777, as nbgrader's documentation says, plus the
# sticky bit, 1777, so that no student can rename the instructor's course folder and put their own there);
# nbgrader makes <course>/outbound (755), <course>/inbound (733: students write, only the
# instructor lists) and <course>/feedback (711) in it.
c.Exchange.root = "/srv/nbgrader/exchange"

# nbgrader validate cuts every line of an error at Validator.width characters (90 by default), which leaves a
# check's message some 65 characters after the indent and "AssertionError: ": the kit's messages name the cause
# first, and a wider line keeps the fix after it too (tests/test_validate.py).
c.Validator.width = 240
