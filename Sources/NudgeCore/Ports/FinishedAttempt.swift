import Foundation

/// A delivery attempt's effect on its message, as the store records it: the message's new state, its attempt
/// count, and when to try again (nil keeps the time it has).
public struct FinishedAttempt: Sendable, Hashable {
    public var messageID: Int64
    public var state: OutboxMessage.State
    public var attempts: Int
    public var nextAttemptAt: Date?

    public init(messageID: Int64, state: OutboxMessage.State, attempts: Int, nextAttemptAt: Date? = nil) {
        self.messageID = messageID
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }
}
