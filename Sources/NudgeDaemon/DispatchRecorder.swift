import Foundation
import NudgeCore

/// Writes the outcome of one delivery attempt: the message's next state (the core's retry policy decides) and a
/// dispatch log row.
enum DispatchRecorder {
    /// Returns the log entry written, or nil when the message was no longer being sent (its lease had ended and
    /// the rescuer had queued it again), in which case nothing is written.
    static func record(
        _ result: DeliveryResult, of message: OutboxMessage, latency: Int, retry: RetrySettings, now: Date,
        in tx: any StoreTransaction
    ) throws -> DispatchLogEntry? {
        let attempt = message.attempts + 1
        var entry = DispatchLogEntry(
            at: now, campaign: message.campaign, step: message.step, variant: message.variant,
            customerID: message.customerID, channel: message.channel, status: .sent, attempt: attempt,
            messageKey: message.key, latencyMilliseconds: latency)
        let state: OutboxMessage.State
        var nextAttempt: Date?
        var attempts = attempt
        switch result {
        case .sent(let providerID):
            state = .sent
            entry.providerID = providerID
        case .failed(let error, let permanent, let retryAfter):
            entry.error = error
            switch RetryPolicy.decide(
                attempts: attempt, permanent: permanent, settings: retry, now: now, jitter: Double.random(in: 0..<1),
                retryAfter: retryAfter)
            {
            case .retry(let at) where message.offerHasExpired(at: at):
                // The next attempt would come too late for the offer: give up now rather than queue a dead letter.
                state = .failed
                entry.status = .suppressed
                entry.reason = SuppressionReason.expired.rawValue
            case .retry(let at):
                state = .queued
                nextAttempt = at
                entry.status = .retrying
            case .giveUp(let final):
                state = final
                entry.status = final == .dead ? .dead : .failed
            }
        case .offerExpired(let expiry):
            state = .failed
            attempts = message.attempts
            entry.attempt = attempts
            entry.status = .suppressed
            entry.reason = SuppressionReason.expired.rawValue
            entry.error = "the offer expired at \(LogTime.format(expiry)) before the message could be sent"
        }
        guard try tx.finishAttempt(messageID: message.id, state: state, attempts: attempts, nextAttemptAt: nextAttempt)
        else { return nil }
        entry.seq = try tx.appendLog(entry)
        return entry
    }
}
