import Foundation
import Testing

@testable import NudgeCore

@Suite struct JourneyDecisionTests {
    typealias F = JourneyFixtures

    /// Noon in Saigon, the policy's default zone.
    let now = F.date("2026-05-01T12:00:00+07:00")
    let policy = JourneyPolicy(
        quietHours: F.nightQuiet, defaultZone: F.saigon, defaultConsent: [.email: true, .sms: false, .push: false])
    let audience = Audience(stages: ["new_customer", "active"], conditions: F.conditions("customer.total_spent > 100"))

    func decide(
        kind: CampaignKind = .promotion, step: Step = F.step(), arm: Arm = .treatment,
        triggeredAgo: TimeInterval = 3600,
        event: Event? = nil, audience: Audience? = nil, customer: Customer = F.customer(), policy: JourneyPolicy? = nil,
        at now: Date? = nil
    ) -> StepDecision {
        let now = now ?? self.now
        let campaign = F.campaign(kind: kind, audience: audience ?? self.audience, steps: [step])
        let enrollment = F.enrollment(arm: arm, triggeredAt: now.addingTimeInterval(-triggeredAgo), event: event)
        return StepDecider.decide(
            campaign: campaign, step: step, enrollment: enrollment, customer: customer, policy: policy ?? self.policy,
            now: now)
    }

    /// Fails every check at once: the first in the order must win.
    func hopelessCustomer(stage: String? = "lapsed") -> Customer {
        F.customer(email: nil, consent: [.email: false], stage: stage, totalSpent: 0) {
            $0.unsubscribedFromAll = true
            $0.complaints = 1
        }
    }

    @Test func eligibleCustomerOutsideQuietHoursIsSent() {
        #expect(decide() == .send)
    }

    // MARK: 1. holdout

    @Test func holdoutIsNeverMessaged() {
        #expect(decide(arm: .holdout) == .suppress(.holdout))
    }

    @Test func holdoutComesFirst() {
        let step = F.step(before: 60)
        #expect(decide(step: step, arm: .holdout, customer: hopelessCustomer()) == .suppress(.holdout))
    }

    // MARK: 2. window

    @Test func pastBeforeIsWindowMissed() {
        #expect(decide(step: F.step(before: 30 * 60)) == .suppress(.windowMissed))
    }

    @Test func exactlyAtBeforeIsStillInTheWindow() {
        #expect(decide(step: F.step(before: 3600)) == .send)
    }

    @Test func windowMissedComesBeforeTheAudience() {
        #expect(decide(step: F.step(before: 60), customer: hopelessCustomer()) == .suppress(.windowMissed))
    }

    // MARK: 3. audience

    @Test func stageNoLongerInTheAudience() {
        #expect(decide(customer: F.customer(stage: "lapsed")) == .suppress(.audienceChanged))
    }

    @Test func noStageIsNotInAnAudienceWithStages() {
        #expect(decide(customer: F.customer(stage: nil)) == .suppress(.audienceChanged))
        #expect(decide(audience: .everyone, customer: F.customer(stage: nil)) == .send)
    }

    @Test func audienceConditionNoLongerHolds() {
        #expect(decide(customer: F.customer(totalSpent: 50)) == .suppress(.audienceChanged))
    }

    @Test func audienceConditionsSeeTheTriggerEvent() {
        let audience = Audience(stages: [], conditions: F.conditions("event.total > 50"))
        let bigPurchase = F.purchase(total: 80, at: now.addingTimeInterval(-3600))
        let smallPurchase = F.purchase(total: 20, at: now.addingTimeInterval(-3600))
        #expect(decide(event: bigPurchase, audience: audience) == .send)
        #expect(decide(event: smallPurchase, audience: audience) == .suppress(.audienceChanged))
        #expect(decide(audience: audience) == .suppress(.audienceChanged))
    }

    @Test func audienceComesBeforeUnsubscribe() {
        #expect(decide(customer: hopelessCustomer()) == .suppress(.audienceChanged))
    }

    // MARK: 4–6. unsubscribed, complained, consent

    @Test func unsubscribedFromAllMarketing() {
        #expect(decide(customer: F.customer { $0.unsubscribedFromAll = true }) == .suppress(.unsubscribed))
    }

    @Test func unsubscribedFromTheStepsChannelOnly() {
        let customer = F.customer(phone: "+84901234567", consent: [.sms: true]) { $0.unsubscribed = [.sms] }
        #expect(decide(step: F.step(channel: .sms), customer: customer) == .suppress(.unsubscribed))
        #expect(decide(step: F.step(channel: .email), customer: customer) == .send)
    }

    @Test func unsubscribedComesBeforeComplaintConsentAndAddress() {
        let passing = hopelessCustomer(stage: "active")
        var customer = passing
        customer.facts.totalSpent = 200
        #expect(decide(customer: customer) == .suppress(.unsubscribed))
    }

    @Test func complaintStopsMarketing() {
        #expect(decide(customer: F.customer { $0.complaints = 1 }) == .suppress(.complained))
    }

    @Test func complaintComesBeforeConsentAndAddress() {
        let customer = F.customer(email: nil, consent: [.email: false]) { $0.complaints = 2 }
        #expect(decide(customer: customer) == .suppress(.complained))
    }

