# case: correct: computed, with the lr as a one-element tensor and the epochs from integer arithmetic
# base: reference
# %% schedule-answer
def choose_schedule():
    lr = torch.tensor(0.05)
    epochs = 10 * 150
    return lr, epochs
