import Foundation
import NudgeCore

/// Hand-made purchase histories for recommendation tests, ingested through the real journey engine.
public enum Baskets {
    /// One line of a purchase: a SKU, and what the shop may say about it.
    public struct Line: Sendable {
        public var sku: String
        public var category: String?
        public var price: Double?
        public var cost: Double?

        public init(_ sku: String, _ category: String? = nil, price: Double? = 100, cost: Double? = nil) {
            self.sku = sku
            self.category = category
            self.price = price
            self.cost = cost
        }
    }

    /// A purchase event of `lines` (quantity 1 each), its total the sum of the prices.
    public static func purchase(_ id: String, customer: String, at date: Date, _ lines: [Line]) -> Event {
        let items = lines.map { line -> Value in
            var fields: [String: Value] = ["sku": .string(line.sku), "quantity": .number(1), "name": .string(line.sku)]
            if let category = line.category { fields["category"] = .string(category) }
            if let price = line.price { fields["price"] = .number(price) }
            if let cost = line.cost { fields["cost"] = .number(cost) }
            return .map(fields)
        }
        return Event(
            id: id, type: "purchase", customerID: customer, timestamp: date,
            properties: [
                "order_id": .string(id), "currency": .string("VND"), "items": .list(items),
                "total": .number(lines.compactMap(\.price).reduce(0, +)),
            ])
    }

    /// An engine with no campaigns: ingest stores events, facts, the catalog and the statistics, and nothing else.
    public static func engineWithoutCampaigns() -> JourneyEngine {
        let files = CampaignFiles(stages: nil, campaigns: [], templates: [], partials: [])
        let (set, diagnostics) = CampaignSetLoader.load(files, config: .defaults)
        guard let set else { fatalError("an empty campaign set did not load: \(diagnostics.sorted)") }
        return JourneyEngine(campaigns: set, policy: JourneyPolicy(config: .defaults), defaultLocale: "vi-VN")
    }

    /// The purchases of the README's example, by customer (counted in customers):
    ///
    /// | customer | baskets, in order |
    /// |---|---|
    /// | c1 | {PHONE, CASE}, later {GLASS} |
    /// | c2 | {PHONE, GLASS} |
    /// | c3 | {PHONE}, later {CASE}, later {PHONE} again |
    /// | c4 | {CASE, CHARGER} |
    /// | c5 | {CHARGER} |
    ///
    /// Customers: 5. Bought PHONE 3, CASE 3, GLASS 2, CHARGER 2. Both PHONE and CASE 2, PHONE and GLASS 2,
    /// CASE and GLASS 1, CASE and CHARGER 1, none of the others.
    public static func example(at t0: Date) -> [Event] {
        let phone = Line("PHONE", "phone", price: 9_000_000, cost: 7_000_000)
        let caseItem = Line("CASE", "case", price: 200_000, cost: 60_000)
        let glass = Line("GLASS", "screen_protector", price: 150_000, cost: 30_000)
        let charger = Line("CHARGER", "charger", price: 300_000)
        return [
            purchase("o1", customer: "c1", at: t0, [phone, caseItem]),
            purchase("o2", customer: "c2", at: t0 + 60, [phone, glass]),
            purchase("o3", customer: "c3", at: t0 + 120, [phone]),
            purchase("o4", customer: "c4", at: t0 + 180, [caseItem, charger]),
            purchase("o5", customer: "c5", at: t0 + 240, [charger]),
            purchase("o6", customer: "c1", at: t0 + 86_400, [glass]),
            purchase("o7", customer: "c3", at: t0 + 86_400, [caseItem]),
            purchase("o8", customer: "c3", at: t0 + 2 * 86_400, [phone]),
        ]
    }
}
