import Foundation
import Logging
import NudgeCore
import NudgeServer
import ServiceLifecycle

/// Decides due steps. Sleeps until the earliest `next_due_at` (or until woken by new enrollments); never polls.
struct SchedulerService: Service {
    let database: DatabaseQueue
    let runtime: RuntimeState
    let wake: WakeSignal
    /// Woken when messages were queued.
    let dispatcherWake: WakeSignal
    let logger: Logger
    let now: @Sendable () -> Date
    var batchSize = 500

    func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                do {
                    if try await pass(at: now()) { continue }
                    let next = try await database.read { try $0.earliestEnrollmentDue() }
                    await wake.wait(seconds: next.map { $0.timeIntervalSince(now()) } ?? 3600)
                } catch {
                    logger.error("scheduling failed; retrying in 1s", metadata: ["error": "\(error)"])
                    await wake.wait(seconds: 1)
                }
            }
        } onGracefulShutdown: {
            wake.signal()
        }
    }

    /// Decides up to `batchSize` steps due at `moment`, logs them and wakes the dispatchers when messages were
    /// queued. True when there may be more due.
    func pass(at moment: Date) async throws -> Bool {
        let engine = runtime.engine
        let results = try await database.write { [batchSize] tx in
            try engine.runDueSteps(in: tx, now: moment, limit: batchSize)
        }
        for result in results { log(result) }
        if results.contains(where: { if case .queued = $0.outcome { true } else { false } }) {
            dispatcherWake.signal()
        }
        return results.count == batchSize
    }

    private func log(_ result: JourneyEngine.StepResult) {
        guard let entry = result.log else {
            if case .skipped(let removed, let next) = result.outcome {
                logger.info(
                    "step removed from the campaign; skipped",
                    metadata: [
                        "campaign.id": "\(result.enrollment.campaign)", "customer.id": "\(result.enrollment.customerID)",
                        "step.id": "\(removed)", "next_step": "\(next ?? "none: enrollment completed")",
                    ])
            }
            if case .ended(let reason) = result.outcome {
                logger.info(
                    "enrollment ended",
                    metadata: [
                        "campaign.id": "\(result.enrollment.campaign)", "customer.id": "\(result.enrollment.customerID)",
                        "reason": "\(reason)",
                    ])
            }
            return
        }
        logger.info("dispatch", metadata: DispatchMetadata.of(entry))
        DaemonMetrics.shared.dispatched(entry)
    }
}

/// The structured fields of one dispatch log row, for journald.
enum DispatchMetadata {
    static func of(_ entry: DispatchLogEntry) -> Logger.Metadata {
        var fields: Logger.Metadata = [:]
        fields.reserveCapacity(12)
        fields["seq"] = .string(String(entry.seq))
        fields["campaign.id"] = .string(entry.campaign)
        fields["step.id"] = .string(entry.step)
        fields["customer.id"] = .string(entry.customerID)
        fields["channel"] = .string(entry.channel.rawValue)
        fields["status"] = .string(entry.status.rawValue)
        if let variant = entry.variant { fields["variant"] = .string(variant) }
        if let reason = entry.reason { fields["reason"] = .string(reason) }
        if let key = entry.messageKey { fields["message.key"] = .string(key) }
        if entry.attempt > 0 { fields["attempt"] = .string(String(entry.attempt)) }
        if let latency = entry.latencyMilliseconds { fields["latency_ms"] = .string(String(latency)) }
        if let error = entry.error { fields["error"] = .string(error) }
        return fields
    }
}
