import Foundation
import Testing

@testable import NudgeCore

@Suite struct JourneyStageTests {
    typealias F = JourneyFixtures

    let now = F.date("2026-05-01T12:00:00Z")

    /// The rules of SPEC §5.
    let rules = StageRules(
        rules: [
            ("churned", "customer.purchase_count > 0 and since(customer.last_purchase_at) > 365d"),
            ("lapsed", "customer.purchase_count > 0 and since(customer.last_purchase_at) > 90d"),
            ("trial", "customer.trial_ends_at > now and customer.purchase_count == 0"),
            ("new_customer", "customer.purchase_count >= 1 and since(customer.first_purchase_at) <= 30d"),
            ("active", "customer.purchase_count >= 1"),
            ("prospect", "true"),
        ].map { StageRule(name: $0.0, condition: try! Condition.compile($0.1, scope: .stage).get()) })

    func customer(purchases: Int, firstDaysAgo: Double? = nil, lastDaysAgo: Double? = nil, trialDays: Double? = nil)
        -> Customer
    {
        F.customer { facts in
            facts.purchaseCount = purchases
            facts.firstPurchaseAt = firstDaysAgo.map { now.addingTimeInterval(-$0 * F.day) }
            facts.lastPurchaseAt = lastDaysAgo.map { now.addingTimeInterval(-$0 * F.day) }
            facts.trialEndsAt = trialDays.map { now.addingTimeInterval($0 * F.day) }
        }
    }

    @Test func firstMatchingRuleWins() {
        #expect(StageEvaluator.stage(of: customer(purchases: 0), rules: rules, now: now) == "prospect")
        #expect(StageEvaluator.stage(of: customer(purchases: 0, trialDays: 5), rules: rules, now: now) == "trial")
        #expect(StageEvaluator.stage(of: customer(purchases: 0, trialDays: -1), rules: rules, now: now) == "prospect")
        let new = customer(purchases: 1, firstDaysAgo: 10, lastDaysAgo: 10)
        #expect(StageEvaluator.stage(of: new, rules: rules, now: now) == "new_customer")
        let active = customer(purchases: 3, firstDaysAgo: 60, lastDaysAgo: 20)
        #expect(StageEvaluator.stage(of: active, rules: rules, now: now) == "active")
        let lapsed = customer(purchases: 3, firstDaysAgo: 200, lastDaysAgo: 100)
        #expect(StageEvaluator.stage(of: lapsed, rules: rules, now: now) == "lapsed")
        let churned = customer(purchases: 3, firstDaysAgo: 800, lastDaysAgo: 400)
        #expect(StageEvaluator.stage(of: churned, rules: rules, now: now) == "churned")
    }

    @Test func stagesChangeAsTimePasses() {
        let buyer = customer(purchases: 1, firstDaysAgo: 10, lastDaysAgo: 10)
        #expect(StageEvaluator.stage(of: buyer, rules: rules, now: now) == "new_customer")
        #expect(StageEvaluator.stage(of: buyer, rules: rules, now: now.addingTimeInterval(30 * F.day)) == "active")
        #expect(StageEvaluator.stage(of: buyer, rules: rules, now: now.addingTimeInterval(100 * F.day)) == "lapsed")
    }

    @Test func noMatchingRuleMeansNoStage() {
        let partial = StageRules(rules: Array(rules.rules.dropLast()))
        #expect(StageEvaluator.stage(of: customer(purchases: 0), rules: partial, now: now) == nil)
        #expect(StageEvaluator.stage(of: customer(purchases: 0), rules: .empty, now: now) == nil)
    }
}
