import Foundation

/// What one goal event brought in, for reports: revenue, margin, units, and the SKUs and categories bought.
public struct GoalOrder: Sendable, Equatable {
    /// The event's `total` when it gives one, else the sum of its items' price × quantity.
    public var revenue: Double
    /// Σ (price − cost) × quantity over the items whose cost is known: on the item, else in the catalog.
    public var margin: Double
    /// Items with no known cost: they add nothing to `margin`, which is then a lower bound.
    public var itemsWithoutCost: Int
    /// Σ quantity.
    public var units: Double
    public var skus: Set<String>
    /// Categories of the items: the item's own, else the catalog's.
    public var categories: Set<String>

    /// `catalog` holds the products the event's items name, where known.
    public init(_ event: ReportEvent, catalog: [String: Product]) {
        var (lineTotal, margin, units) = (0.0, 0.0, 0.0)
        var itemsWithoutCost = 0
        var skus = Set<String>()
        for item in event.items {
            let product = catalog[item.sku]
            let price = item.price ?? product?.price ?? 0
            lineTotal += price * item.quantity
            units += item.quantity
            if let cost = item.cost ?? product?.cost {
                margin += (price - cost) * item.quantity
            } else {
                itemsWithoutCost += 1
            }
            skus.insert(item.sku)
        }
        revenue = event.total ?? lineTotal
        self.margin = margin
        self.itemsWithoutCost = itemsWithoutCost
        self.units = units
        self.skus = skus
        categories = event.categories(catalog: catalog)
    }
}
