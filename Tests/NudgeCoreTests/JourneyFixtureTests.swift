import Foundation
import Testing

@testable import NudgeCore

/// Zones, dates, steps, campaigns and customers for the journey tests.
enum JourneyFixtures {
    /// UTC+7 all year.
    static let saigon = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    /// EST/EDT: clocks go 02:00 → 03:00 on 2026-03-08 and 02:00 → 01:00 on 2026-11-01.
    static let newYork = TimeZone(identifier: "America/New_York")!
    /// CET/CEST: clocks go 02:00 → 03:00 on 2026-03-29 and 03:00 → 02:00 on 2026-10-25.
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static let nightQuiet = QuietHours(start: TimeOfDay(hour: 21, minute: 0), end: TimeOfDay(hour: 8, minute: 0))
    static let noonQuiet = QuietHours(start: TimeOfDay(hour: 12, minute: 0), end: TimeOfDay(hour: 13, minute: 0))

    static let hour: TimeInterval = 3600
    static let day: TimeInterval = 86_400

    /// An RFC 3339 instant with its offset, e.g. `2026-03-08T10:00:00-04:00`.
    static func date(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    static func time(_ text: String) -> TimeOfDay {
        TimeOfDay(parsing: text)!
    }

    /// Compiled campaign-scope conditions (`customer`, `event`, `now`).
    static func conditions(_ sources: String...) -> ConditionSet {
        ConditionSet(sources.map { try! Condition.compile($0, scope: .campaign).get() })
    }

    static func step(
        id: String = "first", channel: Channel = .email, after: TimeInterval = 0, before: TimeInterval? = nil,
        at: String? = nil, variants: [Variant] = [], ignoresQuietHours: Bool = false
    ) -> Step {
        Step(
            id: id, channel: channel, after: after, before: before, at: at.map(time), template: "tpl", recommend: nil,
            variants: variants, offer: nil, ignoresQuietHours: ignoresQuietHours, capExempt: false)
    }

    static func campaign(
        id: String = "spring-promo", kind: CampaignKind = .promotion, enabled: Bool = true,
        trigger: Trigger = .event(type: "purchase", where: ConditionSet()), audience: Audience = .everyone,
        reentry: Reentry = .never, holdout: Double = 0, exits: [ExitRule] = [], steps: [Step] = [step()]
    ) -> Campaign {
        Campaign(
            id: id, name: id, kind: kind, enabled: enabled, priority: 0, trigger: trigger, audience: audience,
            reentry: reentry, holdout: holdout, exits: exits, goal: nil, steps: steps, file: "\(id).yml")
    }

    static func customer(
        id: String = "c-1", email: String? = "an@example.com", phone: String? = nil, pushTokens: [String] = [],
        timezone: String? = nil, consent: [Channel: Bool] = [:], stage: String? = "active", totalSpent: Double = 200,
        configure: (inout CustomerFacts) -> Void = { _ in }
    ) -> Customer {
        var facts = CustomerFacts()
        facts.purchaseCount = 2
        facts.totalSpent = totalSpent
        configure(&facts)
        return Customer(
            id: id, email: email, phone: phone, pushTokens: pushTokens, timezone: timezone, consent: consent,
            createdAt: date("2025-01-01T00:00:00Z"), facts: facts, stage: stage)
    }

    static func purchase(total: Double, customerID: String = "c-1", at: Date) -> Event {
        Event(id: nil, type: "purchase", customerID: customerID, timestamp: at, properties: ["total": .number(total)])
    }

    static func enrollment(
        arm: Arm = .treatment, triggeredAt: Date, event: Event? = nil, enrolledAt: Date? = nil,
        state: Enrollment.State = .active
    ) -> Enrollment {
        Enrollment(
            campaign: "spring-promo", customerID: "c-1", arm: arm, enrolledAt: enrolledAt ?? triggeredAt,
            triggeredAt: triggeredAt, triggerEvent: event, nextStep: "first", nextDueAt: nil, state: state)
    }
}

/// The journey tests rely on these facts of the time-zone database; if one fails, fix the data, not the code.
@Suite struct JourneyFixtureTests {
    typealias F = JourneyFixtures

    @Test func saigonIsSevenHoursAheadAllYear() {
        #expect(F.saigon.secondsFromGMT(for: F.date("2026-01-15T00:00:00Z")) == 7 * 3600)
        #expect(F.saigon.secondsFromGMT(for: F.date("2026-07-15T00:00:00Z")) == 7 * 3600)
    }

    @Test func newYorkChangesClocksOnTheSecondSundayOfMarchAndTheFirstOfNovember() {
        #expect(F.newYork.secondsFromGMT(for: F.date("2026-03-08T06:59:59Z")) == -5 * 3600)
        #expect(F.newYork.secondsFromGMT(for: F.date("2026-03-08T07:00:00Z")) == -4 * 3600)
        #expect(F.newYork.secondsFromGMT(for: F.date("2026-11-01T05:59:59Z")) == -4 * 3600)
        #expect(F.newYork.secondsFromGMT(for: F.date("2026-11-01T06:00:00Z")) == -5 * 3600)
    }

    @Test func berlinChangesClocksOnTheLastSundayOfMarch() {
        #expect(F.berlin.secondsFromGMT(for: F.date("2026-03-29T00:59:59Z")) == 3600)
        #expect(F.berlin.secondsFromGMT(for: F.date("2026-03-29T01:00:00Z")) == 2 * 3600)
    }

    @Test func datesKeepTheirOffset() {
        #expect(F.date("2026-03-08T03:00:00-04:00") == F.date("2026-03-08T07:00:00Z"))
    }
}
