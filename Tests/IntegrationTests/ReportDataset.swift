import Foundation
import NudgeCore
import NudgeTesting

/// A shop whose customers bought phones three to four weeks ago, for measuring a post-purchase campaign end to end:
/// the catalog, the profiles and the purchase histories it imports, then the purchases that follow the campaign's
/// email (or its holdout), all generated from a seed.
///
/// Customers `kh-0001`…: nine in ten in Vietnam (the campaign's audience), the rest in Singapore; most bought a phone
/// 22–30 days ago, often with accessories, the others something else lately; some bought before (never a phone, so
/// that each customer enrolls once), some again after the phone and before the campaign reached them. Prices come at
/// list and at sale price points, quantities are sometimes two, and most items carry their cost (a few take it from
/// the catalog, two products have none).
struct ReportDataset {
    struct Product {
        var sku: String
        var category: String
        var price: Double
        var cost: Double?
        /// Whether purchases carry the cost on their items (else only the catalog knows it).
        var costOnItems: Bool
    }

    struct Item {
        var sku: String
        var category: String
        var price: Double
        var quantity: Double
        /// As written on the item.
        var cost: Double?
    }

    struct Order {
        var id: String
        var customer: String
        var at: Date
        var items: [Item]
        /// Nil: the event gives no `total` (it is then the sum of the items).
        var total: Double?
    }

    struct Profile {
        var id: String
        var name: String
        var zone: String
        var country: String
    }

    static let catalog: [Product] = [
        Product(sku: "PHONE-A", category: "phone", price: 4_990_000, cost: 4_200_000, costOnItems: true),
        Product(sku: "PHONE-B", category: "phone", price: 9_990_000, cost: 8_500_000, costOnItems: true),
        Product(sku: "PHONE-C", category: "phone", price: 21_990_000, cost: 18_000_000, costOnItems: true),
        Product(sku: "CASE-01", category: "case", price: 250_000, cost: 100_000, costOnItems: true),
        Product(sku: "CASE-02", category: "case", price: 390_000, cost: 290_000, costOnItems: false),
        Product(sku: "HEAD-01", category: "headphones", price: 1_290_000, cost: 700_000, costOnItems: true),
        Product(sku: "HEAD-02", category: "headphones", price: 3_490_000, cost: 2_600_000, costOnItems: false),
        Product(sku: "GLASS-01", category: "screen_protector", price: 150_000, cost: 40_000, costOnItems: true),
        Product(sku: "CHARGER-01", category: "charger", price: 450_000, cost: 220_000, costOnItems: true),
        Product(sku: "CABLE-01", category: "cable", price: 120_000, cost: nil, costOnItems: false),
        Product(sku: "SHIRT-01", category: "fashion", price: 450_000, cost: 200_000, costOnItems: true),
        Product(sku: "BAG-01", category: "fashion", price: 890_000, cost: 400_000, costOnItems: true),
        Product(sku: "MUG-01", category: "home", price: 120_000, cost: nil, costOnItems: false),
    ]

    static let products = Dictionary(uniqueKeysWithValues: catalog.map { ($0.sku, $0) })
    static let phones = catalog.filter { $0.category == "phone" }
    static let accessories = catalog.filter {
        ["case", "headphones", "screen_protector", "charger", "cable"].contains($0.category)
    }
    static let others = catalog.filter { ["fashion", "home"].contains($0.category) }
    static let zones = [
        "Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh", "Asia/Bangkok", "Europe/Berlin",
        "America/New_York",
    ]

    let now: Date
    private(set) var profiles: [Profile] = []
    /// Every purchase imported, oldest first.
    private(set) var history: [Order] = []
    /// The customers the campaign enrolls: a phone bought 22–30 days ago, in Vietnam.
    private(set) var enrollable: Set<String> = []

