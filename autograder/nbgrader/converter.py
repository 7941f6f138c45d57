"""The course of the nbgrader converter a preprocessor or exporter runs in, and a submission's release notebook."""
from __future__ import annotations

from autograder.nbgrader.course import Course


def converter_course(owner) -> Course | None:
    """The course of the nbgrader converter above `owner` (a preprocessor or the exporter), with its app's
    configuration; None outside one."""
    while owner is not None and getattr(owner, "coursedir", None) is None:
        owner = getattr(owner, "parent", None)
    return Course(directory=owner.coursedir) if owner is not None else None


def release_notebook(owner, resources) -> str | None:
    """The release notebook of the submission in `resources` (release/<assignment>/<notebook>.ipynb)
    in the course of the nbgrader converter above `owner` (a preprocessor or the exporter)."""
    info = (resources or {}).get("nbgrader", {})
    course = converter_course(owner)
    if course is None or "assignment" not in info or "notebook" not in info:
        return None
    return str(course.release(info["assignment"], info["notebook"]))
