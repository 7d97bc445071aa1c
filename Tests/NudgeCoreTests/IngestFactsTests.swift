import Foundation
import Testing

@testable import NudgeCore

@Suite struct IngestFactsTests {
    typealias F = IngestFixture

    static func event(_ type: String, at timestamp: Date = IngestFixture.now, _ properties: [String: Value] = [:])
        -> Event
    {
        Event(id: nil, type: type, customerID: "c1", timestamp: timestamp, properties: properties)
    }

    static func item(_ sku: String, _ price: Double, category: String? = nil, quantity: Double? = nil) -> Value {
        var fields: [String: Value] = ["sku": .string(sku), "price": .number(price)]
        if let category { fields["category"] = .string(category) }
        if let quantity { fields["quantity"] = .number(quantity) }
        return .map(fields)
    }

    static func purchase(at timestamp: Date, _ items: [Value], total: Double? = nil) -> Event {
        var properties: [String: Value] = ["items": .list(items)]
        if let total { properties["total"] = .number(total) }
        return event("purchase", at: timestamp, properties)
    }

    static func facts(after events: [Event]) -> CustomerFacts {
        var facts = CustomerFacts()
        for event in events { FactsUpdater.apply(event, to: &facts) }
        return facts
    }

    @Test func outOfOrderPurchases() {
        let (early, middle, late) = (F.utc(2025, 1, 5), F.utc(2025, 2, 1), F.utc(2025, 2, 20))
        let facts = Self.facts(after: [
            Self.purchase(at: middle, [Self.item("TEA", 100, category: "tea")], total: 100),
            Self.purchase(
                at: early, [Self.item("CUP", 50, category: "ware"), Self.item("TEA", 100, category: "tea")],
                total: 150),
            Self.purchase(at: late, [Self.item("POT", 300, category: "ware"), Self.item("CUP", 50)], total: 320),
        ])
        #expect(facts.purchaseCount == 3)
        #expect(facts.totalSpent == 570)
        #expect(facts.firstPurchaseAt == early)
        #expect(facts.lastPurchaseAt == late)
        #expect(facts.ownedSKUs == ["TEA", "CUP", "POT"])
        #expect(facts.ownedCategories == ["tea", "ware"])
    }

    @Test func aPurchaseWithoutTotalCountsItsItems() {
        let facts = Self.facts(after: [
            Self.purchase(at: F.now, [Self.item("A", 10, quantity: 3), Self.item("B", 5)])
        ])
        #expect(facts.totalSpent == 35)
    }

    @Test func parsedPurchasesCarryTheirDefaultTotal() throws {
        let events = try F.events(
            """
            {"type":"purchase","customer_id":"c1","timestamp":"2025-02-01T09:00:00+07:00",
             "properties":{"items":[{"sku":"A","price":20000,"quantity":2},
                                    {"sku":"B","price":15000,"category":"bánh"}]}}
            """)
        let facts = Self.facts(after: events)
        #expect(facts.totalSpent == 55000)
        #expect(facts.ownedSKUs == ["A", "B"])
        #expect(facts.ownedCategories == ["bánh"])
        #expect(facts.firstPurchaseAt == F.utc(2025, 2, 1, 2))
    }

    @Test func signupKeepsTheEarliest() {
        let facts = Self.facts(after: [
            Self.event("signup", at: F.utc(2025, 2, 2)), Self.event("signup", at: F.utc(2025, 1, 1)),
            Self.event("signup", at: F.utc(2025, 3, 1)),
        ])
        #expect(facts.signupAt == F.utc(2025, 1, 1))
    }

    @Test func trialPlanAndUsageTakeTheLatestArrival() {
        let facts = Self.facts(after: [
            Self.event("trial_started", ["ends_at": .time(F.utc(2025, 3, 15))]),
            Self.event("trial_started", ["ends_at": .string("2025-03-20T00:00:00+07:00")]),
            Self.event("plan_changed", ["plan": .string("pro")]),
            Self.event("plan_changed", ["plan": .string("team")]),
            Self.event("plan_usage", ["metric": .string("seats"), "used": .number(4), "limit": .number(5)]),
            Self.event("plan_usage", ["metric": .string("storage"), "used": .number(1), "limit": .number(10)]),
            Self.event(
                "plan_usage", at: F.utc(2025, 1, 1),
                ["metric": .string("seats"), "used": .number(2), "limit": .number(5)]),
        ])
        #expect(facts.trialEndsAt == F.utc(2025, 3, 19, 17))
        #expect(facts.plan == "team")
        #expect(facts.usage == ["seats": .init(used: 2, limit: 5), "storage": .init(used: 1, limit: 10)])
        #expect(facts.usage["seats"]?.ratio == 0.4)
    }

    /// The `channel` property of each `unsubscribe` in turn (nil: no property), and the facts after them.
    struct UnsubscribeCase: Sendable {
        var channels: [Value?]
        var unsubscribed: Set<Channel>
        var fromAll: Bool
    }

    static let unsubscribeCases: [UnsubscribeCase] = [
        UnsubscribeCase(channels: [.string("sms")], unsubscribed: [.sms], fromAll: false),
        UnsubscribeCase(channels: [nil], unsubscribed: [], fromAll: true),
        UnsubscribeCase(channels: [.null], unsubscribed: [], fromAll: true),
        UnsubscribeCase(
            channels: [.string("email"), .string("push"), nil], unsubscribed: [.email, .push], fromAll: true),
    ]

    @Test(arguments: unsubscribeCases)
    func unsubscribes(_ example: UnsubscribeCase) {
        let events = example.channels.map { channel in
            Self.event("unsubscribe", channel.map { ["channel": $0] } ?? [:])
        }
        let facts = Self.facts(after: events)
        #expect(facts.unsubscribed == example.unsubscribed)
        #expect(facts.unsubscribedFromAll == example.fromAll)
    }

    @Test func complaintsCountAndUnsubscribeTheirChannel() {
        let facts = Self.facts(after: [
            Self.event("complaint", ["channel": .string("email")]),
            Self.event("complaint", ["channel": .string("sms")]),
            Self.event("complaint", ["channel": .string("email")]),
        ])
        #expect(facts.complaints == 3)
        #expect(facts.unsubscribed == [.email, .sms])
        #expect(!facts.unsubscribedFromAll)
    }

    @Test func otherEventsChangeNothing() {
        let facts = Self.facts(after: [
            Self.event("feedback", ["score": .number(5)]), Self.event("page_view", ["url": .string("/")]),
            Self.event("quiz_done"), Self.event("plan_usage", ["metric": .string("seats")]),
        ])
        #expect(facts == CustomerFacts())
    }
}