    init(customers: Int, seed: UInt64, now: Date) {
        self.now = now
        var random = SplitMix64(seed: seed)
        for index in 1...customers {
            let id = String(format: "kh-%04d", index)
            let country = Double.random(in: 0..<1, using: &random) < 0.9 ? "VN" : "SG"
            profiles.append(
                Profile(
                    id: id, name: "Khách \(index)", zone: Self.zones.randomElement(using: &random)!, country: country))
            var orders: [Order] = []
            let earlier = Double.random(in: 0..<1, using: &random) < 0.4 ? Int.random(in: 1...3, using: &random) : 0
            for _ in 0..<earlier {
                let at = now - Double.random(in: 60...390, using: &random) * 86_400
                orders.append(
                    order(customer: id, number: orders.count, at: at, random: &random) {
                        Self.pick(Self.accessories + Self.others, lines: 1...2, random: &$0)
                    })
            }
            if Double.random(in: 0..<1, using: &random) < 0.85 {
                let bought = now - Double.random(in: 22...30, using: &random) * 86_400
                orders.append(
                    order(customer: id, number: orders.count, at: bought, random: &random) { random in
                        let phone = Self.line(Self.phones.randomElement(using: &random)!, random: &random, quantity: 1)
                        let extras =
                            Double.random(in: 0..<1, using: &random) < 0.6
                            ? Self.pick(Self.accessories, lines: 1...2, random: &random) : []
                        return [phone] + extras
                    })
                if country == "VN" { enrollable.insert(id) }
                if Double.random(in: 0..<1, using: &random) < 0.1 {
                    let later = bought + Double.random(in: 2...15, using: &random) * 86_400
                    orders.append(
                        order(customer: id, number: orders.count, at: later, random: &random) {
                            Self.pick(Self.accessories + Self.others, lines: 1...2, random: &$0)
                        })
                }
            } else {
                let at = now - Double.random(in: 1...40, using: &random) * 86_400
                orders.append(
                    order(customer: id, number: orders.count, at: at, random: &random) {
                        Self.pick(Self.accessories + Self.others, lines: 1...3, random: &$0)
                    })
            }
            history += orders
        }
        history.sort { ($0.at, $0.id) < ($1.at, $1.id) }
    }

    /// One order of `customer`, its lines from `lines`; one in ten has a voucher off its total, one in twenty names no
    /// total.
    private func order(
        customer: String, number: Int, at: Date, random: inout SplitMix64, lines: (inout SplitMix64) -> [Item]
    ) -> Order {
        Self.order(id: "\(customer)-o\(number + 1)", customer: customer, at: at, items: lines(&random), random: &random)
    }

    static func order(id: String, customer: String, at: Date, items: [Item], random: inout SplitMix64) -> Order {
        let sum = items.reduce(0) { $0 + $1.price * $1.quantity }
        let draw = Double.random(in: 0..<1, using: &random)
        let total: Double? = draw < 0.1 && sum > 100_000 ? sum - 50_000 : draw < 0.15 ? nil : sum
        return Order(id: id, customer: customer, at: milliseconds(at), items: items, total: total)
    }

    /// `lines` distinct products from `products`.
    static func pick(_ products: [Product], lines: ClosedRange<Int>, random: inout SplitMix64) -> [Item] {
        products.shuffled(using: &random).prefix(Int.random(in: lines, using: &random)).map {
            line($0, random: &random)
        }
    }

    /// A line of `product`: at list price or, one time in four, 10% off; two of a cheap item now and then.
    static func line(_ product: Product, random: inout SplitMix64, quantity: Double? = nil) -> Item {
        let sale = Double.random(in: 0..<1, using: &random) < 0.25
        let price = sale ? (product.price * 0.9 / 1_000).rounded() * 1_000 : product.price
        let two = product.price < 500_000 && Double.random(in: 0..<1, using: &random) < 0.3
        return Item(
            sku: product.sku, category: product.category, price: price, quantity: quantity ?? (two ? 2 : 1),
            cost: product.costOnItems ? product.cost : nil)
    }

