import Foundation

/// Ranks co-purchases into `also_bought` candidates.
public enum AlsoBought {
    /// Each product once, with its best score over the sources (see `CoPurchaseScore.ranks(above:)`), best first;
    /// equal scores go by SKU so that the order never depends on the store.
    public static func rank(_ coPurchases: [CoPurchase], purchasingCustomers: Int) -> [RankedProduct] {
        var best: [String: RankedProduct] = [:]
        for pair in coPurchases {
            let score = CoPurchaseScore(pair, purchasingCustomers: purchasingCustomers)
            if let kept = best[pair.product.sku]?.score, !score.ranks(above: kept) { continue }
            best[pair.product.sku] = RankedProduct(pair.product, score: score)
        }
        return best.values.sorted { a, b in
            guard let sa = a.score, let sb = b.score else { return a.product.sku < b.product.sku }
            if sa.ranks(above: sb) { return true }
            if sb.ranks(above: sa) { return false }
            return a.product.sku < b.product.sku
        }
    }
}
