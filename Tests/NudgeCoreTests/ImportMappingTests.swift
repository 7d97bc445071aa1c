import Foundation
import Testing

@testable import NudgeCore

@Suite struct ImportMappingTests {
    static let now = IngestFixture.now

    static func object(_ header: [String], _ row: [String]) -> [String: Value] {
        guard case .success(let object) = ImportMapping.object(header: header, row: row) else {
            Issue.record("row \(row) was refused")
            return [:]
        }
        return object
    }

    @Test func columnsBecomeFieldsAndDottedColumnsMembers() {
        let object = Self.object(
            ["id", "email", "attributes.country", "attributes.visits", "consent.email", "phone"],
            ["lan", "lan@example.vn", "VN", "3", "true", ""])
        #expect(object["id"] == .string("lan"))
        #expect(object["email"] == .string("lan@example.vn"))
        #expect(object["attributes"] == .map(["country": .string("VN"), "visits": .number(3)]))
        #expect(object["consent"] == .map(["email": .bool(true)]))
        #expect(object["phone"] == nil, "an empty cell leaves the field out")
    }

    @Test func textFieldsStayTextAndOtherCellsAreJSONWhenTheyAreJSON() {
        let object = Self.object(
            ["sku", "name", "price", "active", "attributes.zip", "attributes.plan", "properties.items"],
            ["0123", "123", "250000", "false", "\"0700\"", "basic", "[{\"sku\": \"A\"}]"])
        #expect(object["sku"] == .string("0123"))
        #expect(object["name"] == .string("123"))
        #expect(object["price"] == .number(250000))
        #expect(object["active"] == .bool(false))
        #expect(object["attributes"] == .map(["zip": .string("0700"), "plan": .string("basic")]))
        #expect(object["properties"] == .map(["items": .list([.map(["sku": .string("A")])])]))
        #expect(ImportMapping.value(of: "12abc", textField: false) == .string("12abc"))
        #expect(ImportMapping.value(of: "null", textField: false) == .null)
    }

    @Test func aRowOfTheWrongWidthAndClashingColumnsAreRefused() {
        guard case .failure(let width) = ImportMapping.object(header: ["a", "b"], row: ["1"]) else {
            Issue.record("accepted")
            return
        }
        #expect(width.first?.error == "has 1 field, the header has 2")
        guard case .failure(let clash) = ImportMapping.object(header: ["attributes", "attributes.x"], row: ["5", "1"])
        else {
            Issue.record("accepted")
            return
        }
        #expect(clash.first?.field == "attributes.x")
    }

    @Test func headerProblems() {
        #expect(ImportMapping.headerProblems(["id", "email"], kind: .customers).isEmpty)
        #expect(ImportMapping.headerProblems(["email"], kind: .customers) == [
            "the header has no 'id' column; customers need one"
        ])
        #expect(ImportMapping.headerProblems(["sku", "sku", ""], kind: .products).count == 2)
        #expect(ImportMapping.headerProblems(["type", "customer_id"], kind: .events).isEmpty)
    }

    @Test func eventsAreCheckedAsTheAPIDoesAndGetAStableIdWhenTheyHaveNone() throws {
        let object = Self.object(
            ["type", "customer_id", "timestamp", "properties.order_id", "properties.total", "properties.items"],
            ["purchase", "lan", "2024-06-01T10:00:00Z", "A-1", "9990000", #"[{"sku": "P", "price": 9990000}]"#])
        let first = try ImportRecords.event(object, now: Self.now).get()
        let again = try ImportRecords.event(object, now: Self.now).get()
        #expect(first.id == again.id)
        #expect(first.id?.hasPrefix("import-") == true)
        #expect(first.type == "purchase")
        #expect(first.properties["order_id"] == .string("A-1"))
        guard case .failure(let errors) = ImportRecords.event(["type": .string("purchase")], now: Self.now) else {
            Issue.record("an event without customer_id was accepted")
            return
        }
        #expect(errors.map(\.field).contains("customer_id"))
    }

    @Test func customersAndProductsNeedTheirKeyAndUseTheAPIParsers() throws {
        let customer = Self.object(["id", "email", "attributes.name"], ["lan", "lan@example.vn", "Lan"])
        let id = try ImportRecords.key(customer, kind: .customers).get()
        let saved = try ImportRecords.customer(customer, id: id, existing: nil, now: Self.now).get()
        #expect(saved.email == "lan@example.vn")
        #expect(ImportRecords.isUnchanged(saved, from: saved))
        #expect(!ImportRecords.isUnchanged(saved, from: nil))

        guard case .failure(let noKey) = ImportRecords.key(["name": .string("x")], kind: .products) else {
            Issue.record("a product without a SKU was accepted")
            return
        }
        #expect(noKey.first?.field == "sku")
        let product = Self.object(["sku", "name", "price", "cost"], ["CASE-01", "Ốp lưng", "abc", "90000"])
        guard case .failure(let bad) = ImportRecords.product(product, sku: "CASE-01", existing: nil) else {
            Issue.record("a price of abc was accepted")
            return
        }
        #expect(bad.map(\.field) == ["price"])
        guard case .failure(let badEmail) = ImportRecords.customer(["email": .string("nope")], id: "x", existing: nil, now: Self.now)
        else {
            Issue.record("a bad email was accepted")
            return
        }
        #expect(badEmail.map(\.field) == ["email"])
    }
}
