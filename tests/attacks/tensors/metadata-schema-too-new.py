# case: a correct submission whose answer cell claims an nbgrader schema_version from the future (stock nbgrader ends the whole run): restored, full marks
# base: reference
# tamper: set-meta zeros-answer schema_version 99
# expect:
