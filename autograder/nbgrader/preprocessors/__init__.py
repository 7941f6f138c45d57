"""The kit's nbgrader preprocessors, one per module as in nbgrader's own `preprocessors/`."""
from autograder.nbgrader.preprocessors.batched_gradebook import BatchedOverwriteCells, BatchedSaveAutoGrades
from autograder.nbgrader.preprocessors.grade_with_hidden_tests import GradeWithHiddenTests
from autograder.nbgrader.preprocessors.restore_release_metadata import RestoreReleaseMetadata

__all__ = ["BatchedOverwriteCells", "BatchedSaveAutoGrades", "GradeWithHiddenTests", "RestoreReleaseMetadata"]
