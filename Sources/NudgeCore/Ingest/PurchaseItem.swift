import Foundation

/// One line of a purchase event's `items` (SPEC §3): what the shop says about an item bought.
public struct PurchaseItem: Sendable, Hashable {
    public var sku: String
    public var name: String?
    public var category: String?
    public var price: Double?
    public var cost: Double?
    /// How many were bought: 1 unless the event gives a positive number.
    public var quantity: Double

    public init(
        sku: String, name: String? = nil, category: String? = nil, price: Double? = nil, cost: Double? = nil,
        quantity: Double = 1
    ) {
        self.sku = sku
        self.name = name
        self.category = category
        self.price = price
        self.cost = cost
        self.quantity = quantity
    }

    /// The items of a purchase event that name a SKU, in order; other entries are skipped.
    public static func items(of event: Event) -> [PurchaseItem] {
        guard event.type == "purchase", case .list(let list)? = event.properties["items"] else { return [] }
        return list.compactMap { entry in
            guard case .map(let fields) = entry, case .string(let sku)? = fields["sku"], !sku.isEmpty else {
                return nil
            }
            return PurchaseItem(
                sku: sku, name: text(fields["name"]), category: text(fields["category"]),
                price: amount(fields["price"]), cost: amount(fields["cost"]),
                quantity: amount(fields["quantity"]).flatMap { $0 > 0 ? $0 : nil } ?? 1)
        }
    }

    private static func text(_ value: Value?) -> String? {
        guard case .string(let text)? = value, !text.isEmpty else { return nil }
        return text
    }

    /// A finite amount of at least zero; anything else is not an amount.
    private static func amount(_ value: Value?) -> Double? {
        guard case .number(let number)? = value, number.isFinite, number >= 0 else { return nil }
        return number
    }
}
