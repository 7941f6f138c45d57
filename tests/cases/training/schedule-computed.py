# case: correct: computed, with the lr as a one-element tensor and the epochs from integer arithmetic
# base: reference
# %% schedule-answer
def choose_schedule():
    lr = torch.tensor(0.04)
    epochs = 10 * 400
    return lr, epochs
