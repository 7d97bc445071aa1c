/// What a batch of purchases adds to the co-purchase statistics: the deltas of its purchases (see
/// `CoPurchaseDelta`) summed, so that a store writes each SKU's and each pair's count once per batch rather than
/// once per purchase.
public struct CoPurchaseCounts: Sendable, Equatable {
    /// Customers gained, by SKU.
    public private(set) var skuCustomers: [String: Int] = [:]
    /// Customers gained, by pair; stores count each pair in both directions.
    public private(set) var pairs: [SKUPair: Int] = [:]
    /// Customers who made their first purchase.
    public private(set) var purchasingCustomers = 0

    public init() {}

    public init(_ delta: CoPurchaseDelta) {
        add(delta)
    }

    /// Whether nothing was added (every purchase was of SKUs owned already).
    public var isEmpty: Bool { skuCustomers.isEmpty }

    public mutating func add(_ delta: CoPurchaseDelta) {
        for sku in delta.newSKUs { skuCustomers[sku, default: 0] += 1 }
        for pair in delta.pairs { pairs[pair, default: 0] += 1 }
        if delta.isFirstPurchase { purchasingCustomers += 1 }
    }
}
