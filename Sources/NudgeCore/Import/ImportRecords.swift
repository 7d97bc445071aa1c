import Foundation

/// Checks one imported record with the same rules as the API: an event as one record of `POST /v1/events`, a
/// customer as the body of `PUT /v1/customers/{id}` with the id from its `id` field, a product as the body of
/// `PUT /v1/products/{sku}` with the SKU from its `sku` field. Errors carry index 0; the importer reports the line.
public enum ImportRecords {
    /// The event, validated as `POST /v1/events` does. An event without an `id` is given one derived from its
    /// content (`import-<hash>`), so that importing the same file again stores nothing twice.
    public static func event(_ object: [String: Value], now: Date) -> Result<Event, [RecordError]> {
        switch EventRecord.read(.map(object), index: 0, now: now) {
        case .failure(let errors): return .failure(errors)
        case .success(var event):
            if event.id == nil {
                let digest = SHA256.hexString(SHA256.digest(StoredJSON.encode(object).utf8))
                event.id = "import-" + digest.prefix(32)
            }
            return .success(event)
        }
    }

    /// A record read from JSON: it must be an object.
    public static func object(_ value: Value) -> Result<[String: Value], [RecordError]> {
        guard case .map(let object) = value else {
            return .failure([RecordError(index: 0, field: "", error: "expected an object, found \(value.jsonKind)")])
        }
        return .success(object)
    }

    /// The record's key (`id` of a customer, `sku` of a product), or why it has none.
    public static func key(_ object: [String: Value], kind: ImportKind) -> Result<String, [RecordError]> {
        let field = kind.keyField
        guard case .string(let key)? = object[field], !key.isEmpty else {
            let found = object[field].map { ", found \($0.jsonSample)" } ?? ""
            let what = kind == .products ? "the product's SKU" : "the customer id"
            return .failure([RecordError(index: 0, field: field, error: "is required: \(what) as a string\(found)")])
        }
        return .success(key)
    }

    /// The customer after applying the record to `existing`, as `PUT /v1/customers/{id}` would.
    public static func customer(
        _ object: [String: Value], id: String, existing: Customer?, now: Date
    ) -> Result<Customer, [RecordError]> {
        CustomerProfileParser.parse(Data(StoredJSON.encode(object).utf8), id: id, existing: existing, now: now)
    }

    /// The product after applying the record to `existing`, as `PUT /v1/products/{sku}` would.
    public static func product(
        _ object: [String: Value], sku: String, existing: Product?
    ) -> Result<Product, [RecordError]> {
        ProductParser.parse(Data(StoredJSON.encode(object).utf8), sku: sku, existing: existing)
    }

    /// Whether a customer record changes nothing that is stored (only `updated_at` would move).
    public static func isUnchanged(_ updated: Customer, from existing: Customer?) -> Bool {
        guard var existing else { return false }
        existing.updatedAt = updated.updatedAt
        return existing == updated
    }
}
