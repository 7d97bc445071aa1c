import Foundation
import Logging
import NudgeCore
import NudgeServer

/// Delivers one channel's queued messages: at most `concurrency` in flight (plus the transport's `readyAhead`,
/// prepared and waiting for a connection), started no faster than `rate`, with the outcomes taken back from the
/// transport and written in batches.
/// Each channel runs its own dispatcher, so a slow, failing or hung gateway holds up only its own channel.
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
    /// The most one attempt may take (the channel's `timeout`).
    let timeout: TimeInterval
    /// Outcomes written together in one transaction (fewer commits when gateways are fast).
    var flushEvery = 128

    /// What woke the loop.
    private enum Wakeup: Sendable {
        /// Attempts ended: every outcome the transport had handed over since the last time.
        case finished([DispatchRecorder.Outcome])
        /// Outcomes written and, when asked for, more messages claimed.
        case stored(claimed: [OutboxMessage], asked: Int)
        case signalled
    }

    /// Runs until `isStopping()` is true, then lets in-flight attempts finish, records them and returns the
    /// messages it had claimed but not started to the queue.
    ///
    /// Writing outcomes and claiming more (one transaction) runs beside the attempts, never in their way: the next
    /// batch is claimed while the last `slots` messages of the current one are still to start, so every
    /// connection stays busy while the database works.
    func run(isStopping: @escaping @Sendable () -> Bool) async {
        var bucket = rate.flatMap { TokenBucket(rate: $0) }
        var claimed: [OutboxMessage] = []
        var next = 0
        var finished: [DispatchRecorder.Outcome] = []
        let mailbox = OutcomeMailbox()
        var inFlight = 0
        /// Waiting for outcomes; only while attempts are in flight, so it always ends.
        var collecting = false
        /// A write (and claim) is running; one at a time.
        var storing = false
        /// The last claim came back short: the queue had nothing more due. Claim again only once every claimed
        /// message has started and something happened (an attempt finished, a signal, a deadline).
        var queueEmpty = false
        var poked = true
        var listening = false
        var listeningUntil = Date.distantFuture

        await withTaskGroup(of: Wakeup.self) { group in
            while true {
                let stopping = isStopping() || Task.isCancelled
                // Start what the concurrency and the rate allow.
                var rateWait: Date?
                while !stopping, inFlight < slots, next < claimed.count {
                    if let later = bucket?.take(now: now()) {
                        rateWait = later
                        break
                    }
                    let message = claimed[next]
                    next += 1
                    if let refused = refusal(of: message) {
                        finished.append(refused)
                    } else {
                        inFlight += 1
                        start(message, into: mailbox)
                    }
                }
                if inFlight > 0, !collecting {
                    collecting = true
                    let wanted = outcomesToWaitFor(inFlight: inFlight)
                    group.addTask { .finished(await mailbox.takeAll(atLeast: wanted)) }
                }
                let unstarted = claimed.count - next
                let claim = !stopping && (queueEmpty ? unstarted == 0 && poked : unstarted <= refillBelow)
                let flush = finished.count >= flushEvery || (inFlight == 0 && !finished.isEmpty)
                if !storing, claim || flush {
                    storing = true
                    poked = false
                    let outcomes = finished
                    finished.removeAll(keepingCapacity: true)
                    let asked = claim ? batchSize : 0
                    group.addTask { .stored(claimed: await flushAndClaim(outcomes, claim: asked), asked: asked) }
                }
                if stopping, inFlight == 0, !storing, finished.isEmpty { break }
                if !stopping {
                    // Sleep until a token, the next due message or new work, unless an attempt or the database
                    // answers first.
                    var until = rateWait
                    if inFlight == 0, !storing, unstarted == 0, until == nil { until = await nextDue() }
                    let deadline = until ?? now() + 3600
                    if listening {
                        // The pending wait ends too late: end it now; the next turn waits for the right time.
                        if deadline < listeningUntil { wake.signal() }
                    } else {
                        let seconds = deadline.timeIntervalSince(now())
                        if seconds <= 0 {
                            poked = true
                            continue
                        }
                        listening = true
                        listeningUntil = deadline
                        group.addTask { [wake] in
                            await wake.wait(seconds: seconds)
                            return .signalled
                        }
                    }
                }
                switch await group.next() {
                case .finished(let outcomes):
                    collecting = false
                    inFlight -= outcomes.count
                    precondition(inFlight >= 0, "a transport answered an attempt twice")
                    finished += outcomes
                    poked = true
                case .stored(let more, let asked):
                    storing = false
                    if asked > 0 {
                        queueEmpty = more.count < asked
                        claimed.removeFirst(next)
                        next = 0
                        claimed += more
                    }
                case .signalled:
                    listening = false
                    poked = true
                case nil:
                    break
                }
            }
            if listening { wake.signal() }
        }
        await returnUnstarted(Array(claimed[next...]))
    }

    /// How many finished attempts wake the loop. With attempts waiting ready behind busy connections, half of
    /// those: the connections stay busy while the loop records them and starts more, and a busy channel wakes
    /// the loop once per batch, not once per message. Otherwise (a connection is free, or will be as soon as
    /// one ends) the first.
    private func outcomesToWaitFor(inFlight: Int) -> Int {
        max(1, (inFlight - concurrency) / 2)
    }

    /// Attempts started and not finished, at most.
    private var slots: Int { concurrency + max(0, transport.readyAhead) }

    /// Messages claimed at once: enough to keep every connection busy between two claims. By connections, not
    /// by attempts started: messages waiting ready ahead do not make a claim larger, and `lease` grows with it.
    /// A channel with a rate claims no more than the rate starts in a minute.
    private var batchSize: Int {
        let busy = max(64, concurrency * 8)
        guard let rate else { return busy }
        return min(busy, max(1, Int(rate.perSecond * 60)))
    }

    /// How long a claimed message stays ours; past it, the rescuer returns it to the queue, and an attempt of it
    /// still running could be recorded against the wrong claim. So it covers the worst wait of the last message
    /// of a claim: a minute for its rate's tokens, then its turn behind every attempt ahead of it (up to `slots`
    /// in flight and `refillBelow` claimed but not started when it was claimed, and the rest of its claim),
    /// shared out between the connections and each running up to `timeout`, its own attempt, and the recording
    /// of its outcome. (A restart after a crash returns every claimed message at once, whatever the lease.)
    var lease: TimeInterval {
        let ahead = slots + refillBelow + batchSize
        let turns = (ahead + concurrency - 1) / concurrency
        return 60 + timeout * Double(turns + 2)
    }

    /// The next batch is claimed once this few messages of the current one are left to start. A channel with a
    /// rate starts messages slowly: it claims only when it has started all, so that no claim sits long enough
    /// for its lease to run out.
    private var refillBelow: Int { rate == nil ? slots : 0 }

    /// The outcome of a message that must not be handed to the gateway at all (its offer ends too soon).
    private func refusal(of message: OutboxMessage) -> DispatchRecorder.Outcome? {
        guard message.isTooLateToSend(at: now()), let expiry = message.content.offerExpiresAt else { return nil }
        return DispatchRecorder.Outcome(result: .offerExpired(expiry), message: message, latency: 0)
    }

    /// Hands `message` to the transport; its outcome arrives in `mailbox`.
    private func start(_ message: OutboxMessage, into mailbox: OutcomeMailbox) {
        let started = now()
        transport.start(message, now: started) { [now] result in
            mailbox.put(
                DispatchRecorder.Outcome(
                    result: result, message: message,
                    latency: Int((now().timeIntervalSince(started) * 1000).rounded())))
        }
    }

    /// Writes finished attempts and claims up to `limit` more due messages, in one transaction.
    private func flushAndClaim(_ outcomes: [DispatchRecorder.Outcome], claim limit: Int) async -> [OutboxMessage] {
        let moment = now()
        do {
            let (entries, claimed) = try await database.write { [channel, retry, lease] tx in
                let entries = try DispatchRecorder.record(outcomes, retry: retry, now: moment, in: tx)
                let claimed =
                    limit > 0
                    ? try tx.claimMessages(channel: channel, now: moment, leaseUntil: moment + lease, limit: limit) : []
                return (entries, claimed)
            }
            StandardStream.batch {
                for entry in entries {
                    logger.info("dispatch", metadata: DispatchMetadata.of(entry))
                    DaemonMetrics.shared.dispatched(entry)
                }
            }
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
