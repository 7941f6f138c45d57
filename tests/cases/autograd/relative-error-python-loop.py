# case: correct: a loop over the entries as Python floats
# base: reference
# %% relative-error-answer
def relative_error(a, b):
    largest = 0.0
    for p, q in zip(a.flatten().tolist(), b.flatten().tolist()):
        if p != 0 or q != 0:
            largest = max(largest, abs(p - q) / max(abs(p), abs(q)))
    return largest
