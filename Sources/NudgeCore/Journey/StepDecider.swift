import Foundation

/// Decides whether a due step goes out now, later or not at all (SPEC §9). Frequency caps and offers are decided
/// elsewhere; this covers everything about the enrollment, the customer and the clock.
public enum StepDecider {
    /// The decision for `step` of `enrollment` at `now`. The checks run in this order, and the first that fails wins:
    ///
    /// 1. a holdout enrollment is never messaged → `holdout`;
    /// 2. `now` is after `triggeredAt + before` → `window_missed`;
    /// 3. the audience no longer admits the customer (stages, then conditions with `customer` and the trigger
    ///    event) → `audience_changed`;
    /// 4. unsubscribed from all marketing or from the step's channel → `unsubscribed` (not for notices);
    /// 5. any complaint → `complained` (not for notices);
    /// 6. no consent to the channel, explicit or by `default_consent` → `no_consent` (not for notices);
    /// 7. no email, phone or push token for the channel → `invalid_address`;
    /// 8. in quiet hours in the customer's zone (unless the step ignores them) → deferred to the end of the quiet
    ///    period with `quiet_hours`, or `window_missed` when that end is after `before`;
    /// 9. otherwise send.
    public static func decide(
        campaign: Campaign, step: Step, enrollment: Enrollment, customer: Customer, policy: JourneyPolicy, now: Date
    ) -> StepDecision {
        if enrollment.arm == .holdout { return .suppress(.holdout) }
        let latest = StepTiming.latest(step: step, triggeredAt: enrollment.triggeredAt)
        if let latest, now > latest { return .suppress(.windowMissed) }
        if !campaign.audience.admits(customer, event: enrollment.triggerEvent, now: now) {
            return .suppress(.audienceChanged)
        }
        if campaign.kind != .notice,
            let reason = marketingRefusal(customer: customer, channel: step.channel, policy: policy)
        {
            return .suppress(reason)
        }
        if !customer.hasAddress(for: step.channel) { return .suppress(.invalidAddress) }
        if !step.ignoresQuietHours {
            let zone = customer.zone(default: policy.defaultZone)
            let quietEnd = StepTiming.outOfQuietHours(now, quiet: policy.quietHours, zone: zone)
            if quietEnd > now {
                if let latest, quietEnd > latest { return .suppress(.windowMissed) }
                return .defer(until: quietEnd, reason: .quietHours)
            }
        }
        return .send
    }

    /// Why marketing may not reach the customer on `channel`, in the order unsubscribed, complained, no consent.
    private static func marketingRefusal(customer: Customer, channel: Channel, policy: JourneyPolicy)
        -> SuppressionReason?
    {
        if customer.facts.unsubscribedFromAll || customer.facts.unsubscribed.contains(channel) { return .unsubscribed }
        if customer.facts.complaints > 0 { return .complained }
        if !customer.consents(to: channel, defaults: policy.defaultConsent) { return .noConsent }
        return nil
    }
}
