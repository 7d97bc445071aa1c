import Foundation
import NudgeCore
import NudgeTesting
import Testing

@testable import NudgeStore

/// The writer keeps the customers and products it read or saved, and never serves one that is no longer what the
/// database holds.
@Suite struct KeptRecordsTests {
    private let now = Date(timeIntervalSince1970: 1_790_000_000)

    private func customer(_ id: String, purchases: Int) -> Customer {
        var customer = Customer(
            id: id, email: "\(id)@example.vn", attributes: ["tên": .string("Khách \(id)")], createdAt: now)
        customer.facts.purchaseCount = purchases
        customer.facts.ownedSKUs = (0..<purchases).map { "SKU-\($0)" }
        return customer
    }

    @Test func aCustomerSavedByAnotherConnectionIsReadAsItWasSaved() throws {
        try withScratchDatabase { path in
            let daemon = try SQLiteStore(path: path)
            try daemon.write { try $0.saveCustomer(customer("c1", purchases: 1)) }
            #expect(try daemon.read { try $0.customer("c1") }?.facts.purchaseCount == 1)
            #expect(daemon.kept.customers.count == 1)

            // `nudge import` beside the daemon: its own connection commits a newer version of the same customer.
            let importer = try SQLiteStore(path: path)
            try importer.write { try $0.saveCustomer(customer("c1", purchases: 3)) }

            #expect(try daemon.write { try $0.customer("c1") } == customer("c1", purchases: 3))
            #expect(try daemon.read { try $0.customer("c1") } == customer("c1", purchases: 3))
        }
    }

    @Test func aProductSavedByAnotherConnectionIsReadAsItWasSaved() throws {
        try withScratchDatabase { path in
            let daemon = try SQLiteStore(path: path)
            try daemon.write { try $0.saveProduct(Product(sku: "CASE-01", name: "Ốp lưng", price: 150_000)) }
            #expect(try daemon.read { try $0.product("CASE-01") }?.name == "Ốp lưng")
            #expect(daemon.kept.products.count == 1)

            let importer = try SQLiteStore(path: path)
            let renamed = Product(sku: "CASE-01", name: "Ốp lưng da", category: "case", price: 190_000, cost: 60_000)
            try importer.write { try $0.saveProduct(renamed) }

            #expect(try daemon.write { try $0.product("CASE-01") } == renamed)
            #expect(try daemon.read { try $0.products(skus: ["CASE-01", "NONE"]) } == [renamed])
        }
    }

    @Test func rowsSavedInATransactionThatRollsBackAreForgotten() throws {
        struct Refused: Error {}
        try withScratchDatabase { path in
            let store = try SQLiteStore(path: path)
            try store.write { try $0.saveCustomer(customer("c1", purchases: 1)) }
            #expect(throws: Refused.self) {
                try store.write { tx in
                    try tx.saveCustomer(customer("c1", purchases: 2), previous: tx.customer("c1"))
                    try tx.saveCustomer(customer("c2", purchases: 1))
                    try tx.saveProduct(Product(sku: "CASE-01", name: "Ốp lưng", price: 150_000))
                    #expect(try tx.customer("c1")?.facts.purchaseCount == 2)
                    #expect(try tx.product("CASE-01") != nil)
                    throw Refused()
                }
            }
            #expect(try store.read { try $0.customer("c1") } == customer("c1", purchases: 1))
            #expect(try store.read { try $0.customer("c2") } == nil)
            #expect(try store.read { try $0.product("CASE-01") } == nil)
        }
    }

    @Test func aFailedCommitForgetsTheRowsItSaved() throws {
        try withScratchDatabase { path in
            let store = try SQLiteStore(path: path)
            // An event whose customer is never saved breaks a foreign key, which SQLite checks at commit.
            let orphan = Event(
                id: "e1", type: "page_view", customerID: "nobody", timestamp: now, properties: [:])
            #expect(throws: SQLiteError.self) {
                try store.write { tx in
                    try tx.saveCustomer(customer("c1", purchases: 1))
                    _ = try tx.insertEvent(orphan)
                }
            }
            #expect(try store.read { try $0.customer("c1") } == nil)
        }
    }

    @Test func customersBeyondTheCapacityAgeOutAndAreReadFromTheDatabase() throws {
        try withScratchDatabase { path in
            let store = try SQLiteStore(path: path, checkpointAt: 16384, customersKept: 6)
            let everyone = (0..<20).map { customer("c\($0)", purchases: $0 % 4) }
            try store.write { tx in try everyone.forEach { try tx.saveCustomer($0) } }
            #expect(store.kept.customers.count <= 6)
            for round in 0..<3 {
                for expected in everyone {
                    // c0 is read between every two others: it stays kept however many others pass through.
                    #expect(try store.read { try $0.customer("c0") } == everyone[0], "round \(round)")
                    #expect(try store.read { try $0.customer(expected.id) } == expected, "round \(round)")
                    #expect(store.kept.customers.count <= 6)
                    #expect(store.kept.customers.row("c0") != nil)
                }
            }
        }
    }
}

extension KeptRecordsTests {
    @Test func aKeptCustomerIsTheCustomerTheDatabaseGivesBack() throws {
        try withScratchDatabase { path in
            let store = try SQLiteStore(path: path)
            var random = SplitMix64(seed: 0xDA7E)
            func time() -> Date {
                Date(timeIntervalSinceReferenceDate: 8e8 + Double(random.next() % 1_000_000_000) / 997)
            }
            let customers = (0..<300).map { index in
                var customer = Customer(
                    id: "c\(index)",
                    attributes: ["seen": .time(time()), "list": .list([.time(time()), .number(0.1)])],
                    createdAt: time(), updatedAt: time(), stage: "active", stageEnteredAt: time())
                customer.facts.firstPurchaseAt = time()
                customer.facts.lastPurchaseAt = time()
                customer.facts.signupAt = time()
                customer.facts.trialEndsAt = time()
                customer.facts.stageCheckAt = time()
                return customer
            }
            try store.write { tx in try customers.forEach { try tx.saveCustomer($0) } }
            let reader = try SQLiteReader(path: path)
            for customer in customers {
                let kept = try store.read { try $0.customer(customer.id) }
                #expect(try kept == reader.read { try $0.customer(customer.id) }, "\(customer.id)")
            }
        }
    }
}
