import Foundation
import Logging
import NudgeCore
import NudgeServer
import ServiceLifecycle

/// The work that only time brings: stage changes that need only time to pass
/// (`since(customer.last_purchase_at) > 90d`) and dated promotions (`schedule` triggers). Sleeps until the
/// earliest customer's `stageCheckAt` or the next promotion's start, at most `stage_sweep`, then re-evaluates
/// only the customers due, found by index (never a scan of every customer), and enrolls promotions in batches.
struct StageSweepService: Service {
    let database: DatabaseQueue
    let runtime: RuntimeState
    /// The longest sleep: a new customer's check time is noticed within it.
    let interval: TimeInterval
    /// Woken when the sweep enrolled customers.
    let schedulerWake: WakeSignal
    let logger: Logger
    let now: @Sendable () -> Date
    /// Signalled after ingest: a new customer may be due sooner than the sweep planned to wake.
    let wake: WakeSignal
    var batchSize = 500

    func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                do {
                    let engine = runtime.engine
                    let moment = now()
                    let (checked, more) = try await pass(at: moment)
                    if more { continue }
                    let stageCheck = try await database.read { try $0.earliestStageCheck() }
                    let next = [stageCheck, engine.nextScheduleStart(after: moment)].compactMap { $0 }.min()
                    let wait = min(interval, next.map { $0.timeIntervalSince(now()) } ?? interval)
                    // A check time already past that found nobody to check would otherwise loop without pause.
                    await wake.wait(seconds: max(checked == 0 ? 1 : 0, wait))
                } catch {
                    logger.error("stage sweep failed; retrying in 1s", metadata: ["error": "\(error)"])
                    await wake.wait(seconds: 1)
                }
            }
        } onGracefulShutdown: {
            wake.signal()
        }
    }

    /// Re-evaluates up to `batchSize` customers whose stage check is due at `moment` and enrolls a batch of any
    /// dated promotion that has begun; logs what changed and wakes the scheduler when anyone was enrolled or left.
    /// Returns how many customers were checked and whether there may be more to do at this moment.
    func pass(at moment: Date) async throws -> (checked: Int, more: Bool) {
        let engine = runtime.engine
        let (summary, scheduled) = try await database.write { [batchSize] tx in
            (
                try engine.sweepStages(in: tx, now: moment, limit: batchSize),
                try engine.runSchedules(in: tx, now: moment, limit: batchSize)
            )
        }
        if scheduled.enrollments > 0 {
            logger.info("dated promotions", metadata: ["enrolled": "\(scheduled.enrollments)"])
        }
        if summary.stageChanges > 0 {
            logger.info(
                "stage sweep",
                metadata: [
                    "checked": "\(summary.checked)", "stage_changes": "\(summary.stageChanges)",
                    "enrolled": "\(summary.enrollments)", "exits": "\(summary.exits)",
                ])
        }
        if summary.enrollments > 0 || summary.exits > 0 || scheduled.enrollments > 0 {
            schedulerWake.signal()
        }
        return (summary.checked, summary.checked == batchSize || scheduled.more)
    }
}
