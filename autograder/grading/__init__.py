"""One notebook in, results out: run its cells in the sandbox, score each test cell by its hidden tests."""