    /// Times as the store keeps them, to the millisecond.
    static func milliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000).rounded() / 1_000)
    }

    // MARK: Files to import

    var productsNDJSON: String {
        Self.catalog.map { product in
            let cost = product.cost.map { #", "cost": \#(Int($0))"# } ?? ""
            return
                #"{"sku": "\#(product.sku)", "name": "Sản phẩm \#(product.sku)", "category": "\#(product.category)", "price": \#(Int(product.price))\#(cost)}"#
        }.joined(separator: "\n") + "\n"
    }

    var customersNDJSON: String {
        profiles.map { p in
            #"{"id": "\#(p.id)", "email": "\#(p.id)@example.vn", "timezone": "\#(p.zone)", "attributes": {"country": "\#(p.country)", "name": "\#(p.name)"}, "consent": {"email": true}}"#
        }.joined(separator: "\n") + "\n"
    }

    var eventsNDJSON: String {
        history.map(Self.event).joined(separator: "\n") + "\n"
    }

    /// A purchase as one NDJSON line of `POST /v1/events` or `nudge import events`.
    static func event(_ order: Order) -> String {
        let items = order.items.map { item in
            let cost = item.cost.map { #", "cost": \#(Int($0))"# } ?? ""
            return
                #"{"sku": "\#(item.sku)", "category": "\#(item.category)", "name": "Sản phẩm \#(item.sku)", "price": \#(Int(item.price)), "quantity": \#(Int(item.quantity))\#(cost)}"#
        }
        let total = order.total.map { #""total": \#(Int($0)), "# } ?? ""
        return
            #"{"id": "\#(order.id)", "type": "purchase", "customer_id": "\#(order.customer)", "timestamp": "\#(LogTime.format(order.at))", "properties": {"order_id": "\#(order.id)", "currency": "VND", \#(total)"items": [\#(items.joined(separator: ", "))]}}"#
    }
}

/// When the campaign enrolled a customer and when its step reached them (the message sent, or the holdout decision).
struct Reach {
    var arm: Arm
    var enrolledAt: Date
    var at: Date
}

/// What customers did after the campaign reached them (or held them out), posted to the API once every step was
/// decided.
struct FollowUps {
    /// Purchases inside the goal window after the customer's exposure: the campaign's conversions.
    var conversions: [ReportDataset.Order] = []
    /// Purchases that must not count: by customers the campaign never enrolled, and by enrolled customers but
    /// stamped before the campaign reached them (sent late by the shop): hours before, or after the enrollment
    /// but before the step.
    var ignored: [ReportDataset.Order] = []
    /// Page views of enrolled customers inside their window: not the goal event.
    var pageViews: [String] = []

    /// Treatment customers buy with `treatmentRate`, holdout customers with `holdoutRate`, a quarter of the buyers
    /// twice, at times between their exposure and `postedAt`.
    init(
        _ shop: ReportDataset, exposures: [String: Reach], postedAt: Date, seed: UInt64,
        treatmentRate: Double = 0.3, holdoutRate: Double = 0.15
    ) {
        var random = SplitMix64(seed: seed)
        for profile in shop.profiles {
            let id = profile.id
            guard let exposure = exposures[id] else {
                if Double.random(in: 0..<1, using: &random) < 0.25 {
                    let items = ReportDataset.pick(ReportDataset.accessories, lines: 1...2, random: &random)
                    ignored.append(
                        ReportDataset.order(id: "\(id)-f1", customer: id, at: postedAt, items: items, random: &random))
                }
                continue
            }
            let rate = exposure.arm == .treatment ? treatmentRate : holdoutRate
            if Double.random(in: 0..<1, using: &random) < rate {
                let count = Double.random(in: 0..<1, using: &random) < 0.25 ? 2 : 1
                let gap = postedAt.timeIntervalSince(exposure.at)
                let moments = (0..<count).map { _ in Double.random(in: 0.2...1, using: &random) }.sorted()
                for (number, fraction) in moments.enumerated() {
                    var items = ReportDataset.pick(ReportDataset.accessories, lines: 1...3, random: &random)
                    if Double.random(in: 0..<1, using: &random) < 0.15 {
                        items += ReportDataset.pick(ReportDataset.others, lines: 1...1, random: &random)
                    }
                    let at = exposure.at + max(0.002 * Double(number + 1), fraction * gap)
                    conversions.append(
                        ReportDataset.order(
                            id: "\(id)-f\(number + 1)", customer: id, at: at, items: items, random: &random))
                }
            }
            let late = Double.random(in: 0..<1, using: &random)
            let waited = exposure.at.timeIntervalSince(exposure.enrolledAt)
            if late < 0.1 {
                let items = ReportDataset.pick(ReportDataset.accessories, lines: 1...2, random: &random)
                let at =
                    late < 0.05 || waited < 0.01
                    ? exposure.at - Double.random(in: 1...48, using: &random) * 3_600
                    : exposure.enrolledAt + Double.random(in: 0.25...0.75, using: &random) * waited
                ignored.append(
                    ReportDataset.order(id: "\(id)-late", customer: id, at: at, items: items, random: &random))
            }
            if Double.random(in: 0..<1, using: &random) < 0.05 {
                pageViews.append(
                    #"{"id": "\#(id)-view", "type": "page_view", "customer_id": "\#(id)", "timestamp": "\#(LogTime.format(postedAt))", "properties": {"url": "/p/CASE-01", "sku": "CASE-01"}}"#
                )
            }
        }
    }
}
