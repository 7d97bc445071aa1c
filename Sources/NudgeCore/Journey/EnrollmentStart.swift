import Foundation

extension EnrollmentDecider {
    /// A new active enrollment of `customer` in `campaign`, triggered at `triggeredAt` (the event's timestamp, or the
    /// moment the stage was entered or the schedule fired).
    ///
    /// The arm comes from `Assignment.arm`; treatment enrollments get a variant from the first step that has variants
    /// (the hash does not depend on the step, so every step with the same variant ids agrees). Holdout enrollments are
    /// scheduled like treatment ones, so their steps are logged as `holdout` at the time they would have gone out.
    public static func newEnrollment(
        campaign: Campaign, customer: Customer, event: Event?, triggeredAt: Date, policy: JourneyPolicy, now: Date
    ) -> Enrollment {
        let arm = Assignment.arm(campaign: campaign.id, customerID: customer.id, holdout: campaign.holdout)
        let variants = campaign.steps.first { !$0.variants.isEmpty }?.variants ?? []
        let variant =
            arm == .treatment
            ? Assignment.variant(campaign: campaign.id, customerID: customer.id, variants: variants) : nil
        let first = nextStep(after: nil, in: campaign)
        return Enrollment(
            campaign: campaign.id, customerID: customer.id, arm: arm, variant: variant, enrolledAt: now,
            triggeredAt: triggeredAt, triggerEvent: event, nextStep: first?.id,
            nextDueAt: first.map {
                scheduledAt(step: $0, triggeredAt: triggeredAt, customer: customer, policy: policy, now: now)
            })
    }

    /// When to decide `step` next: its due time in the customer's zone (`StepTiming.due`), or `now` when its window
    /// is already missed, so that the decision (`window_missed`) is logged at once rather than never.
    public static func scheduledAt(
        step: Step, triggeredAt: Date, customer: Customer, policy: JourneyPolicy, now: Date
    ) -> Date {
        let zone = customer.zone(default: policy.defaultZone)
        switch StepTiming.due(step: step, triggeredAt: triggeredAt, zone: zone, quiet: policy.quietHours, now: now) {
        case .at(let date): return date
        case .windowMissed: return now
        }
    }
}
