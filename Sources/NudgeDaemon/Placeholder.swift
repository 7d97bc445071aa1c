// NudgeDaemon
