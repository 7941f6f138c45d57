"""For course authors and the kit's own tests: solutions from source notebooks, case files, the corpus and its runs, check-ups."""
