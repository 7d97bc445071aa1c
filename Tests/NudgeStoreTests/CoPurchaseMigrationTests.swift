import Foundation
import NudgeCore
import NudgeTesting
import Testing

@testable import NudgeStore

/// A database that held purchases before migration 5 gets the statistics ingest would have built.
@Suite struct CoPurchaseMigrationTests {
    @Test func migrationFiveCountsThePurchasesAlreadyStored() throws {
        try withScratchDatabase { path in

            // The example's customers as version 4's ingest left them: facts in a table of their own, no statistics.
            let ingested = try SQLiteStore(path: path)
            let engine = Baskets.engineWithoutCampaigns()
            _ = try ingested.write { try engine.ingest(Baskets.example(at: t0), into: $0, now: t0) }
            let old = try SQLiteConnection(path: path)
            try CustomerFactsMigrationTests.separateFacts(old)
            try old.execute(
                """
                DROP TABLE sku_customers; DROP TABLE co_purchases; DROP TABLE purchasing_customers;
                DROP INDEX products_active_by_category; PRAGMA user_version = 4;
                """)

            let migrated = try SQLiteStore(path: path)
            #expect(try migrated.read { try $0.purchasingCustomers() } == 5)
            let phone = try migrated.read { try $0.coPurchases(of: ["PHONE"], categories: [], limit: 10) }
            #expect(phone.map(\.product.sku) == ["CASE", "GLASS"])
            #expect(phone.map(\.bothCustomers) == [2, 2])
            #expect(phone.map(\.sourceCustomers) == [3, 3])
            #expect(phone.map(\.productCustomers) == [3, 2])
            let caseItem = try migrated.read { try $0.coPurchases(of: ["CASE"], categories: [], limit: 10) }
            #expect(caseItem.map(\.product.sku) == ["PHONE", "CHARGER", "GLASS"])
            #expect(caseItem.map(\.bothCustomers) == [2, 1, 1])
        }
    }
}

/// A category filter reads its products from an index alone.
@Suite struct CategoryIndexMigrationTests {
    @Test func migrationSixCoversTheActiveProductsOfACategory() throws {
        try withScratchDatabase { path in
            _ = try SQLiteStore(path: path)
            let connection = try SQLiteConnection(path: path)
            let plan = try connection.statement(text: "EXPLAIN QUERY PLAN \(SQLiteTransaction.activeSKUsQuery)")
                .rows([.text(#"["case"]"#)]) { $0.text(3) }
            #expect(plan.contains { $0.contains("COVERING INDEX products_by_category") }, "\(plan)")
        }
    }
}
