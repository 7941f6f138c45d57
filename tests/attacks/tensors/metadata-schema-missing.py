# case: a correct submission whose answer cell has no schema_version (stock nbgrader ends the whole run): restored, full marks
# base: reference
# tamper: drop-meta uniform-answer schema_version
# expect:
