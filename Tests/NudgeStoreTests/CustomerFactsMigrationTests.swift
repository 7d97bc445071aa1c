import Foundation
import NudgeCore
import Testing

@testable import NudgeStore

/// Migration 9 moves each customer's facts out of `customer_facts`, into the customer's own row.
@Suite struct CustomerFactsMigrationTests {
    @Test func aVersionEightDatabaseKeepsEveryCustomerAsItWas() throws {
        try withScratchDatabase { path in
            let old = try SQLiteConnection(path: path)
            try Migrations.apply(to: old, upTo: 8)
            try old.execute(
                """
                INSERT INTO customers (id, email, phone, push_tokens, timezone, locale, attributes, consent,
                    created_at, updated_at, stage, stage_entered_at)
                VALUES ('c1', 'lan@example.vn', '+84901234567', '["tok-1"]', 'Asia/Ho_Chi_Minh', 'vi',
                        '{"name":"Nguyễn Thị Lan","vip":true}', '{"email":true,"sms":false}', 100, 200,
                        'new_customer', 150),
                       ('c2', NULL, NULL, '[]', NULL, NULL, '{}', '{}', 300, 300, NULL, NULL);
                INSERT INTO customer_facts (customer_id, purchase_count, total_spent, first_purchase_at,
                    last_purchase_at, signup_at, trial_ends_at, plan, usage, owned_skus, owned_categories, complaints,
                    unsubscribed, unsubscribed_all, stage_check_at)
                VALUES ('c1', 2, 10490000, 120, 180, 90, 400, 'pro', '{"orders":{"limit":100,"used":95}}',
                        '["PHONE-1","CASE-2"]', '["phone","case"]', 1, '["sms"]', 1, 2592150);
                """)

            let store = try SQLiteStore(path: path)

            let check = try SQLiteConnection(path: path)
            #expect(try check.statement(text: "PRAGMA user_version").first { $0.int(0) } == 9)
            #expect(try check.statement(text: "PRAGMA integrity_check").first { $0.text(0) } == "ok")
            #expect(try check.statement(text: "PRAGMA foreign_key_check").rows { $0.text(0) }.isEmpty)
            let tables = try check.statement(text: "SELECT name FROM sqlite_schema WHERE type = 'table'").rows {
                $0.text(0)
            }
            #expect(!tables.contains("customer_facts"), "\(tables)")

            var facts = CustomerFacts()
            facts.purchaseCount = 2
            facts.totalSpent = 10_490_000
            facts.firstPurchaseAt = Date(timeIntervalSince1970: 120)
            facts.lastPurchaseAt = Date(timeIntervalSince1970: 180)
            facts.signupAt = Date(timeIntervalSince1970: 90)
            facts.trialEndsAt = Date(timeIntervalSince1970: 400)
            facts.plan = "pro"
            facts.usage = ["orders": CustomerFacts.Usage(used: 95, limit: 100)]
            facts.ownedSKUs = ["PHONE-1", "CASE-2"]
            facts.ownedCategories = ["phone", "case"]
            facts.complaints = 1
            facts.unsubscribed = [.sms]
            facts.unsubscribedFromAll = true
            facts.stageCheckAt = Date(timeIntervalSince1970: 2_592_150)
            let lan = Customer(
                id: "c1", email: "lan@example.vn", phone: "+84901234567", pushTokens: ["tok-1"],
                timezone: "Asia/Ho_Chi_Minh", locale: "vi",
                attributes: ["name": .string("Nguyễn Thị Lan"), "vip": .bool(true)],
                consent: [.email: true, .sms: false], createdAt: Date(timeIntervalSince1970: 100),
                updatedAt: Date(timeIntervalSince1970: 200), facts: facts, stage: "new_customer",
                stageEnteredAt: Date(timeIntervalSince1970: 150))
            #expect(try store.read { try $0.customer("c1") } == lan)
            // A customer who never had a facts row reads as before: no facts.
            let bare = Customer(id: "c2", createdAt: Date(timeIntervalSince1970: 300))
            #expect(try store.read { try $0.customer("c2") } == bare)

            let due = try store.read {
                try $0.customersDueForStageCheck(at: Date(timeIntervalSince1970: 3e6), limit: 10)
            }
            #expect(due == ["c1"])
            #expect(try store.read { try $0.earliestStageCheck() } == facts.stageCheckAt)
            let plan = try check.statement(
                text: "EXPLAIN QUERY PLAN SELECT MIN(stage_check_at) FROM customers WHERE stage_check_at IS NOT NULL"
            ).rows { $0.text(3) }
            #expect(plan.contains { $0.contains("customers_stage_check") }, "\(plan)")
        }
    }

    @Test func aDatabaseMigratedAgainKeepsItsCustomers() throws {
        try withScratchDatabase { path in
            let store = try SQLiteStore(path: path)
            var facts = CustomerFacts()
            facts.purchaseCount = 1
            facts.ownedSKUs = ["PHONE-1"]
            let customer = Customer(id: "c1", createdAt: Date(timeIntervalSince1970: 100), facts: facts)
            try store.write { try $0.saveCustomer(customer) }
            try SQLiteConnection(path: path).execute("PRAGMA user_version = 8")

            let again = try SQLiteStore(path: path)
            #expect(try again.read { try $0.customer("c1") } == customer)
        }
    }

    /// Takes a database of the latest version back to version 8's customers: each customer's facts in a row of
    /// `customer_facts`, as that version's ingest wrote them (for migrations that read them).
    static func separateFacts(_ connection: SQLiteConnection) throws {
        try connection.execute(
            """
            CREATE TABLE customer_facts (
                customer_id TEXT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                purchase_count INTEGER NOT NULL DEFAULT 0,
                total_spent REAL NOT NULL DEFAULT 0,
                first_purchase_at REAL,
                last_purchase_at REAL,
                signup_at REAL,
                trial_ends_at REAL,
                plan TEXT,
                usage TEXT NOT NULL DEFAULT '{}',
                owned_skus TEXT NOT NULL DEFAULT '[]',
                owned_categories TEXT NOT NULL DEFAULT '[]',
                complaints INTEGER NOT NULL DEFAULT 0,
                unsubscribed TEXT NOT NULL DEFAULT '[]',
                unsubscribed_all INTEGER NOT NULL DEFAULT 0,
                stage_check_at REAL
            ) WITHOUT ROWID;
            INSERT INTO customer_facts
                SELECT id, purchase_count, total_spent, first_purchase_at, last_purchase_at, signup_at, trial_ends_at,
                    plan, usage, owned_skus, owned_categories, complaints, unsubscribed, unsubscribed_all,
                    stage_check_at
                FROM customers;
            DROP INDEX customers_stage_check;
            CREATE INDEX customer_facts_stage_check ON customer_facts(stage_check_at) WHERE stage_check_at IS NOT NULL;
            ALTER TABLE customers DROP COLUMN purchase_count;
            ALTER TABLE customers DROP COLUMN total_spent;
            ALTER TABLE customers DROP COLUMN first_purchase_at;
            ALTER TABLE customers DROP COLUMN last_purchase_at;
            ALTER TABLE customers DROP COLUMN signup_at;
            ALTER TABLE customers DROP COLUMN trial_ends_at;
            ALTER TABLE customers DROP COLUMN plan;
            ALTER TABLE customers DROP COLUMN usage;
            ALTER TABLE customers DROP COLUMN owned_skus;
            ALTER TABLE customers DROP COLUMN owned_categories;
            ALTER TABLE customers DROP COLUMN complaints;
            ALTER TABLE customers DROP COLUMN unsubscribed;
            ALTER TABLE customers DROP COLUMN unsubscribed_all;
            ALTER TABLE customers DROP COLUMN stage_check_at;
            PRAGMA user_version = 8;
            """)
    }
}
