import Foundation
import NudgeCore

/// Writes the outcomes of delivery attempts: each message's next state (the core's retry policy decides) and a
/// dispatch log row.
enum DispatchRecorder {
    /// One finished attempt.
    struct Outcome: Sendable {
        var result: DeliveryResult
        var message: OutboxMessage
        /// Milliseconds the attempt took.
        var latency: Int
    }

    /// Writes every outcome, the log rows together at the end, and returns the log entries written, in order. A
    /// message that was no longer being sent (its lease had ended and the rescuer had queued it again) gets
    /// nothing written and no entry.
    static func record(
        _ outcomes: [Outcome], retry: RetrySettings, now: Date, in tx: any StoreTransaction
    ) throws -> [DispatchLogEntry] {
        let decided = outcomes.map { decide($0, retry: retry, now: now) }
        let recorded = try tx.finishAttempts(decided.map(\.finished))
        var entries = zip(decided, recorded).compactMap { decision, recorded in recorded ? decision.entry : nil }
        for (index, seq) in try tx.appendLogs(entries).enumerated() { entries[index].seq = seq }
        return entries
    }

    /// One outcome; nil when the message was no longer being sent.
    static func record(
        _ result: DeliveryResult, of message: OutboxMessage, latency: Int, retry: RetrySettings, now: Date,
        in tx: any StoreTransaction
    ) throws -> DispatchLogEntry? {
        try record([Outcome(result: result, message: message, latency: latency)], retry: retry, now: now, in: tx).first
    }

    /// The message's state after the attempt, and the log row that says so.
    private static func decide(
        _ outcome: Outcome, retry: RetrySettings, now: Date
    ) -> (finished: FinishedAttempt, entry: DispatchLogEntry) {
        let message = outcome.message
        let attempt = message.attempts + 1
        var entry = DispatchLogEntry(
            at: now, campaign: message.campaign, step: message.step, variant: message.variant,
            customerID: message.customerID, channel: message.channel, status: .sent, attempt: attempt,
            messageKey: message.key, latencyMilliseconds: outcome.latency)
        var next = FinishedAttempt(messageID: message.id, state: .sent, attempts: attempt)
        switch outcome.result {
        case .sent(let providerID):
            entry.providerID = providerID
        case .failed(let error, let permanent, let retryAfter):
            entry.error = error
            switch RetryPolicy.decide(
                attempts: attempt, permanent: permanent, settings: retry, now: now, jitter: Double.random(in: 0..<1),
                retryAfter: retryAfter)
            {
            case .retry(let at) where message.isTooLateToSend(at: at):
                // The next attempt would come too late for the offer: give up now rather than queue a dead letter.
                next.state = .failed
                entry.status = .suppressed
                entry.reason = SuppressionReason.expired.rawValue
            case .retry(let at):
                next.state = .queued
                next.nextAttemptAt = at
                entry.status = .retrying
            case .giveUp(let final):
                next.state = final
                entry.status = final == .dead ? .dead : .failed
            }
        case .offerExpired(let expiry):
            next.state = .failed
            next.attempts = message.attempts
            entry.attempt = message.attempts
            entry.status = .suppressed
            entry.reason = SuppressionReason.expired.rawValue
            entry.error = "the offer expires at \(LogTime.format(expiry)): too late to send the message"
        }
        return (next, entry)
    }
}
