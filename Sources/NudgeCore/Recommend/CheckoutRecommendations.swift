import Foundation

/// `GET /v1/customers/{id}/recommendations` (SPEC §11), for checkout pages: "you may also need …".
public enum CheckoutRecommendations {
    /// Largest `limit` a caller may ask for.
    public static let maxLimit = 50

    /// `also_bought` from what the customer owns (their most recent purchases first, see
    /// `RecommendationSource.ownedSources`): active products they do not own, in `categories` when any are given,
    /// best first. Empty for a customer who has bought nothing yet.
    public static func recommend(
        for customer: Customer, categories: [String], limit: Int, in store: any StoreReader
    ) throws -> [RankedProduct] {
        let rule = Recommendation(
            strategy: .alsoBought, limit: limit, categories: categories, skus: [], minConfidence: nil, minLift: nil,
            minMargin: nil, maxPrice: nil, fallback: [], require: false)
        let candidates = try RecommendationSource.candidates(for: rule, customer: customer, trigger: nil, in: store)
        return RecommendationPicker.pick(
            rule, candidates: candidates, fallback: [], customer: customer, triggerTotal: nil)
    }
}
