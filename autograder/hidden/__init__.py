"""Hidden tests: one module per exercise set, one class per graded item. Never released to students."""
