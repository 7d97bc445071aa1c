// NudgeStore
