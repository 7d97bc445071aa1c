import Foundation

/// How far each source's co-purchases are worth reading when only the best `count` products can be offered.
///
/// A source's pairs come bought by the most customers first, so their confidence only falls. Once `count` products
/// that may be offered are known, a pair less confident than the `count`-th of them can no longer change the answer:
/// its product ranks below all `count` (see `CoPurchaseScore.ranks(above:)`), and it is not that product's best
/// pair either. A lookup stops reading a source there. The answer is the one a full read gives; only the work shrinks.
public struct CoPurchaseCutoff: Sendable {
    /// How many products can be offered; with 0, nothing is cut.
    public let count: Int
    /// Products that will not be offered whatever their score (what the customer owns): they never raise the cutoff.
    public let excluded: Set<String>
    /// The `count` most confident products so far, each with its best confidence, most confident first.
    private var best: [(sku: String, confidence: Confidence)] = []

    /// A cutoff that cuts nothing.
    public static let none = CoPurchaseCutoff(count: 0, excluding: [])

    public init(count: Int, excluding excluded: Set<String>) {
        self.count = max(count, 0)
        self.excluded = excluded
    }

    /// The fewest customers who bought both that a pair of a source bought by `sourceCustomers` customers needs to
    /// be as confident as the `count`-th product so far; 0 while fewer than `count` are known.
    public func leastCustomers(sourceCustomers: Int) -> Int {
        guard count > 0, best.count == count, let last = best.last?.confidence, last.customers > 0 else { return 0 }
        // both / sourceCustomers >= last.customers / last.sourceCustomers, rounded up to a whole customer.
        let product = last.customers * sourceCustomers
        return product / last.sourceCustomers + (product % last.sourceCustomers == 0 ? 0 : 1)
    }

    /// Takes into account a pair the lookup keeps.
    public mutating func admit(_ pair: CoPurchase) {
        guard count > 0, !excluded.contains(pair.product.sku) else { return }
        let confidence = Confidence(customers: pair.bothCustomers, sourceCustomers: pair.sourceCustomers)
        if let index = best.firstIndex(where: { $0.sku == pair.product.sku }) {
            guard best[index].confidence < confidence else { return }
            best[index].confidence = confidence
        } else if best.count < count {
            best.append((pair.product.sku, confidence))
        } else if let last = best.last, last.confidence < confidence {
            best[best.count - 1] = (pair.product.sku, confidence)
        } else {
            return
        }
        best.sort { $1.confidence < $0.confidence }
    }

    /// P(product | source) as the exact fraction of customers, compared without rounding.
    struct Confidence: Comparable, Sendable {
        var customers: Int
        var sourceCustomers: Int

        init(customers: Int, sourceCustomers: Int) {
            // Like `CoPurchaseScore`, no customers behind the source means no confidence.
            (self.customers, self.sourceCustomers) = sourceCustomers > 0 ? (customers, sourceCustomers) : (0, 1)
        }

        static func < (a: Confidence, b: Confidence) -> Bool {
            a.customers * b.sourceCustomers < b.customers * a.sourceCustomers
        }

        static func == (a: Confidence, b: Confidence) -> Bool {
            a.customers * b.sourceCustomers == b.customers * a.sourceCustomers
        }
    }
}
