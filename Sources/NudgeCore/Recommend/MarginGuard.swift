import Foundation

/// `min_margin`: never offer an item sold below the margin floor.
public enum MarginGuard {
    /// Whether (price − cost) / price is at least `floor`. Unknown cost is unknown margin and never clears a floor;
    /// neither does a free item (no margin to speak of).
    public static func clears(_ product: Product, floor: Double) -> Bool {
        guard let cost = product.cost, product.price > 0, product.price.isFinite, cost.isFinite else { return false }
        return (product.price - cost) / product.price >= floor
    }
}
