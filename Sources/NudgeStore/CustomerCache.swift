import NudgeCore

/// Customers as the writer's connection last read or saved them, so that each event of a customer seen before does
/// not read and decode the customer again.
///
/// An entry is only as good as the connection's view of the database. Each transaction starts by telling the cache
/// SQLite's data version, which changes when another connection commits (a `nudge import` beside the daemon): then
/// every entry is dropped. A transaction that rolls back drops them all too, since it may have saved customers that
/// are not in the database after all.
///
/// At most `capacity` customers are kept, in two generations: customers read or saved go into the newer one; when it
/// holds half the capacity it becomes the older one and the previous older one is dropped. A customer found in the
/// older generation moves back into the newer one, so customers in use stay and the others age out.
final class CustomerCache {
    let capacity: Int
    private var newer: [String: Customer] = [:]
    private var older: [String: Customer] = [:]
    private var dataVersion: Int64?

    init(capacity: Int) {
        precondition(capacity >= 2, "a customer cache holds at least two customers")
        self.capacity = capacity
    }

    /// How many customers are kept (for tests).
    var count: Int { newer.count + older.count }

    /// At the start of each transaction, after its first read: drops everything when another connection committed
    /// since the last transaction.
    func validate(dataVersion: Int64) {
        if dataVersion != self.dataVersion {
            removeAll()
            self.dataVersion = dataVersion
        }
    }

    func customer(_ id: String) -> Customer? {
        if let customer = newer[id] { return customer }
        guard let customer = older.removeValue(forKey: id) else { return nil }
        keep(customer)
        return customer
    }

    /// Keeps `customer` as it now is in the database.
    func keep(_ customer: Customer) {
        newer[customer.id] = customer
        if newer.count >= capacity / 2 {
            older = newer
            newer = [:]
        }
    }

    func removeAll() {
        newer = [:]
        older = [:]
        dataVersion = nil
    }
}
