import Foundation
import Logging
import NudgeCore
import NudgeServer

/// Delivers one channel's queued messages: at most `concurrency` in flight, started no faster than `rate`, with
/// the outcomes written in batches. Each channel runs its own dispatcher, so a slow, failing or hung gateway holds
/// up only its own channel.
struct ChannelDispatcher: Sendable {
    let channel: Channel
    let transport: any MessageTransport
    let concurrency: Int
    let rate: Rate?
    let database: DatabaseQueue
    let retry: RetrySettings
    /// Signalled when new messages may be due on this channel (or to stop waiting at shutdown).
    let wake: WakeSignal
    let logger: Logger
    let now: @Sendable () -> Date
    /// How long a claimed message stays ours; past it, the rescuer returns it to the queue.
    let lease: TimeInterval
    /// Outcomes written together in one transaction (fewer commits when gateways are fast).
    var flushEvery = 128

    /// One finished attempt, waiting to be written.
    private struct Attempt: Sendable {
        var message: OutboxMessage
        var result: DeliveryResult
        var latency: Int
    }

    /// What woke the loop while messages were in flight.
    private enum Wakeup: Sendable {
        case finished(Attempt)
        case signalled
    }

    /// Runs until `isStopping()` is true, then lets in-flight attempts finish, records them and returns the
    /// messages it had claimed but not started to the queue.
    func run(isStopping: @escaping @Sendable () -> Bool) async {
        var bucket = rate.flatMap { TokenBucket(rate: $0) }
        var claimed: [OutboxMessage] = []
        var next = 0
        var finished: [Attempt] = []
        var inFlight = 0
        var listening = false
        var listeningUntil = Date.distantFuture

        await withTaskGroup(of: Wakeup.self) { group in
            while true {
                let stopping = isStopping() || Task.isCancelled
                // Start what the concurrency and the rate allow.
                var rateWait: Date?
                while !stopping, inFlight < concurrency, next < claimed.count {
                    if let later = bucket?.take(now: now()) {
                        rateWait = later
                        break
                    }
                    let message = claimed[next]
                    next += 1
                    inFlight += 1
                    group.addTask { .finished(await attempt(message)) }
                }
                let needWork = !stopping && next == claimed.count
                if needWork || finished.count >= flushEvery || (inFlight == 0 && !finished.isEmpty) {
                    let more = await flushAndClaim(finished, claim: needWork ? batchSize : 0)
                    finished.removeAll(keepingCapacity: true)
                    if needWork {
                        claimed = more
                        next = 0
                        if !claimed.isEmpty { continue }
                    }
                }
                if stopping, inFlight == 0 { break }
                if !stopping {
                    // Sleep until a token, the next due message or new work, unless an attempt finishes first.
                    var until = rateWait
                    if inFlight == 0, until == nil { until = await nextDue() }
                    let deadline = until ?? now() + 3600
                    if listening {
                        // The pending wait ends too late: end it now; the next turn waits for the right time.
                        if deadline < listeningUntil { wake.signal() }
                    } else {
                        let seconds = deadline.timeIntervalSince(now())
                        if seconds <= 0 { continue }
                        listening = true
                        listeningUntil = deadline
                        group.addTask { [wake] in
                            await wake.wait(seconds: seconds)
                            return .signalled
                        }
                    }
                }
                switch await group.next() {
                case .finished(let attempt):
                    inFlight -= 1
                    finished.append(attempt)
                case .signalled:
                    listening = false
                case nil:
                    break
                }
            }
            if listening { wake.signal() }
        }
        await returnUnstarted(Array(claimed[next...]))
    }

    /// Messages claimed at once: enough to keep every connection busy between two claims.
    private var batchSize: Int { max(64, concurrency * 4) }

    private func attempt(_ message: OutboxMessage) async -> Attempt {
        let started = now()
        let result = await transport.deliver(message, now: started)
        return Attempt(message: message, result: result, latency: Int((now().timeIntervalSince(started) * 1000).rounded()))
    }

    /// Writes finished attempts and claims up to `limit` more due messages, in one transaction.
    private func flushAndClaim(_ attempts: [Attempt], claim limit: Int) async -> [OutboxMessage] {
        let moment = now()
        do {
            let (entries, claimed) = try await database.write { [channel, retry, lease] tx in
                let entries = try attempts.compactMap { attempt in
                    try DispatchRecorder.record(
                        attempt.result, of: attempt.message, latency: attempt.latency, retry: retry, now: moment, in: tx)
                }
                let claimed =
                    limit > 0
                    ? try tx.claimMessages(channel: channel, now: moment, leaseUntil: moment + lease, limit: limit) : []
                return (entries, claimed)
            }
            for entry in entries { logger.info("dispatch", metadata: DispatchMetadata.of(entry)) }
            return claimed
        } catch {
            // The attempts stay `sending` until their lease ends; the rescuer then queues them again.
            logger.error(
                "recording delivery outcomes failed; the messages will be retried after their lease",
                metadata: ["channel": "\(channel.rawValue)", "error": "\(error)"])
            try? await Task.sleep(for: .seconds(1))
            return []
        }
    }

    private func nextDue() async -> Date? {
        (try? await database.read { [channel] in try $0.earliestMessageDue(channel: channel) }) ?? nil
    }

    /// Gives claimed messages that were never started back to the queue, unchanged.
    private func returnUnstarted(_ messages: [OutboxMessage]) async {
        guard !messages.isEmpty else { return }
        let moment = now()
        _ = try? await database.write { tx in
            for message in messages {
                _ = try tx.finishAttempt(
                    messageID: message.id, state: .queued, attempts: message.attempts, nextAttemptAt: moment)
            }
        }
    }
}
