"""What grading produced, written out: class summaries, CSV and Gradescope results."""
