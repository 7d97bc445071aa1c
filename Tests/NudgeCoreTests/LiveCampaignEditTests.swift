import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// Editing a campaign while customers are enrolled (SPEC §14): a removed step is skipped, an added step applies
/// to enrollments that have not passed it, and nothing already sent is sent again.
@Suite struct LiveCampaignEditTests {
    /// 2026-03-02 03:00 UTC = 10:00 in Ho Chi Minh City.
    static let t0 = Date(timeIntervalSince1970: 1_772_420_400)
    static let day: TimeInterval = 86_400

    static func engine(steps: [(id: String, after: String)], exit: String = "") throws -> JourneyEngine {
        var config = Config.defaults
        config.limits = FrequencyLimits(perCustomer: [], perChannel: [:])
        let stepLines = steps.map { "  - {id: \($0.id), channel: email, after: \($0.after), at: \"10:00\", template: hello}" }
        let campaign = SourceFile(
            path: "c/thanks.yml",
            text: """
                campaign: thanks
                name: Cảm ơn
                kind: cross_sell
                trigger: {event: purchase}
                reentry: never
                holdout: 0%
                \(exit)
                steps:
                \(stepLines.joined(separator: "\n"))
                """)
        let files = CampaignFiles(
            stages: SourceFile(path: "c/stages.yml", text: "stages:\n  - name: any\n    when: true\n"),
            campaigns: [campaign],
            templates: [SourceFile(path: "t/hello.email.mustache", text: "---\nsubject: Chào\n---\n<p>Chào</p>\n")],
            partials: [])
        let (set, diagnostics) = CampaignSetLoader.load(files, config: config)
        return JourneyEngine(
            campaigns: try #require(set, "\(diagnostics.sorted.map(\.description))"),
            policy: JourneyPolicy(config: config), defaultLocale: "vi-VN")
    }

    func enrolledAfterFirstStep(_ engine: JourneyEngine) throws -> InMemoryStore {
        let store = InMemoryStore()
        try store.write { tx in
            try tx.saveCustomer(Customer(id: "c1", email: "lan@example.vn", createdAt: Self.t0 - Self.day))
            _ = try engine.ingest(
                [Event(id: "o1", type: "purchase", customerID: "c1", timestamp: Self.t0, properties: [:])], into: tx,
                now: Self.t0)
        }
        let first = try store.write { try engine.runDueSteps(in: $0, now: Self.t0 + Self.day, limit: 10) }
        #expect(first.map(\.outcome) == [.queued(messageKey: "thanks/hello/c1/1")])
        return store
    }

    @Test func aRemovedStepIsSkippedAndAnAddedOneAppliesWhenNotPassed() throws {
        let before = try Self.engine(steps: [("hello", "1d"), ("later", "5d"), ("last", "7d")])
        let store = try enrolledAfterFirstStep(before)
        #expect(try store.read { try $0.enrollments(customerID: "c1") }.first?.nextStep == "later")

        // The reload removes "later" and adds "middle" (after hello, which was passed, and before "last").
        let after = try Self.engine(steps: [("hello", "1d"), ("middle", "6d"), ("last", "7d")])
        let skipped = try store.write { try after.runDueSteps(in: $0, now: Self.t0 + 5 * Self.day, limit: 10) }
        #expect(skipped.map(\.outcome) == [.skipped(removedStep: "later", next: "middle")])
        let enrollment = try #require(try store.read { try $0.enrollments(customerID: "c1") }.first)
        #expect(enrollment.nextStep == "middle" && enrollment.nextDueAt == Self.t0 + 6 * Self.day)

        let middle = try store.write { try after.runDueSteps(in: $0, now: Self.t0 + 6 * Self.day, limit: 10) }
        #expect(middle.map(\.outcome) == [.queued(messageKey: "thanks/middle/c1/1")])
        let last = try store.write { try after.runDueSteps(in: $0, now: Self.t0 + 7 * Self.day, limit: 10) }
        #expect(last.map(\.outcome) == [.queued(messageKey: "thanks/last/c1/1")])
        #expect(try store.read { try $0.count(of: .outbox) } == 3)
    }

    @Test func anExitAddedByAReloadThatTheCustomerMeetsEndsTheEnrollmentAtTheNextStep() throws {
        let before = try Self.engine(steps: [("hello", "1d"), ("later", "5d")])
        let store = try enrolledAfterFirstStep(before)
        // Every customer is in stage `any`; the reloaded campaign ends on it.
        let after = try Self.engine(steps: [("hello", "1d"), ("later", "5d")], exit: "exit: [{stage: [any]}]")
        let results = try store.write { try after.runDueSteps(in: $0, now: Self.t0 + 5 * Self.day, limit: 10) }
        #expect(results.map(\.outcome) == [.suppressed(.exited)])
        #expect(results.first?.log?.reason == "exited")
        let enrollment = try #require(try store.read { try $0.enrollments(customerID: "c1") }.first)
        #expect(enrollment.state == .exited && enrollment.nextDueAt == nil)
        #expect(try store.read { try $0.count(of: .outbox) } == 1)
        // Without the exit, the same step is sent.
        let control = try enrolledAfterFirstStep(before)
        let sent = try control.write { try before.runDueSteps(in: $0, now: Self.t0 + 5 * Self.day, limit: 10) }
        #expect(sent.map(\.outcome) == [.queued(messageKey: "thanks/later/c1/1")])
    }

    @Test func aStepAddedBeforeWhatWasPassedIsNeverSent() throws {
        let before = try Self.engine(steps: [("hello", "1d"), ("later", "5d"), ("last", "7d")])
        let store = try enrolledAfterFirstStep(before)
        // "later" is removed and "early" is added before "hello", which the enrollment has passed.
        let after = try Self.engine(steps: [("early", "12h"), ("hello", "1d"), ("last", "7d")])
        let results = try store.write { try after.runDueSteps(in: $0, now: Self.t0 + 5 * Self.day, limit: 10) }
        #expect(results.map(\.outcome) == [.skipped(removedStep: "later", next: "last")])
        let last = try store.write { try after.runDueSteps(in: $0, now: Self.t0 + 7 * Self.day, limit: 10) }
        #expect(last.map(\.outcome) == [.queued(messageKey: "thanks/last/c1/1")])
        let keys = try store.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(), limit: 100) }
            .compactMap(\.messageKey)
        #expect(keys == ["thanks/hello/c1/1", "thanks/last/c1/1"])
    }

    @Test func removingEveryRemainingStepCompletesTheEnrollment() throws {
        let before = try Self.engine(steps: [("hello", "1d"), ("later", "5d")])
        let store = try enrolledAfterFirstStep(before)
        let after = try Self.engine(steps: [("hello", "1d")])
        let results = try store.write { try after.runDueSteps(in: $0, now: Self.t0 + 5 * Self.day, limit: 10) }
        #expect(results.map(\.outcome) == [.skipped(removedStep: "later", next: nil)])
        let enrollment = try #require(try store.read { try $0.enrollments(customerID: "c1") }.first)
        #expect(enrollment.state == .completed && enrollment.endReason == "step_removed")
        #expect(try store.read { try $0.count(of: .outbox) } == 1)
    }
}
