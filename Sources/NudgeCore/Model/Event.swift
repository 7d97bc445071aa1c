import Foundation

/// Something a customer did, as the shop reports it (SPEC §3). `timestamp` may lie in the past (backfill).
public struct Event: Sendable, Hashable {
    /// Optional; when given, a second event with the same id is ignored.
    public var id: String?
    public var type: String
    public var customerID: String
    public var timestamp: Date
    /// The event's own fields (`items`, `total`, `metric` …).
    public var properties: [String: Value]

    public init(id: String?, type: String, customerID: String, timestamp: Date, properties: [String: Value]) {
        self.id = id
        self.type = type
        self.customerID = customerID
        self.timestamp = timestamp
        self.properties = properties
    }

    /// `event.*` in conditions and templates: the properties plus the envelope.
    public var conditionValue: Value {
        var fields = properties
        fields["type"] = .string(type)
        fields["customer_id"] = .string(customerID)
        fields["timestamp"] = .time(timestamp)
        if let id { fields["id"] = .string(id) }
        return .map(fields)
    }

    /// One field of `event.*`, as `conditionValue[name]` has it (nil where that has none), without copying the
    /// properties.
    func conditionField(_ name: String) -> Value? {
        conditionField(EventField(name))
    }

    func conditionField(_ field: EventField) -> Value? {
        switch field {
        case .type: .string(type)
        case .customerID: .string(customerID)
        case .timestamp: .time(timestamp)
        case .id: id.map(Value.string) ?? properties["id"]
        case .property(let name): properties[name]
        }
    }
}
