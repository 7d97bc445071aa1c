import Foundation

/// Picks the products a step offers from candidates the store looked up (SPEC §6 `recommend`).
///
/// Candidates come from the strategy (the fixed SKUs; co-purchase statistics where they exist) and, separately,
/// the fallback SKUs, used only when no candidate clears the filters.
public enum RecommendationPicker {
    public static func pick(
        _ recommendation: Recommendation, candidates: [Product], fallback: [Product], customer: Customer,
        triggerTotal: Double?
    ) -> [Product] {
        let chosen = candidates.filter { passes($0, recommendation, customer, triggerTotal: triggerTotal) }
        let list = chosen.isEmpty ? fallback.filter { passes($0, recommendation, customer, triggerTotal: nil) } : chosen
        var seen: Set<String> = []
        return Array(list.filter { seen.insert($0.sku).inserted }.prefix(recommendation.limit))
    }

    /// Whether a product may be offered: active, not owned, in an allowed category, above the margin floor
    /// (unknown cost fails a floor) and within the price cap relative to the trigger purchase (when there is one).
    static func passes(
        _ product: Product, _ rule: Recommendation, _ customer: Customer, triggerTotal: Double?
    ) -> Bool {
        guard product.active, !customer.facts.ownedSKUs.contains(product.sku) else { return false }
        if !rule.categories.isEmpty {
            guard let category = product.category, rule.categories.contains(category) else { return false }
        }
        if let floor = rule.minMargin {
            guard let cost = product.cost, product.price > 0, (product.price - cost) / product.price >= floor else {
                return false
            }
        }
        if let cap = rule.maxPrice, let total = triggerTotal, total > 0, product.price > cap * total { return false }
        return true
    }
}
