import Foundation

/// A product bought by customers who also bought `source`, with the customer counts behind the statistics
/// (see `CoPurchaseDelta` for what is counted).
public struct CoPurchase: Sendable, Hashable {
    /// The SKU the customer has (or just bought).
    public var source: String
    /// The product offered.
    public var product: Product
    /// Customers who bought both.
    public var bothCustomers: Int
    /// Customers who bought `source`.
    public var sourceCustomers: Int
    /// Customers who bought `product`.
    public var productCustomers: Int

    public init(source: String, product: Product, bothCustomers: Int, sourceCustomers: Int, productCustomers: Int) {
        self.source = source
        self.product = product
        self.bothCustomers = bothCustomers
        self.sourceCustomers = sourceCustomers
        self.productCustomers = productCustomers
    }
}

/// How strongly buying `source` (A) points at a product (B).
public struct CoPurchaseScore: Sendable, Hashable {
    /// A.
    public var source: String
    /// Customers who bought both A and B.
    public var support: Int
    /// P(B | A) = support / customers who bought A.
    public var confidence: Double
    /// P(B | A) / P(B), where P(B) = customers who bought B / customers who bought anything. Above 1, buying A makes
    /// B more likely than it is for customers at large.
    public var lift: Double

    public init(source: String, support: Int, confidence: Double, lift: Double) {
        self.source = source
        self.support = support
        self.confidence = confidence
        self.lift = lift
    }

    /// The score of one co-purchase among `purchasingCustomers` customers who bought anything.
    public init(_ pair: CoPurchase, purchasingCustomers: Int) {
        let confidence = pair.sourceCustomers > 0 ? Double(pair.bothCustomers) / Double(pair.sourceCustomers) : 0
        let base = purchasingCustomers > 0 ? Double(pair.productCustomers) / Double(purchasingCustomers) : 0
        self.init(
            source: pair.source, support: pair.bothCustomers, confidence: confidence,
            lift: base > 0 ? confidence / base : 0)
    }

    /// Higher confidence first, then higher lift, then higher support.
    public func ranks(above other: CoPurchaseScore) -> Bool {
        if confidence != other.confidence { return confidence > other.confidence }
        if lift != other.lift { return lift > other.lift }
        return support > other.support
    }
}

/// A product a strategy proposes, with its co-purchase score when it came from `also_bought`.
public struct RankedProduct: Sendable, Hashable {
    public var product: Product
    public var score: CoPurchaseScore?

    public init(_ product: Product, score: CoPurchaseScore? = nil) {
        self.product = product
        self.score = score
    }
}
