import NudgeCLI

await NudgeCommand.runMain()
