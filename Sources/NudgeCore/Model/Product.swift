import Foundation

/// A catalog item (SPEC §3).
public struct Product: Sendable, Hashable {
    public var sku: String
    public var name: String
    public var category: String?
    public var price: Double
    /// Unknown cost means unknown margin.
    public var cost: Double?
    public var currency: String
    public var url: String?
    public var imageURL: String?
    public var active: Bool

    public init(
        sku: String, name: String, category: String? = nil, price: Double, cost: Double? = nil,
        currency: String = "VND", url: String? = nil, imageURL: String? = nil, active: Bool = true
    ) {
        self.sku = sku
        self.name = name
        self.category = category
        self.price = price
        self.cost = cost
        self.currency = currency
        self.url = url
        self.imageURL = imageURL
        self.active = active
    }
}
