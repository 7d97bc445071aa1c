import Foundation
import NudgeCore
import NudgeStore
import NudgeTesting

/// A shop's history for simulations: customers in several zones (two with daylight saving), with purchase
/// histories over the last 13 months, basic-plan usage, trials and a few unsubscribes, all generated from a seed.
/// Stored through the same parser and engine the daemon's API uses, as of `now`.
struct SimulationDataset {
    let customers: Int
    let seed: UInt64
    let now: Date

    /// Writes the catalog, the profiles and the events into `store`, ingesting at `now`.
    func load(into store: SQLiteStore, engine: JourneyEngine) throws {
        var random = SplitMix64(seed: seed)
        try store.write { tx in
            for (sku, category, price, cost) in Self.catalog {
                try tx.saveProduct(Product(sku: sku, name: "Sản phẩm \(sku)", category: category, price: price, cost: cost))
            }
        }
        var lines: [String] = []
        var profiles: [Customer] = []
        for index in 0..<customers {
            let id = "c\(index)"
            profiles.append(
                Customer(
                    id: id, email: "khach\(index)@example.vn", phone: "+8490\(String(format: "%07d", index))",
                    pushTokens: ["push-token-\(index)"], timezone: Self.zones[Int(random.next() % UInt64(Self.zones.count))],
                    attributes: [
                        "country": .string(random.next() % 100 < 85 ? "VN" : "SG"), "name": .string("Khách \(index)"),
                    ],
                    consent: [.sms: random.next() % 100 < 70, .push: random.next() % 100 < 90], createdAt: now - 400 * 86_400))
            lines += events(for: id, index: index, random: &random)
        }
        try store.write { tx in for customer in profiles { try tx.saveCustomer(customer) } }
        let ordered = lines.sorted()
        for start in stride(from: 0, to: ordered.count, by: 500) {
            let batch = ordered[start..<min(start + 500, ordered.count)].map { $0.split(separator: "\t")[1] }
                .joined(separator: "\n")
            guard case .success(let events) = EventBatchParser.parse(
                Data(batch.utf8), contentType: "application/x-ndjson", now: now)
            else { throw DatasetError.rejected(String(batch.prefix(300))) }
            _ = try store.write { tx in try engine.ingest(events, into: tx, now: now) }
        }
    }

    enum DatasetError: Error { case rejected(String) }

    static let zones = ["Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh", "Asia/Bangkok", "Europe/Berlin",
        "America/New_York"]

    static let catalog: [(String, String, Double, Double?)] = [
        ("PHONE-A", "phone", 9_990_000, 8_500_000), ("PHONE-B", "phone", 21_990_000, 18_000_000),
        ("CASE-01", "case", 250_000, 100_000), ("CASE-02", "case", 390_000, 350_000),
        ("HEAD-01", "headphones", 1_290_000, 700_000), ("GLASS-01", "screen_protector", 150_000, 40_000),
        ("SHIRT-01", "fashion", 450_000, 200_000), ("MUG-01", "home", 120_000, nil),
    ]

    /// One customer's events, each line `timestamp<TAB>json` so that sorting orders them in time.
    private func events(for id: String, index: Int, random: inout SplitMix64) -> [String] {
        var lines: [String] = []
        var sequence = 0
        func add(_ type: String, _ at: Date, _ properties: String) {
            sequence += 1
            let stamp = LogTime.format(at)
            lines.append(
                "\(stamp)\t{\"id\": \"\(id)-\(sequence)\", \"type\": \"\(type)\", \"customer_id\": \"\(id)\", "
                    + "\"timestamp\": \"\(stamp)\", \"properties\": \(properties)}")
        }
        let purchases = Int(random.next() % 6)
        for order in 0..<purchases {
            let at = now - Double(random.next() % (400 * 86_400))
            let count = 1 + Int(random.next() % 3)
            var items: [String] = []
            var total = 0.0
            for _ in 0..<count {
                let (sku, category, price, _) = Self.catalog[Int(random.next() % UInt64(Self.catalog.count))]
                items.append("{\"sku\": \"\(sku)\", \"category\": \"\(category)\", \"price\": \(Int(price)), \"quantity\": 1}")
                total += price
            }
            add(
                "purchase", at,
                "{\"order_id\": \"\(id)-o\(order)\", \"currency\": \"VND\", \"total\": \(Int(total)), "
                    + "\"items\": [\(items.joined(separator: ", "))]}")
        }
        if random.next() % 100 < 20 {
            add("plan_changed", now - 60 * 86_400, "{\"plan\": \"co-ban\"}")
            let used = 50 + Int(random.next() % 51)
            add(
                "plan_usage", now - Double(random.next() % (6 * 3_600)),
                "{\"metric\": \"orders\", \"used\": \(used), \"limit\": 100}")
        }
        if random.next() % 100 < 5 {
            let ends = now + Double(Int64(random.next() % (25 * 86_400)) - 5 * 86_400)
            add("trial_started", now - 10 * 86_400, "{\"ends_at\": \"\(LogTime.format(ends))\"}")
        }
        if random.next() % 100 < 2 { add("unsubscribe", now - Double(random.next() % (30 * 86_400)), "{}") }
        return lines
    }
}
