"""Reference solutions, generated from source/ notebooks (see autograder/authoring.py). The hidden tests use them as their oracle."""
