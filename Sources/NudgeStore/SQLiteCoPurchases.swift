import Foundation
import NudgeCore

/// The SQL of recommendations: co-purchase statistics (migration 5) and category best sellers.
extension SQLiteTransaction {
    func addCoPurchases(_ counts: CoPurchaseCounts) throws {
        for (sku, customers) in counts.skuCustomers {
            try db.statement(
                """
                INSERT INTO sku_customers (sku, customers) VALUES (?1, ?2)
                ON CONFLICT (sku) DO UPDATE SET customers = customers + ?2
                """
            ).run([.text(sku), .integer(Int64(customers))])
        }
        for (pair, customers) in counts.pairs {
            for (sku, other) in [(pair.first, pair.second), (pair.second, pair.first)] {
                try db.statement(
                    """
                    INSERT INTO co_purchases (sku, other, customers) VALUES (?1, ?2, ?3)
                    ON CONFLICT (sku, other) DO UPDATE SET customers = customers + ?3
                    """
                ).run([.text(sku), .text(other), .integer(Int64(customers))])
            }
        }
        if counts.purchasingCustomers > 0 {
            try db.statement(
                """
                INSERT INTO purchasing_customers (id, customers) VALUES (1, ?1)
                ON CONFLICT (id) DO UPDATE SET customers = customers + ?1
                """
            ).run([.integer(Int64(counts.purchasingCustomers))])
        }
    }

    /// Each source's pairs are walked in the order of the `co_purchases_ranked` index, reading only the index, until
    /// `limit` are kept or `cutoff` ends the walk. With categories, their active products are read once into a set,
    /// so that a pair outside them costs no lookup; each product kept is read once per call (with its customers),
    /// however many sources share it. Sources bought by the fewest customers are walked first: their pairs are the
    /// most confident, so the cutoff rises soonest. The pairs are returned in the order of `skus`.
    func coPurchases(
        of skus: [String], categories: [String], limit: Int, scanning: Int, cutoff: inout CoPurchaseCutoff
    ) throws -> [CoPurchase] {
        let limit = min(limit, scanning)
        guard limit > 0, !skus.isEmpty else { return [] }
        let wanted = categories.isEmpty ? nil : try activeSKUs(in: categories)
        if wanted?.isEmpty == true { return [] }
        let sources = try skus.compactMap { sku in try skuCustomers(sku).map { (sku: sku, customers: $0) } }
        var catalog = OfferedCatalog()
        var found: [String: [CoPurchase]] = [:]
        for source in sources.sorted(by: { $0.customers < $1.customers }) {
            var kept: [CoPurchase] = []
            var least = cutoff.leastCustomers(sourceCustomers: source.customers)
            try db.statement(
                """
                SELECT other, customers FROM co_purchases WHERE sku = ?1 AND customers >= ?2
                ORDER BY customers DESC, other LIMIT ?3
                """
            ).scan([
                .text(source.sku), .integer(Int64(least)), .integer(wanted == nil ? Int64.max : Int64(scanning)),
            ]) { row in
                let both = Int(row.int(1))
                guard both >= least else { return false }
                let other = row.text(0)
                if let wanted, !wanted.contains(other) { return true }
                guard let offer = try catalog.offer(other, in: self) else { return true }
                let pair = CoPurchase(
                    source: source.sku, product: offer.product, bothCustomers: both, sourceCustomers: source.customers,
                    productCustomers: offer.customers)
                kept.append(pair)
                cutoff.admit(pair)
                least = cutoff.leastCustomers(sourceCustomers: source.customers)
                return kept.count < limit
            }
            found[source.sku] = kept
        }
        return skus.flatMap { found[$0] ?? [] }
    }

    /// The active products in `categories`.
    private func activeSKUs(in categories: [String]) throws -> Set<String> {
        Set(try db.statement(Self.activeSKUsQuery).rows([.text(StoredJSON.encode(strings: categories))]) { $0.text(0) })
    }

    /// Answered from the index `products_by_category` alone (migration 6).
    static let activeSKUsQuery =
        "SELECT sku FROM products WHERE active = 1 AND category IN (SELECT value FROM json_each(?1))"

    /// An active product with the number of customers who bought it; nil for an inactive or unknown one.
    fileprivate func offeredProduct(_ sku: String) throws -> OfferedProduct? {
        try db.statement(
            """
            SELECT p.sku, p.name, p.category, p.price, p.cost, p.currency, p.url, p.image_url, p.active, s.customers
            FROM products p CROSS JOIN sku_customers s ON s.sku = p.sku
            WHERE p.sku = ?1 AND p.active = 1
            """
        ).first([.text(sku)]) { OfferedProduct(product: Self.readProduct($0), customers: Int($0.int(9))) }
    }

    /// The customers who bought `sku`; nil when nobody did.
    private func skuCustomers(_ sku: String) throws -> Int? {
        try db.statement("SELECT customers FROM sku_customers WHERE sku = ?1").first([.text(sku)]) { Int($0.int(0)) }
    }

    func purchasingCustomers() throws -> Int {
        try db.statement("SELECT customers FROM purchasing_customers WHERE id = 1").first { Int($0.int(0)) } ?? 0
    }

    func popularProducts(in categories: [String], limit: Int) throws -> [Product] {
        try db.statement(
            """
            SELECT p.sku, p.name, p.category, p.price, p.cost, p.currency, p.url, p.image_url, p.active
            FROM products p LEFT JOIN sku_customers s ON s.sku = p.sku
            WHERE p.active = 1 AND p.category IN (SELECT value FROM json_each(?1))
            ORDER BY COALESCE(s.customers, 0) DESC, p.sku
            LIMIT ?2
            """
        ).rows([.text(StoredJSON.encode(strings: categories)), .integer(Int64(limit))], Self.readProduct)
    }
}

/// A product that may be offered, with the customers who bought it (the base of its lift).
private struct OfferedProduct {
    var product: Product
    var customers: Int
}

/// The products one lookup has read, and those it found it cannot offer, so that each is read once.
private struct OfferedCatalog {
    private var read: [String: OfferedProduct?] = [:]

    mutating func offer(_ sku: String, in tx: SQLiteTransaction) throws -> OfferedProduct? {
        if let known = read[sku] { return known }
        let offer = try tx.offeredProduct(sku)
        read[sku] = .some(offer)
        return offer
    }
}