    @Test func explicitConsentWithdrawn() {
        #expect(decide(customer: F.customer(consent: [.email: false])) == .suppress(.noConsent))
    }

    @Test func defaultConsentAppliesWhenTheCustomerHasNotAnswered() {
        let customer = F.customer(phone: "+84901234567")
        #expect(decide(step: F.step(channel: .sms), customer: customer) == .suppress(.noConsent))
        #expect(decide(step: F.step(channel: .email), customer: customer) == .send)
    }

    @Test func explicitConsentOverridesTheDefault() {
        let customer = F.customer(phone: "+84901234567", consent: [.sms: true])
        #expect(decide(step: F.step(channel: .sms), customer: customer) == .send)
    }

    @Test func consentComesBeforeAddress() {
        #expect(decide(customer: F.customer(email: nil, consent: [.email: false])) == .suppress(.noConsent))
    }

    @Test func noticesIgnoreUnsubscribeComplaintsAndConsent() {
        let customer = F.customer(consent: [.email: false]) {
            $0.unsubscribedFromAll = true
            $0.complaints = 3
        }
        #expect(decide(kind: .notice, customer: customer) == .send)
    }

    @Test func noticesStillHonourTheAudienceAndTheWindow() {
        #expect(decide(kind: .notice, customer: F.customer(stage: "lapsed")) == .suppress(.audienceChanged))
        #expect(decide(kind: .notice, step: F.step(before: 60)) == .suppress(.windowMissed))
        #expect(decide(kind: .notice, arm: .holdout) == .suppress(.holdout))
    }

    // MARK: 7. address

    @Test func missingAddressPerChannel() {
        let consenting: [Channel: Bool] = [.email: true, .sms: true, .push: true]
        #expect(decide(customer: F.customer(email: nil)) == .suppress(.invalidAddress))
        #expect(decide(customer: F.customer(email: "")) == .suppress(.invalidAddress))
        #expect(
            decide(step: F.step(channel: .sms), customer: F.customer(phone: nil, consent: consenting))
                == .suppress(.invalidAddress))
        #expect(
            decide(step: F.step(channel: .push), customer: F.customer(pushTokens: [], consent: consenting))
                == .suppress(.invalidAddress))
        #expect(
            decide(step: F.step(channel: .push), customer: F.customer(pushTokens: ["tok"], consent: consenting))
                == .send)
    }

    @Test func noticesNeedAnAddressToo() {
        #expect(decide(kind: .notice, customer: F.customer(email: nil)) == .suppress(.invalidAddress))
    }

    @Test func addressComesBeforeQuietHours() {
        let night = F.date("2026-05-01T22:00:00+07:00")
        #expect(decide(customer: F.customer(email: nil), at: night) == .suppress(.invalidAddress))
    }

    // MARK: 8. quiet hours

    @Test func quietHoursDeferToTheirEnd() {
        let night = F.date("2026-05-01T22:00:00+07:00")
        #expect(
            decide(at: night) == .defer(until: F.date("2026-05-02T08:00:00+07:00"), reason: .quietHours))
    }

    @Test func quietHoursAreTheCustomersLocalTime() {
        let instant = F.date("2026-05-01T22:00:00+07:00")  // 17:00 in Berlin
        #expect(decide(customer: F.customer(timezone: "Europe/Berlin"), at: instant) == .send)
        let berlinNight = F.date("2026-05-01T23:30:00+02:00")
        #expect(
            decide(customer: F.customer(timezone: "Europe/Berlin"), at: berlinNight)
                == .defer(until: F.date("2026-05-02T08:00:00+02:00"), reason: .quietHours))
    }

    @Test func unknownCustomerZoneFallsBackToTheDefault() {
        let night = F.date("2026-05-01T22:00:00+07:00")
        #expect(
            decide(customer: F.customer(timezone: "Mars/Olympus_Mons"), at: night)
                == .defer(until: F.date("2026-05-02T08:00:00+07:00"), reason: .quietHours))
    }

    @Test func quietHoursEndingAfterBeforeMissTheWindow() {
        let night = F.date("2026-05-01T22:00:00+07:00")
        #expect(decide(step: F.step(before: 5 * F.hour), at: night) == .suppress(.windowMissed))
        #expect(
            decide(step: F.step(before: 11 * F.hour), at: night)
                == .defer(until: F.date("2026-05-02T08:00:00+07:00"), reason: .quietHours))
    }

    @Test func stepsIgnoringQuietHoursAreSentAtNight() {
        let night = F.date("2026-05-01T22:00:00+07:00")
        #expect(decide(kind: .notice, step: F.step(ignoresQuietHours: true), at: night) == .send)
    }

    @Test func quietHoursOffSendsAtNight() {
        let night = F.date("2026-05-01T22:00:00+07:00")
        var policy = self.policy
        policy.quietHours = nil
        #expect(decide(policy: policy, at: night) == .send)
    }

    // MARK: policy

    @Test func policyFromTheConfiguration() {
        let policy = JourneyPolicy(config: .defaults)
        #expect(policy.quietHours == F.nightQuiet)
        #expect(policy.defaultZone.identifier == "Asia/Ho_Chi_Minh")
        #expect(policy.defaultConsent == [.email: true, .sms: false, .push: false])
    }
}
