import Foundation
import Testing

@testable import NudgeCore

@Suite struct JourneyEnrollmentTests {
    typealias F = JourneyFixtures

    let now = F.date("2026-05-01T12:00:00+07:00")
    let audience = Audience(stages: ["active"], conditions: F.conditions("customer.total_spent > 100"))

    func shouldEnroll(
        enabled: Bool = true, reentry: Reentry = .never, audience: Audience? = nil, customer: Customer = F.customer(),
        event: Event? = nil, previous: Enrollment? = nil
    ) -> Bool {
        let campaign = F.campaign(enabled: enabled, audience: audience ?? self.audience, reentry: reentry)
        return EnrollmentDecider.shouldEnroll(
            campaign: campaign, customer: customer, event: event, previous: previous, now: now)
    }

    func previous(enrolledDaysAgo days: Double, state: Enrollment.State) -> Enrollment {
        let enrolled = now.addingTimeInterval(-days * F.day)
        return F.enrollment(triggeredAt: enrolled, enrolledAt: enrolled, state: state)
    }

    // MARK: shouldEnroll

    @Test func firstEnrollmentOfAnAudienceMember() {
        #expect(shouldEnroll())
    }

    @Test func disabledCampaignsEnrollNobody() {
        #expect(!shouldEnroll(enabled: false))
    }

    @Test func audienceMustAdmitTheCustomer() {
        #expect(!shouldEnroll(customer: F.customer(stage: "prospect")))
        #expect(!shouldEnroll(customer: F.customer(totalSpent: 10)))
        #expect(!shouldEnroll(customer: F.customer(stage: nil)))
    }

    @Test func audienceConditionsSeeTheEvent() {
        let audience = Audience(stages: [], conditions: F.conditions("event.total >= 100"))
        #expect(shouldEnroll(audience: audience, event: F.purchase(total: 150, at: now)))
        #expect(!shouldEnroll(audience: audience, event: F.purchase(total: 50, at: now)))
        #expect(!shouldEnroll(audience: audience, event: nil))
    }

    @Test func reentryNeverAllowsOneEnrollmentEver() {
        #expect(!shouldEnroll(reentry: .never, previous: previous(enrolledDaysAgo: 400, state: .completed)))
        #expect(!shouldEnroll(reentry: .never, previous: previous(enrolledDaysAgo: 1, state: .exited)))
    }

    @Test func reentryAfterWaitsFromThePreviousEnrollment() {
        let reentry = Reentry.after(90 * F.day)
        #expect(shouldEnroll(reentry: reentry, previous: previous(enrolledDaysAgo: 100, state: .completed)))
        #expect(shouldEnroll(reentry: reentry, previous: previous(enrolledDaysAgo: 90, state: .expired)))
        #expect(!shouldEnroll(reentry: reentry, previous: previous(enrolledDaysAgo: 80, state: .completed)))
    }

    @Test func reentryAfterNeverOverlapsAnActiveEnrollment() {
        #expect(!shouldEnroll(reentry: .after(90 * F.day), previous: previous(enrolledDaysAgo: 100, state: .active)))
    }

    @Test func reentryAlwaysAllowsOneActiveEnrollmentAtATime() {
        #expect(!shouldEnroll(reentry: .always, previous: previous(enrolledDaysAgo: 0, state: .active)))
        #expect(shouldEnroll(reentry: .always, previous: previous(enrolledDaysAgo: 0, state: .exited)))
        #expect(shouldEnroll(reentry: .always, previous: previous(enrolledDaysAgo: 0, state: .completed)))
    }

    @Test func reentryDoesNotOverrideTheAudience() {
        #expect(!shouldEnroll(reentry: .always, customer: F.customer(stage: "prospect")))
    }

    // MARK: triggers

