import Foundation

/// Picks the products a step offers from candidates the store looked up (SPEC §6 `recommend`).
///
/// Candidates come from the strategy, best first (co-purchase statistics, a category's best sellers, the fixed
/// SKUs) and, separately, the fallback SKUs, used only when no candidate clears the filters.
public enum RecommendationPicker {
    public static func pick(
        _ recommendation: Recommendation, candidates: [RankedProduct], fallback: [Product], customer: Customer,
        triggerTotal: Double?
    ) -> [RankedProduct] {
        let chosen = candidates.filter { passes($0, recommendation, customer, triggerTotal: triggerTotal) }
        let list =
            chosen.isEmpty
            ? fallback.map { RankedProduct($0) }.filter { passes($0, recommendation, customer, triggerTotal: nil) }
            : chosen
        var seen: Set<String> = []
        return Array(list.filter { seen.insert($0.product.sku).inserted }.prefix(recommendation.limit))
    }

    /// Whether a candidate may be offered: active, not owned, in an allowed category, above the margin floor
    /// (unknown cost fails a floor), within the price cap relative to the trigger purchase (when there is one), and,
    /// when it comes with co-purchase statistics, at or above `min_confidence` and `min_lift`.
    static func passes(
        _ candidate: RankedProduct, _ rule: Recommendation, _ customer: Customer, triggerTotal: Double?
    ) -> Bool {
        let product = candidate.product
        guard product.active, !customer.facts.ownedSKUs.contains(product.sku) else { return false }
        if !rule.categories.isEmpty {
            guard let category = product.category, rule.categories.contains(category) else { return false }
        }
        if let floor = rule.minMargin, !MarginGuard.clears(product, floor: floor) { return false }
        if let cap = rule.maxPrice, let total = triggerTotal, total > 0, product.price > cap * total { return false }
        if let score = candidate.score {
            if let least = rule.minConfidence, score.confidence < least { return false }
            if let least = rule.minLift, score.lift < least { return false }
        }
        return true
    }
}
