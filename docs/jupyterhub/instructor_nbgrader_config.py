"""The instructor's ~/.jupyter/nbgrader_config.py: where the course is (a clone of the kit's
repository, inside the instructor's home, which formgrader needs to be under the server's root).
"""
c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file
c.CourseDirectory.root = "/home/instructor/course"
