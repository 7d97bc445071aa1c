// NudgeTesting
