import Foundation

/// What one purchase adds to the co-purchase statistics behind `also_bought`.
///
/// The statistics count customers, not baskets: a SKU's support is the number of customers who ever bought it,
/// a pair's the number who bought both (in one basket or years apart), and the base of lift is the number of
/// customers who bought anything. A customer therefore adds to each count at most once, when the count first
/// applies to them; comparing the purchase with the SKUs they owned before is enough to know when that is, so
/// the statistics grow with each purchase and are never recomputed.
public struct CoPurchaseDelta: Sendable, Hashable {
    /// SKUs bought for the first time, without repeats, in order: each gains one customer.
    public var newSKUs: [String]
    /// SKUs the customer had bought before this purchase.
    public var earlierSKUs: [String]

    /// The delta of a purchase of `bought` by a customer who owned `owned` before it.
    public init(owned: [String], bought: [String]) {
        let ownedSet = Set(owned)
        var seen: Set<String> = []
        newSKUs = bought.filter { !ownedSet.contains($0) && seen.insert($0).inserted }
        earlierSKUs = newSKUs.isEmpty ? [] : owned
    }

    /// Whether the purchase changes nothing (every SKU was owned already).
    public var isEmpty: Bool { newSKUs.isEmpty }

    /// The customer's first SKU ever: the number of purchasing customers gains one.
    public var isFirstPurchase: Bool { earlierSKUs.isEmpty && !newSKUs.isEmpty }

    /// Unordered pairs that gain one customer: each new SKU with every other new one and with every earlier one.
    /// Each pair appears once; stores count it in both directions.
    public var pairs: [SKUPair] {
        var pairs: [SKUPair] = []
        for (index, sku) in newSKUs.enumerated() {
            for other in newSKUs[(index + 1)...] { pairs.append(SKUPair(sku, other)) }
            for earlier in earlierSKUs { pairs.append(SKUPair(sku, earlier)) }
        }
        return pairs
    }
}

/// Two different SKUs bought by the same customer.
public struct SKUPair: Sendable, Hashable {
    public var first: String
    public var second: String

    public init(_ first: String, _ second: String) {
        self.first = first
        self.second = second
    }
}
