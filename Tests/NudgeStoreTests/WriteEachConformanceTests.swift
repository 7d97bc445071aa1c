import Foundation
import NudgeCore
import NudgeStore
import NudgeTesting
import Testing

private struct Refused: Error, Equatable {}

private func customer(_ id: String, email: String = "lan@example.vn") -> Customer {
    Customer(id: id, email: email, createdAt: t0)
}

private func signup(_ customerID: String) -> Event {
    Event(id: "signup-\(customerID)", type: "signup", customerID: customerID, timestamp: t0, properties: [:])
}

@Suite("Store conformance: writes sharing one transaction")
struct WriteEachConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func eachBodyCommitsOrIsUndoneAsIfItWereAlone(kind: StoreKind) throws {
        let store = try kind.make()
        let bodies: [(any StoreTransaction) throws -> String] = [
            { tx in
                try tx.saveCustomer(customer("c1"))
                return "c1"
            },
            { tx in
                try tx.saveCustomer(customer("c2"))
                _ = try tx.insertEvent(signup("c2"))
                throw Refused()
            },
            // An event of a customer nobody saves: SQLite would refuse the commit; only this body is undone.
            { tx in
                _ = try tx.insertEvent(signup("ghost"))
                return "ghost"
            },
            // The next body sees what the ones before it kept.
            { tx in
                #expect(try tx.customer("c1") != nil)
                #expect(try tx.customer("c2") == nil)
                _ = try tx.insertEvent(signup("c3"))
                try tx.saveCustomer(customer("c3"))
                return "c3"
            },
        ]
        let results = store.writeEach(bodies)

        #expect(results.count == 4)
        #expect(try results[0].get() == "c1")
        #expect(throws: Refused.self) { try results[1].get() }
        #expect(throws: (any Error).self) { try results[2].get() }
        #expect(try results[3].get() == "c3")
        for reader in [store, try kind.afresh(store)] as [any ReadableStore] {
            #expect(try reader.read { try $0.customer("c1") } != nil)
            #expect(try reader.read { try $0.customer("c2") } == nil)
            #expect(try reader.read { try $0.customer("c3") } != nil)
            #expect(try reader.read { try $0.count(of: .events) } == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anUndoneBodyLeavesNoChangedCustomerBehind(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { try $0.saveCustomer(customer("c1")) }
        // The SQLite store keeps the customers its writer saved; a save that is undone must not stay among them.
        let bodies: [(any StoreTransaction) throws -> String?] = [
            { tx in
                try tx.saveCustomer(customer("c1", email: "changed@example.vn"), previous: try tx.customer("c1"))
                throw Refused()
            },
            { tx in try tx.customer("c1")?.email },
        ]
        let results = store.writeEach(bodies)
        #expect(throws: Refused.self) { try results[0].get() }
        #expect(try results[1].get() == "lan@example.vn")
        #expect(try store.write { try $0.customer("c1")?.email } == "lan@example.vn")
    }

    @Test(arguments: StoreKind.allCases)
    func anEventWhoseCustomerALaterWriteSavesStillFails(kind: StoreKind) throws {
        let store = try kind.make()
        // Alone, the first write's commit would refuse its event: sharing a transaction must not save it.
        let bodies: [(any StoreTransaction) throws -> Void] = [
            { tx in _ = try tx.insertEvent(signup("late")) },
            { tx in try tx.saveCustomer(customer("late")) },
        ]
        let results = store.writeEach(bodies)
        #expect(throws: (any Error).self) { try results[0].get() }
        #expect(throws: Never.self) { try results[1].get() }
        #expect(try store.read { try $0.customer("late") } != nil)
        #expect(try kind.afresh(store).read { try $0.count(of: .events) } == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func noBodiesWriteNothing(kind: StoreKind) throws {
        let store = try kind.make()
        let bodies: [(any StoreTransaction) throws -> Int] = []
        #expect(store.writeEach(bodies).isEmpty)
    }
}
