"""Reference solutions, generated from source/ notebooks (see autograder/authoring/solutions.py). The hidden tests use them as their oracle."""