    @Test func eventTriggerMatchesTypeAndWhere() {
        let trigger = Trigger.event(type: "purchase", where: F.conditions("event.total > customer.total_spent / 4"))
        let customer = F.customer(totalSpent: 200)
        #expect(
            EnrollmentDecider.triggerMatches(
                trigger, event: F.purchase(total: 60, at: now), customer: customer, now: now))
        #expect(
            !EnrollmentDecider.triggerMatches(
                trigger, event: F.purchase(total: 40, at: now), customer: customer, now: now))
        let signup = Event(
            id: nil, type: "signup", customerID: "c-1", timestamp: now, properties: ["total": .number(99)])
        #expect(!EnrollmentDecider.triggerMatches(trigger, event: signup, customer: customer, now: now))
    }

    @Test func onlyEventTriggersMatchEvents() {
        let stage = Trigger.stageEntered(stages: ["purchase"], where: ConditionSet())
        #expect(
            !EnrollmentDecider.triggerMatches(
                stage, event: F.purchase(total: 1, at: now), customer: F.customer(), now: now))
    }

    @Test func stageTriggerMatchesListedStagesWhenWhereHolds() {
        let trigger = Trigger.stageEntered(
            stages: ["lapsed", "churned"], where: F.conditions("customer.total_spent > 100"))
        #expect(EnrollmentDecider.stageTriggerMatches(trigger, newStage: "lapsed", customer: F.customer(), now: now))
        #expect(!EnrollmentDecider.stageTriggerMatches(trigger, newStage: "active", customer: F.customer(), now: now))
        #expect(
            !EnrollmentDecider.stageTriggerMatches(
                trigger, newStage: "churned", customer: F.customer(totalSpent: 10), now: now))
    }

    @Test func onlyStageTriggersMatchStageChanges() {
        let trigger = Trigger.event(type: "lapsed", where: ConditionSet())
        #expect(!EnrollmentDecider.stageTriggerMatches(trigger, newStage: "lapsed", customer: F.customer(), now: now))
    }

    // MARK: exits

    @Test func exitOnAMatchingEvent() {
        let campaign = F.campaign(exits: [.event(type: "purchase", where: F.conditions("event.total >= 30"))])
        let exit = EnrollmentDecider.exitReason(
            campaign: campaign, event: F.purchase(total: 30, at: now), customer: F.customer(), now: now)
        #expect(exit == "exited")
        #expect(
            EnrollmentDecider.exitReason(
                campaign: campaign, event: F.purchase(total: 29, at: now), customer: F.customer(), now: now) == nil)
        #expect(EnrollmentDecider.exitReason(campaign: campaign, event: nil, customer: F.customer(), now: now) == nil)
    }

    @Test func exitOnEnteringAListedStage() {
        let campaign = F.campaign(exits: [
            .event(type: "refund", where: ConditionSet()), .stage(["lapsed", "churned"]),
        ])
        let lapsed = F.customer(stage: "lapsed")
        #expect(EnrollmentDecider.exitReason(campaign: campaign, event: nil, customer: lapsed, now: now) == "exited")
        #expect(
            EnrollmentDecider.exitReason(
                campaign: campaign, event: F.purchase(total: 5, at: now), customer: lapsed, now: now) == "exited")
        #expect(EnrollmentDecider.exitReason(campaign: campaign, event: nil, customer: F.customer(), now: now) == nil)
        #expect(
            EnrollmentDecider.exitReason(campaign: campaign, event: nil, customer: F.customer(stage: nil), now: now)
                == nil)
    }

    @Test func noExitRulesNeverExit() {
        let exit = EnrollmentDecider.exitReason(
            campaign: F.campaign(), event: F.purchase(total: 1, at: now), customer: F.customer(), now: now)
        #expect(exit == nil)
    }

    // MARK: next step

    @Test func nextStepWalksTheStepsInOrder() {
        let campaign = F.campaign(steps: [F.step(id: "a"), F.step(id: "b"), F.step(id: "c")])
        #expect(EnrollmentDecider.nextStep(after: nil, in: campaign)?.id == "a")
        #expect(EnrollmentDecider.nextStep(after: "a", in: campaign)?.id == "b")
        #expect(EnrollmentDecider.nextStep(after: "b", in: campaign)?.id == "c")
        #expect(EnrollmentDecider.nextStep(after: "c", in: campaign) == nil)
        #expect(EnrollmentDecider.nextStep(after: "gone", in: campaign) == nil)
        #expect(EnrollmentDecider.nextStep(after: nil, in: F.campaign(steps: [])) == nil)
    }

    // MARK: new enrollment

    let policy = JourneyPolicy(quietHours: F.nightQuiet, defaultZone: F.saigon, defaultConsent: [.email: true])

    @Test func newEnrollmentSchedulesTheFirstStep() {
        let variants = [Variant(id: "a", weight: 50, template: nil), Variant(id: "b", weight: 50, template: "b")]
        let steps = [
            F.step(id: "one", after: F.day, at: "10:00", variants: variants), F.step(id: "two", after: 7 * F.day),
        ]
        let campaign = F.campaign(steps: steps)
        let event = F.purchase(total: 80, at: now.addingTimeInterval(-F.hour))
        let enrollment = EnrollmentDecider.newEnrollment(
            campaign: campaign, customer: F.customer(), event: event, triggeredAt: event.timestamp, policy: policy,
            now: now)
        #expect(enrollment.campaign == "spring-promo")
        #expect(enrollment.customerID == "c-1")
        #expect(enrollment.arm == .treatment)
        #expect(
            enrollment.variant == Assignment.variant(campaign: "spring-promo", customerID: "c-1", variants: variants))
        #expect(enrollment.variant != nil)
        #expect(enrollment.enrolledAt == now)
        #expect(enrollment.triggeredAt == event.timestamp)
        #expect(enrollment.triggerEvent == event)
        #expect(enrollment.nextStep == "one")
        #expect(enrollment.nextDueAt == F.date("2026-05-03T10:00:00+07:00"))  // 11:00 + 1 day, then the next 10:00
        #expect(enrollment.state == .active)
    }

    @Test func holdoutEnrollmentsGetNoVariantButAreStillScheduled() throws {
        let variants = [Variant(id: "a", weight: 50, template: nil), Variant(id: "b", weight: 50, template: nil)]
        let campaign = F.campaign(holdout: 0.5, steps: [F.step(variants: variants)])
        let customerID = try #require(
            (0..<100).map { "c-\($0)" }.first {
                Assignment.arm(campaign: campaign.id, customerID: $0, holdout: 0.5) == .holdout
            })
        let enrollment = EnrollmentDecider.newEnrollment(
            campaign: campaign, customer: F.customer(id: customerID), event: nil, triggeredAt: now, policy: policy,
            now: now)
        #expect(enrollment.arm == .holdout)
        #expect(enrollment.variant == nil)
        #expect(enrollment.nextDueAt == now)
    }

    @Test func newEnrollmentWithAMissedWindowIsDecidedAtOnce() {
        let campaign = F.campaign(steps: [F.step(after: F.day, before: 2 * F.day)])
        let triggered = now.addingTimeInterval(-10 * F.day)
        let enrollment = EnrollmentDecider.newEnrollment(
            campaign: campaign, customer: F.customer(), event: nil, triggeredAt: triggered, policy: policy, now: now)
        #expect(enrollment.nextStep == "first")
        #expect(enrollment.nextDueAt == now)
    }

    @Test func scheduledAtUsesTheCustomersZone() {
        let step = F.step(at: "10:00")
        let customer = F.customer(timezone: "America/New_York")
        let scheduled = EnrollmentDecider.scheduledAt(
            step: step, triggeredAt: now, customer: customer, policy: policy, now: now)
        #expect(scheduled == F.date("2026-05-01T10:00:00-04:00"))
    }
}
