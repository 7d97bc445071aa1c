import Foundation
import Logging
import NudgeCore
import NudgeDelivery
import NudgeServer
import ServiceLifecycle

/// Delivers queued outbox messages through each channel's transport and records every outcome.
/// Also the rescuer: messages whose lease ran out (the process died mid-send) go back to the queue.
struct DispatcherService: Service {
    let database: DatabaseQueue
    let transports: [Channel: any MessageTransport]
    let retry: RetrySettings
    let wake: WakeSignal
    let logger: Logger
    let now: @Sendable () -> Date
    var batchSize = 200
    var lease: TimeInterval = 60

    func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                do {
                    let rescued = try await database.write { [now] tx in try tx.releaseExpiredLeases(now: now()) }
                    for message in rescued {
                        logger.warning(
                            "message returned to the queue after its lease ran out",
                            metadata: ["message.key": "\(message.key)"])
                    }
                    var delivered = 0
                    for channel in transports.keys.sorted() {
                        delivered += try await dispatch(channel)
                    }
                    if delivered > 0 { continue }
                    let next = try await database.read { try $0.earliestMessageDue() }
                    await wake.wait(seconds: next.map { $0.timeIntervalSince(now()) + 0.001 } ?? 3600)
                } catch {
                    logger.error("dispatching failed; retrying in 1s", metadata: ["error": "\(error)"])
                    await wake.wait(seconds: 1)
                }
            }
        } onGracefulShutdown: {
            wake.signal()
        }
    }

    /// Claims one batch of a channel's due messages, delivers them and records the outcomes; returns the count.
    private func dispatch(_ channel: Channel) async throws -> Int {
        guard let transport = transports[channel] else { return 0 }
        let moment = now()
        let claimed = try await database.write { [batchSize, lease] tx in
            try tx.claimMessages(channel: channel, now: moment, leaseUntil: moment + lease, limit: batchSize)
        }
        guard !claimed.isEmpty else { return 0 }
        var results: [(OutboxMessage, DeliveryResult, Int)] = []
        for message in claimed {
            let started = now()
            let result = await transport.deliver(message, now: started)
            results.append((message, result, Int((now().timeIntervalSince(started) * 1000).rounded())))
        }
        let finished = now()
        let outcomes = results
        let entries = try await database.write { [retry] tx in
            try outcomes.compactMap { message, result, latency in
                try Self.record(result, of: message, latency: latency, retry: retry, now: finished, in: tx)
            }
        }
        for entry in entries { logger.info("dispatch", metadata: DispatchMetadata.of(entry)) }
        return claimed.count
    }

    /// Writes the outcome of one attempt: the message's new state and a dispatch log row.
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
            case .retry(let at):
                state = .queued
                nextAttempt = at
                entry.status = .retrying
            case .giveUp(let final):
                state = final
                entry.status = final == .dead ? .dead : .failed
            }
        }
        guard try tx.finishAttempt(messageID: message.id, state: state, attempts: attempt, nextAttemptAt: nextAttempt)
        else { return nil }
        entry.seq = try tx.appendLog(entry)
        return entry
    }
}
