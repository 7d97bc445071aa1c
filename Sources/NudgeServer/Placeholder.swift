// NudgeServer
