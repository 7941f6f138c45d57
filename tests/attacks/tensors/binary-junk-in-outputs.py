# case: a correct notebook whose outputs hold raw bytes that are not UTF-8: outputs dropped, full marks
# base: reference
# file: binary-outputs
# expect:
