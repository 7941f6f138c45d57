"""What nbgrader_config.py names: the preprocessors, the exporter, the gradebook engine sharing, the LMS collector and the late policy."""
