import Foundation

/// A goal event or purchase as a report keeps it: its time and what was bought, without the rest of its properties
/// (a report may hold hundreds of thousands).
public struct ReportEvent: Sendable, Equatable {
    public var timestamp: Date
    /// The items bought (names left out).
    public var items: [PurchaseItem]
    /// The event's `total`, when it gives a finite amount of at least zero.
    public var total: Double?

    public init(timestamp: Date, items: [PurchaseItem], total: Double?) {
        self.timestamp = timestamp
        self.items = items
        self.total = total
    }

    public init(_ event: Event) {
        timestamp = event.timestamp
        items = PurchaseItem.items(of: event).map { item in
            var kept = item
            kept.name = nil
            return kept
        }
        if case .number(let total)? = event.properties["total"], total.isFinite, total >= 0 {
            self.total = total
        }
    }

    /// The categories of the items: the item's own, else the catalog's.
    public func categories(catalog: [String: Product]) -> Set<String> {
        Set(items.compactMap { $0.category ?? catalog[$0.sku]?.category })
    }
}
