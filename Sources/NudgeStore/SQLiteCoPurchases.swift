import Foundation
import NudgeCore

/// The SQL of recommendations: co-purchase statistics (migration 5) and category best sellers.
extension SQLiteTransaction {
    func addCoPurchases(_ delta: CoPurchaseDelta) throws {
        for sku in delta.newSKUs {
            try db.statement(
                """
                INSERT INTO sku_customers (sku, customers) VALUES (?1, 1)
                ON CONFLICT (sku) DO UPDATE SET customers = customers + 1
                """
            ).run([.text(sku)])
        }
        for pair in delta.pairs {
            for (sku, other) in [(pair.first, pair.second), (pair.second, pair.first)] {
                try db.statement(
                    """
                    INSERT INTO co_purchases (sku, other, customers) VALUES (?1, ?2, 1)
                    ON CONFLICT (sku, other) DO UPDATE SET customers = customers + 1
                    """
                ).run([.text(sku), .text(other)])
            }
        }
        if delta.isFirstPurchase {
            try db.statement(
                """
                INSERT INTO purchasing_customers (id, customers) VALUES (1, 1)
                ON CONFLICT (id) DO UPDATE SET customers = customers + 1
                """
            ).run()
        }
    }

    func coPurchases(of skus: [String], categories: [String], limit: Int, scanning: Int) throws -> [CoPurchase] {
        var found: [CoPurchase] = []
        for source in skus {
            found += try categories.isEmpty
                ? rankedCoPurchases(of: source, limit: min(limit, scanning))
                : rankedCoPurchases(of: source, in: categories, limit: limit, scanning: scanning)
        }
        return found
    }

    /// CROSS JOIN keeps the order: walk the source's ranked pairs, look each product up, stop at the limit (only
    /// inactive products are skipped, so the walk is short).
    private func rankedCoPurchases(of source: String, limit: Int) throws -> [CoPurchase] {
        try db.statement(
            """
            SELECT p.sku, p.name, p.category, p.price, p.cost, p.currency, p.url, p.image_url, p.active,
                cp.customers, s.customers, o.customers
            FROM co_purchases cp
            CROSS JOIN products p ON p.sku = cp.other
            CROSS JOIN sku_customers o ON o.sku = cp.other
            CROSS JOIN sku_customers s ON s.sku = cp.sku
            WHERE cp.sku = ?1 AND p.active = 1
            ORDER BY cp.customers DESC, cp.other
            LIMIT ?2
            """
        ).rows([.text(source), .integer(Int64(limit))]) { Self.readCoPurchase($0, source: source) }
    }

    /// With a category filter most pairs may not match: only the source's first `scanning` pairs are walked.
    private func rankedCoPurchases(of source: String, in categories: [String], limit: Int, scanning: Int) throws
        -> [CoPurchase]
    {
        try db.statement(
            """
            SELECT p.sku, p.name, p.category, p.price, p.cost, p.currency, p.url, p.image_url, p.active,
                cp.customers, s.customers, o.customers
            FROM (
                SELECT sku, other, customers FROM co_purchases WHERE sku = ?1
                ORDER BY customers DESC, other LIMIT ?4
            ) cp
            CROSS JOIN products p ON p.sku = cp.other
            CROSS JOIN sku_customers o ON o.sku = cp.other
            CROSS JOIN sku_customers s ON s.sku = cp.sku
            WHERE p.active = 1 AND p.category IN (SELECT value FROM json_each(?2))
            ORDER BY cp.customers DESC, cp.other
            LIMIT ?3
            """
        ).rows([
            .text(source), .text(StoredJSON.encode(strings: categories)), .integer(Int64(limit)),
            .integer(Int64(scanning)),
        ]) { Self.readCoPurchase($0, source: source) }
    }

    private static func readCoPurchase(_ row: Statement, source: String) -> CoPurchase {
        CoPurchase(
            source: source, product: readProduct(row), bothCustomers: Int(row.int(9)),
            sourceCustomers: Int(row.int(10)), productCustomers: Int(row.int(11)))
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
