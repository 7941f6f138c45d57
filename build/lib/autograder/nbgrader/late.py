"""The course's late policy, as an nbgrader LateSubmissionPlugin (configured in nbgrader_config.py)."""
from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float


class DeductPerDayLate(LateSubmissionPlugin):
    """A late notebook loses `fraction_per_day` of its score for every started day (24 h) past the due date."""

    fraction_per_day = Float(0.1, help="Fraction of the score deducted per started day late").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        days = math.ceil(total_seconds_late / 86400)
        penalty = round(min(score, score * self.fraction_per_day * days), 2)
        self.log.warning("%s is late by %d started day(s): %.2f of %.2f points deducted",
                         student_id, days, penalty, score)
        return penalty
