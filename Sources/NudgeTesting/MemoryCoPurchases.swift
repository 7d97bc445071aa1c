import Foundation
import NudgeCore

/// Co-purchase statistics of the in-memory store, counted like the SQLite store's (see `CoPurchaseDelta`).
struct MemoryCoPurchases {
    var skuCustomers: [String: Int] = [:]
    /// Customers who bought both, by SKU, then by the other SKU.
    var pairs: [String: [String: Int]] = [:]
    var purchasingCustomers = 0

    mutating func add(_ counts: CoPurchaseCounts) {
        for (sku, customers) in counts.skuCustomers { skuCustomers[sku, default: 0] += customers }
        for (pair, customers) in counts.pairs {
            pairs[pair.first, default: [:]][pair.second, default: 0] += customers
            pairs[pair.second, default: [:]][pair.first, default: 0] += customers
        }
        purchasingCustomers += counts.purchasingCustomers
    }
}

extension MemoryTransaction {
    func addCoPurchases(_ counts: CoPurchaseCounts) throws {
        state.coPurchases.add(counts)
    }

    func coPurchases(
        of skus: [String], categories: [String], limit: Int, scanning: Int, cutoff: inout CoPurchaseCutoff
    ) throws -> [CoPurchase] {
        // Walked like the SQLite store's: sources bought by the fewest customers first, answered in the order given.
        let statistics = state.coPurchases
        let limit = min(limit, scanning)
        var found: [String: [CoPurchase]] = [:]
        let sources = skus.compactMap { sku in statistics.skuCustomers[sku].map { (sku: sku, customers: $0) } }
        for source in sources.sorted(by: { $0.customers < $1.customers }) {
            let ranked = (statistics.pairs[source.sku] ?? [:]).sorted { a, b in
                a.value != b.value ? a.value > b.value : a.key < b.key
            }
            var kept: [CoPurchase] = []
            for (other, both) in ranked.prefix(categories.isEmpty ? ranked.count : scanning) {
                guard kept.count < limit, both >= cutoff.leastCustomers(sourceCustomers: source.customers) else {
                    break
                }
                guard let product = state.products[other], product.active,
                    categories.isEmpty || product.category.map(categories.contains) == true
                else { continue }
                let pair = CoPurchase(
                    source: source.sku, product: product, bothCustomers: both, sourceCustomers: source.customers,
                    productCustomers: statistics.skuCustomers[other] ?? 0)
                kept.append(pair)
                cutoff.admit(pair)
            }
            found[source.sku] = kept
        }
        return skus.flatMap { found[$0] ?? [] }
    }

    func purchasingCustomers() throws -> Int {
        state.coPurchases.purchasingCustomers
    }

    func popularProducts(in categories: [String], limit: Int) throws -> [Product] {
        let customers = state.coPurchases.skuCustomers
        return Array(
            state.products.values.filter { $0.active && $0.category.map(categories.contains) == true }
                .sorted { a, b in
                    let (ca, cb) = (customers[a.sku] ?? 0, customers[b.sku] ?? 0)
                    return ca != cb ? ca > cb : a.sku < b.sku
                }
                .prefix(limit))
    }
}
