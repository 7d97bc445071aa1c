// NudgeDelivery
