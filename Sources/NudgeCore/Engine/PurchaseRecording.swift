import Foundation

extension JourneyEngine {
    /// What a newly stored purchase changes besides the customer's facts, in the ingest transaction: products the
    /// catalog learns from its items, saved now, and what it adds to the co-purchase statistics, added to
    /// `coPurchases` (`ownedBefore`: the customer's SKUs before it).
    func recordPurchase(
        _ event: Event, ownedBefore: [String], coPurchases: inout CoPurchaseCounts, in tx: any StoreTransaction
    ) throws {
        let items = PurchaseItem.items(of: event)
        guard !items.isEmpty else { return }
        var currency: String?
        if case .string(let code)? = event.properties["currency"] { currency = code }
        var seen: Set<String> = []
        for item in items where seen.insert(item.sku).inserted {
            // An item that says nothing about the product cannot teach the catalog anything: skip the lookup.
            guard item.price != nil || item.cost != nil || item.category != nil else { continue }
            if let product = CatalogFromPurchase.update(try tx.product(item.sku), with: item, currency: currency) {
                try tx.saveProduct(product)
            }
        }
        let delta = CoPurchaseDelta(owned: ownedBefore, bought: items.map(\.sku))
        if !delta.isEmpty { coPurchases.add(delta) }
    }
}
