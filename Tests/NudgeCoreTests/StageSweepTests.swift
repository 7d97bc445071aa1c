import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// Stage changes that need only time to pass: when they are due, and the sweep that finds them by their due
/// time, records them and fires `stage_entered` triggers and stage exits.
@Suite struct StageSweepTests {
    static let t0 = Date(timeIntervalSince1970: 1_772_420_400)
    static let day: TimeInterval = 86_400

    static let stages = """
        stages:
          - name: lapsed
            when: customer.purchase_count > 0 and since(customer.last_purchase_at) > 90d
          - name: trial
            when: customer.trial_ends_at > now and customer.purchase_count == 0
          - name: new_customer
            when: customer.purchase_count >= 1 and since(customer.first_purchase_at) <= 30d
          - name: active
            when: customer.purchase_count >= 1 and customer.attributes.tags.exists(t, since(customer.last_purchase_at) > 1d)
          - name: buyer
            when: customer.purchase_count >= 1
          - name: prospect
            when: true
        """

    static func rules() throws -> StageRules {
        let (rules, diagnostics) = StagesLoader.load(SourceFile(path: "c/stages.yml", text: stages))
        return try #require(rules, "\(diagnostics.sorted.map(\.description))")
    }

    @Test func theNextCheckIsTheEarliestTimeThresholdAhead() throws {
        let rules = try Self.rules()
        var buyer = Customer(id: "c1", createdAt: Self.t0)
        buyer.facts.purchaseCount = 1
        buyer.facts.firstPurchaseAt = Self.t0
        buyer.facts.lastPurchaseAt = Self.t0 + 10 * Self.day
        // First the end of "new customer" (30 days after the first purchase), then "lapsed".
        #expect(StageEvaluator.nextCheck(of: buyer, rules: rules, now: Self.t0) == Self.t0 + 30 * Self.day + 1)
        #expect(
            StageEvaluator.nextCheck(of: buyer, rules: rules, now: Self.t0 + 31 * Self.day)
                == Self.t0 + 100 * Self.day + 1)
        #expect(StageEvaluator.nextCheck(of: buyer, rules: rules, now: Self.t0 + 101 * Self.day) == nil)

        var trial = Customer(id: "c2", createdAt: Self.t0)
        trial.facts.trialEndsAt = Self.t0 + 14 * Self.day
        #expect(StageEvaluator.nextCheck(of: trial, rules: rules, now: Self.t0) == Self.t0 + 14 * Self.day + 1)
        #expect(StageEvaluator.nextCheck(of: Customer(id: "c3", createdAt: Self.t0), rules: rules, now: Self.t0) == nil)
    }

    @Test func theSweepFindsOnlyDueCustomersAndFiresStageTriggers() throws {
        var config = Config.defaults
        config.defaultConsent = [.email: true, .sms: false, .push: false]
        let campaign = SourceFile(
            path: "c/win-back.yml",
            text: """
                campaign: win-back
                name: Lâu rồi không gặp
                kind: winback
                trigger: {stage_entered: lapsed}
                reentry: never
                holdout: 0%
                steps:
                  - {id: miss-you, channel: email, after: 0m, template: hello}
                """)
        let files = CampaignFiles(
            stages: SourceFile(path: "c/stages.yml", text: Self.stages), campaigns: [campaign],
            templates: [SourceFile(path: "t/hello.email.mustache", text: "---\nsubject: Chào\n---\n<p>Chào</p>\n")],
            partials: [])
        let (set, diagnostics) = CampaignSetLoader.load(files, config: config)
        let engine = JourneyEngine(
            campaigns: try #require(set, "\(diagnostics.sorted.map(\.description))"),
            policy: JourneyPolicy(config: config), defaultLocale: "vi-VN")
        let store = InMemoryStore()
        let purchase = Event(
            id: "o1", type: "purchase", customerID: "c1", timestamp: Self.t0,
            properties: ["total": .number(100), "items": .list([.map(["sku": .string("A"), "price": .number(100)])])])
        try store.write { tx in
            try tx.saveCustomer(Customer(id: "c1", email: "lan@example.vn", createdAt: Self.t0))
            try tx.saveCustomer(Customer(id: "quiet", createdAt: Self.t0))
            _ = try engine.ingest([purchase], into: tx, now: Self.t0)
        }
        #expect(try store.read { try $0.customer("c1") }?.stage == "new_customer")
        #expect(try store.read { try $0.earliestStageCheck() } == Self.t0 + 30 * Self.day + 1)

        // Nothing is due before then, and a customer without time thresholds is never checked.
        #expect(try store.write { try engine.sweepStages(in: $0, now: Self.t0 + 30 * Self.day, limit: 10) }.checked == 0)

        let month = try store.write { try engine.sweepStages(in: $0, now: Self.t0 + 30 * Self.day + 1, limit: 10) }
        #expect(month == StageSweepSummary(checked: 1, stageChanges: 1, enrollments: 0, exits: 0))
        #expect(try store.read { try $0.customer("c1") }?.stage == "buyer")

        let lapse = try store.write { try engine.sweepStages(in: $0, now: Self.t0 + 91 * Self.day, limit: 10) }
        #expect(lapse.stageChanges == 1 && lapse.enrollments == 1)
        let customer = try #require(try store.read { try $0.customer("c1") })
        #expect(customer.stage == "lapsed" && customer.facts.stageCheckAt == nil)
        #expect(try store.read { try $0.stageHistory(customerID: "c1") }.map(\.to) == ["new_customer", "buyer", "lapsed"])
        #expect(try store.read { try $0.enrollments(customerID: "c1") }.map(\.campaign) == ["win-back"])
        #expect(try store.read { try $0.earliestStageCheck() } == nil)
    }
}

extension StageSweepSummary {
    init(checked: Int, stageChanges: Int, enrollments: Int, exits: Int) {
        self.init()
        self.checked = checked
        self.stageChanges = stageChanges
        self.enrollments = enrollments
        self.exits = exits
    }
}
