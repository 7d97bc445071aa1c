import Foundation
import NudgeCore

/// Customers and products as the writer's connection last read or saved them, so that each event of a customer
/// seen before does not read and decode the customer again, nor each purchase the products it names.
///
/// An entry is only as good as the connection's view of the database. Each transaction starts by telling the cache
/// SQLite's data version, which changes when another connection commits (a `nudge import` beside the daemon): then
/// every entry is dropped. A transaction that rolls back drops them all too, since it may have saved rows that are
/// not in the database after all.
final class KeptRecords {
    let customers: KeptRows<Customer>
    let products: KeptRows<Product>
    private var dataVersion: Int64?

    init(customers: Int, products: Int) {
        self.customers = KeptRows(capacity: customers)
        self.products = KeptRows(capacity: products)
    }

    /// At the start of each transaction, after its first read: drops everything when another connection committed
    /// since the last transaction.
    func validate(dataVersion: Int64) {
        if dataVersion != self.dataVersion {
            removeAll()
            self.dataVersion = dataVersion
        }
    }

    func removeAll() {
        customers.removeAll()
        products.removeAll()
        dataVersion = nil
    }
}

/// Rows by key, at most `capacity` of them, in two generations: rows read or saved go into the newer one; when it
/// holds half the capacity it becomes the older one and the previous older one is dropped. A row found in the older
/// generation moves back into the newer one, so rows in use stay and the others age out.
final class KeptRows<Row> {
    let capacity: Int
    private var newer: [String: Row] = [:]
    private var older: [String: Row] = [:]

    init(capacity: Int) {
        precondition(capacity >= 2, "at least two rows are kept")
        self.capacity = capacity
    }

    /// How many rows are kept (for tests).
    var count: Int { newer.count + older.count }

    func row(_ key: String) -> Row? {
        if let row = newer[key] { return row }
        guard let row = older.removeValue(forKey: key) else { return nil }
        keep(row, key: key)
        return row
    }

    /// Keeps `row` as it now is in the database.
    func keep(_ row: Row, key: String) {
        newer[key] = row
        if newer.count >= capacity / 2 {
            older = newer
            newer = [:]
        }
    }

    func removeAll() {
        newer = [:]
        older = [:]
    }
}

extension Customer {
    /// The customer as the database gives it back: its times as stored, in seconds since 1970, whose last bit may
    /// differ from the time given. A customer kept after a save is this one, so that it is the same whether it
    /// comes from memory or from the database.
    var asStored: Customer {
        var stored = self
        stored.attributes = attributes.mapValues(Self.asStored)
        stored.createdAt = Self.asStored(createdAt)
        stored.updatedAt = Self.asStored(updatedAt)
        stored.stageEnteredAt = stageEnteredAt.map(Self.asStored)
        stored.facts.firstPurchaseAt = facts.firstPurchaseAt.map(Self.asStored)
        stored.facts.lastPurchaseAt = facts.lastPurchaseAt.map(Self.asStored)
        stored.facts.signupAt = facts.signupAt.map(Self.asStored)
        stored.facts.trialEndsAt = facts.trialEndsAt.map(Self.asStored)
        stored.facts.stageCheckAt = facts.stageCheckAt.map(Self.asStored)
        return stored
    }

    private static func asStored(_ time: Date) -> Date {
        Date(timeIntervalSince1970: time.timeIntervalSince1970)
    }

    private static func asStored(_ value: Value) -> Value {
        switch value {
        case .time(let time): .time(asStored(time))
        case .list(let items): .list(items.map(asStored))
        case .map(let fields): .map(fields.mapValues(asStored))
        default: value
        }
    }
}
