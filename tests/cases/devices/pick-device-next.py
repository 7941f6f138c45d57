# case: correct: next() over the names whose device is available, the cpu as its default
# base: reference
# %% pick-device-answer
def pick_device(preference):
    def available(name):
        return {"cuda": torch.cuda.is_available, "mps": torch.backends.mps.is_available}.get(name, lambda: True)()

    return torch.device(next((name for name in preference if available(name)), "cpu"))
