"""What nbgrader_config.py names: the preprocessors, the exporter, the gradebook engine sharing, the LMS collector and the late policy; and nbgrader's command line as the kit runs it (command.py)."""
