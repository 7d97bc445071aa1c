import Foundation

/// Decides who enters a campaign, what ends an enrollment early, and which step comes next (SPEC §6).
public enum EnrollmentDecider {
    /// What `exitReason` returns when an exit rule matches; also the `exited` suppression reason.
    public static let exitedReason = SuppressionReason.exited.rawValue

    /// Whether a customer whose trigger fired may be enrolled now.
    ///
    /// Matching the trigger is the caller's job (`triggerMatches`, `stageTriggerMatches`). Here: the campaign must be
    /// enabled, its audience must admit the customer (with `event` as `event.*` when given), and re-entry must allow
    /// it given the customer's latest `previous` enrollment in this campaign:
    /// - `never`: no previous enrollment at all;
    /// - `after d`: the previous one is no longer active and began at least `d` before `now`;
    /// - `always`: the previous one is no longer active (one active enrollment per campaign and customer).
    public static func shouldEnroll(
        campaign: Campaign, customer: Customer, event: Event?, previous: Enrollment?, now: Date
    ) -> Bool {
        guard campaign.enabled, campaign.audience.admits(customer, event: event, now: now) else { return false }
        guard let previous else { return true }
        switch campaign.reentry {
        case .never:
            return false
        case .after(let wait):
            return previous.state != .active && previous.enrolledAt.addingTimeInterval(wait) <= now
        case .always:
            return previous.state != .active
        }
    }

    /// Whether an event trigger fires for `event`: same type, and its `where` holds with `customer` and `event`.
    /// Stage and schedule triggers never match an event.
    public static func triggerMatches(_ trigger: Trigger, event: Event, customer: Customer, now: Date) -> Bool {
        guard case .event(let type, let conditions) = trigger, type == event.type else { return false }
        return conditions.holds(in: ConditionRoots.of(customer: customer, event: event), now: now)
    }

    /// Whether a `stage_entered` trigger fires for a customer who just entered `newStage`: the stage is listed and
    /// the trigger's `where` holds with `customer` (there is no event). Other triggers never match.
    public static func stageTriggerMatches(_ trigger: Trigger, newStage: String, customer: Customer, now: Date) -> Bool
    {
        guard case .stageEntered(let stages, let conditions) = trigger, stages.contains(newStage) else { return false }
        return conditions.holds(in: ConditionRoots.of(customer: customer), now: now)
    }

    /// `"exited"` when one of the campaign's exit rules matches, else nil.
    ///
    /// An event rule matches `event` (when given) of its type whose `where` holds with `customer` and `event`; a stage
    /// rule matches when the customer's current stage is in its list.
    public static func exitReason(campaign: Campaign, event: Event?, customer: Customer, now: Date) -> String? {
        let matches = campaign.exits.contains { rule in
            switch rule {
            case .event(let type, let conditions):
                guard let event, event.type == type else { return false }
                return conditions.holds(in: ConditionRoots.of(customer: customer, event: event), now: now)
            case .stage(let stages):
                guard let stage = customer.stage else { return false }
                return stages.contains(stage)
            }
        }
        return matches ? exitedReason : nil
    }

    /// The step to decide after the one with id `stepID`: the first step when `stepID` is nil, nil after the last
    /// step or when no step has that id (the campaign changed under the enrollment).
    public static func nextStep(after stepID: String?, in campaign: Campaign) -> Step? {
        guard let stepID else { return campaign.steps.first }
        guard let index = campaign.steps.firstIndex(where: { $0.id == stepID }) else { return nil }
        let next = campaign.steps.index(after: index)
        return next < campaign.steps.endIndex ? campaign.steps[next] : nil
    }
}
