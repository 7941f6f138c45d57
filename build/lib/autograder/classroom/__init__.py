"""A whole class: nbgrader autograde in parallel, on shards, into one gradebook."""
