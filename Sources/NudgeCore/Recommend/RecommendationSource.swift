import Foundation

/// Finds a strategy's candidates in the store, best first; `RecommendationPicker` then applies the filters.
public enum RecommendationSource {
    /// At most this many of a customer's owned SKUs (the most recently first bought) seed `also_bought` when there is
    /// no trigger purchase: recent purchases say more about what is needed next, and each one costs a lookup.
    public static let ownedSources = 20
    /// Candidates are found among each source item's this many most co-purchased SKUs: a bound on the work of one
    /// lookup when filters (a narrow category) pass few of them. What lies beyond is too weakly related to offer.
    public static let scanDepth = 300

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
                sources: sources, categories: rule.categories,
                depth: lookupDepth(for: rule, owned: customer.facts.ownedSKUs.count),
                cutoff: cutoff(for: rule, customer: customer), in: store)
        case .sameCategory:
            let categories = try triggerCategories(trigger, in: store) ?? customer.facts.ownedCategories
            let wanted = rule.categories.isEmpty ? categories : categories.filter(rule.categories.contains)
            guard !wanted.isEmpty else { return [] }
            let depth = lookupDepth(for: rule, owned: customer.facts.ownedSKUs.count)
            return try store.popularProducts(in: wanted, limit: depth).map { RankedProduct($0) }
        }
    }

    /// `also_bought` candidates for `sources`, each product once with its best score; `depth` candidates are looked
    /// up per source, the most co-purchased first, and none that `cutoff` shows cannot matter.
    public static func alsoBought(
        sources: [String], categories: [String], depth: Int, cutoff: CoPurchaseCutoff = .none,
        in store: any StoreReader
    ) throws -> [RankedProduct] {
        var seen: Set<String> = []
        let unique = sources.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return [] }
        var cutoff = cutoff
        let pairs = try store.coPurchases(
            of: unique, categories: categories, limit: min(depth, scanDepth), scanning: scanDepth, cutoff: &cutoff)
        return AlsoBought.rank(pairs, purchasingCustomers: try store.purchasingCustomers())
    }

    /// How many candidates to look up per source. The store already leaves out inactive products and other
    /// categories, so without margin, price or lift filters `limit` plus the customer's owned items is enough for
    /// `limit` to remain; with them, ten times more, so that they rarely leave fewer than `limit`, while the lookup
    /// stays a short index scan.
    static func lookupDepth(for rule: Recommendation, owned: Int) -> Int {
        min((isFiltered(rule) ? rule.limit * 10 : rule.limit) + owned, 1_000)
    }

    /// Without margin, price or lift filters, `RecommendationPicker` offers the `limit` most confident candidates
    /// the customer does not own (a confidence floor keeps or drops them in that order too): candidates less
    /// confident than those need not be looked up. With those filters, any candidate may be the one that passes.
    static func cutoff(for rule: Recommendation, customer: Customer) -> CoPurchaseCutoff {
        isFiltered(rule) ? .none : CoPurchaseCutoff(count: rule.limit, excluding: Set(customer.facts.ownedSKUs))
    }

    private static func isFiltered(_ rule: Recommendation) -> Bool {
        rule.minMargin != nil || rule.maxPrice != nil || rule.minLift != nil
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
