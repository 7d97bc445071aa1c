import Foundation

extension JourneyEngine {
    /// Re-evaluates the stage of customers whose stage may have changed by time alone (`stageCheckAt` reached),
    /// up to `limit` of them: a change is recorded in the stage history, fires `stage_entered` triggers and
    /// stage exits, exactly as when an event changes it. Returns what it did; `checked == limit` means more may
    /// be due.
    public func sweepStages(in tx: any StoreTransaction, now: Date, limit: Int) throws -> StageSweepSummary {
        var summary = StageSweepSummary()
        for id in try tx.customersDueForStageCheck(at: now, limit: limit) {
            guard let stored = try tx.customer(id) else { continue }
            var customer = stored
            var ingest = IngestSummary()
            try react(to: nil, customer: &customer, in: tx, now: now, summary: &ingest)
            try tx.saveCustomer(customer, previous: stored)
            summary.checked += 1
            summary.stageChanges += ingest.stageChanges
            summary.enrollments += ingest.enrollments
            summary.exits += ingest.exits
        }
        return summary
    }
}

/// What one stage sweep did.
public struct StageSweepSummary: Sendable, Equatable {
    public var checked = 0
    public var stageChanges = 0
    public var enrollments = 0
    public var exits = 0

    public init() {}
}
