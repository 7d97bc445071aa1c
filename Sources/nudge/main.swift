import NudgeCLI

NudgeCommand.runMain()
