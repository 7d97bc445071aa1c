import Foundation

/// Finds a strategy's candidates in the store, best first; `RecommendationPicker` then applies the filters.
public enum RecommendationSource {
    /// At most this many of a customer's owned SKUs (the most recently first bought) seed `also_bought` when there is
    /// no trigger purchase: recent purchases say more about what is needed next, and each one costs a lookup.
    public static let ownedSources = 20

    /// The candidates of `rule` for `customer`, after `trigger` (the enrollment's trigger event, if any).
    ///
    /// - `also_bought`: products co-purchased with the trigger purchase's items, or with the customer's owned SKUs
    ///   when there is no trigger purchase, ranked by confidence, then lift, then support.
    /// - `same_category`: active products in the categories of the trigger purchase's items (or of everything the
    ///   customer bought when there is none), most customers first.
    /// - `fixed`: the listed SKUs, in order.
    public static func candidates(
        for rule: Recommendation, customer: Customer, trigger: Event?, in store: any StoreReader
    ) throws -> [RankedProduct] {
        switch rule.strategy {
        case .fixed:
            return try store.products(skus: rule.skus).map { RankedProduct($0) }
        case .alsoBought:
            let bought = trigger.map(PurchaseItem.items(of:))?.map(\.sku) ?? []
            let sources = bought.isEmpty ? Array(customer.facts.ownedSKUs.suffix(ownedSources)) : bought
            return try alsoBought(
                sources: sources, categories: rule.categories, limit: rule.limit, owned: customer.facts.ownedSKUs.count,
                in: store)
        case .sameCategory:
            let categories = try triggerCategories(trigger, in: store) ?? customer.facts.ownedCategories
            let wanted = rule.categories.isEmpty ? categories : categories.filter(rule.categories.contains)
            guard !wanted.isEmpty else { return [] }
            let depth = lookupDepth(limit: rule.limit, owned: customer.facts.ownedSKUs.count)
            return try store.popularProducts(in: wanted, limit: depth).map { RankedProduct($0) }
        }
    }

    /// `also_bought` candidates for `sources`, each product once with its best score.
    public static func alsoBought(
        sources: [String], categories: [String], limit: Int, owned: Int, in store: any StoreReader
    ) throws -> [RankedProduct] {
        var seen: Set<String> = []
        let unique = sources.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return [] }
        let pairs = try store.coPurchases(
            of: unique, categories: categories, limit: lookupDepth(limit: limit, owned: owned))
        return AlsoBought.rank(pairs, purchasingCustomers: try store.purchasingCustomers())
    }

    /// How many candidates to look up per source: enough that owned items and products failing the margin, price
    /// or threshold filters rarely leave fewer than `limit`, few enough to stay a short index scan.
    static func lookupDepth(limit: Int, owned: Int) -> Int {
        limit * 10 + min(owned, 100)
    }

    /// The categories of the trigger purchase's items (from the items, else the catalog); nil without a purchase.
    private static func triggerCategories(_ trigger: Event?, in store: any StoreReader) throws -> [String]? {
        guard let trigger else { return nil }
        let items = PurchaseItem.items(of: trigger)
        guard !items.isEmpty else { return nil }
        var categories: [String] = []
        for item in items {
            guard let category = try item.category ?? store.product(item.sku)?.category else { continue }
            if !categories.contains(category) { categories.append(category) }
        }
        return categories
    }
}
