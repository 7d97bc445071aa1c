import Foundation

/// An event as stored with an enrollment (its trigger): lossless JSON.
public enum StoredEvent {
    public static func encode(_ event: Event) -> String {
        var fields: [String: Value] = [
            "type": .string(event.type), "customer_id": .string(event.customerID), "timestamp": .time(event.timestamp),
            "properties": .map(event.properties),
        ]
        if let id = event.id { fields["id"] = .string(id) }
        return StoredJSON.encode(fields)
    }

    public static func decode(_ text: String) -> Event? {
        let value = StoredJSON.decode(text)
        guard case .string(let type) = value["type"], case .string(let customer) = value["customer_id"],
            case .time(let timestamp) = value["timestamp"]
        else { return nil }
        var id: String?
        if case .string(let text) = value["id"] { id = text }
        var properties: [String: Value] = [:]
        if case .map(let fields) = value["properties"] { properties = fields }
        return Event(id: id, type: type, customerID: customer, timestamp: timestamp, properties: properties)
    }
}
