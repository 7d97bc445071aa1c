import Foundation

extension JourneyEngine {
    /// Enrolls customers in dated promotions (`schedule` triggers) whose time has come, up to `limit` customers
    /// considered per call: each customer once, if the audience admits them, with the trigger time on their own
    /// wall clock for `local: true`. A customer whose first step's window has already passed is not enrolled.
    /// Returns how many were enrolled and whether more remain.
    public func runSchedules(in tx: any StoreTransaction, now: Date, limit: Int) throws -> ScheduleSummary {
        var summary = ScheduleSummary()
        for campaign in campaigns.campaigns where campaign.enabled {
            guard case .schedule(let trigger, let conditions) = campaign.trigger,
                let first = ScheduleTiming.firstInstant(trigger, defaultZone: policy.defaultZone), first <= now
            else { continue }
            var run = try tx.scheduleRun(campaign: campaign.id) ?? ScheduleRun(campaign: campaign.id)
            guard !run.done else { continue }
            let ids = try tx.customerIDs(after: run.cursor, limit: limit)
            for id in ids {
                guard let customer = try tx.customer(id) else { continue }
                let zone = trigger.local ? customer.zone(default: policy.defaultZone) : policy.defaultZone
                guard let triggeredAt = ScheduleTiming.instant(trigger, zone: zone),
                    let step = campaign.steps.first,
                    StepTiming.latest(step: step, triggeredAt: triggeredAt).map({ $0 >= now }) ?? true,
                    conditions.holds(in: ConditionRoots.of(customer: customer), now: now),
                    try tx.latestEnrollment(campaign: campaign.id, customerID: id) == nil,
                    EnrollmentDecider.shouldEnroll(
                        campaign: campaign, customer: customer, event: nil, previous: nil, now: now)
                else { continue }
                let enrollment = EnrollmentDecider.newEnrollment(
                    campaign: campaign, customer: customer, event: nil, triggeredAt: triggeredAt,
                    policy: schedulingPolicy, now: now)
                _ = try tx.insertEnrollment(enrollment)
                summary.enrollments += 1
            }
            run.cursor = ids.last ?? run.cursor
            run.done = ids.count < limit
            try tx.saveScheduleRun(run)
            if !run.done { summary.more = true }
        }
        return summary
    }

    /// The next moment a schedule trigger fires for the first time, after `now`.
    public func nextScheduleStart(after now: Date) -> Date? {
        campaigns.campaigns.compactMap { campaign -> Date? in
            guard campaign.enabled, case .schedule(let trigger, _) = campaign.trigger else { return nil }
            return ScheduleTiming.firstInstant(trigger, defaultZone: policy.defaultZone)
        }.filter { $0 > now }.min()
    }
}

/// What one pass over the schedule triggers did.
public struct ScheduleSummary: Sendable, Equatable {
    public var enrollments = 0
    /// Some campaign has customers left to consider.
    public var more = false

    public init() {}
}
