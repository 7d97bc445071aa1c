import Foundation

/// One event record of an ingest request: the envelope (SPEC §3) checked, then the built-in type's properties.
enum EventRecord {
    static let fields = ["id", "type", "customer_id", "timestamp", "properties"]
    static let maximumTypeLength = 100
    static let maximumIDLength = 200
    /// How far past `now` a timestamp may lie, for clocks that run a little fast.
    static let futureTolerance: TimeInterval = 5 * 60

    static func read(_ record: Value, index: Int, now: Date) -> Result<Event, [RecordError]> {
        var errors = ErrorCollector(index: index)
        guard case .map(let object) = record else {
            errors.add("", "expected an event object, found \(record.jsonKind)")
            return .failure(errors.list)
        }
        let type = errors.required("type", in: object, at: "").flatMap {
            errors.string($0, at: "type", maxLength: maximumTypeLength)
        }
        let customerID = errors.required("customer_id", in: object, at: "").flatMap {
            errors.string($0, at: "customer_id", maxLength: maximumIDLength)
        }
        var id: String?
        if let value = present("id", in: object) {
            id = errors.string(value, at: "id", maxLength: maximumIDLength)
        }
        let timestamp = readTimestamp(object, now: now, errors: &errors)
        var properties: [String: Value] = [:]
        if let value = present("properties", in: object) {
            properties = errors.object(value, at: "properties") ?? [:]
        }
        errors.rejectUnknown(object, known: fields, at: "")
        if let type { BuiltInEventRules.check(type, &properties, &errors) }
        guard errors.isEmpty, let type, let customerID, let timestamp else { return .failure(errors.list) }
        return .success(Event(id: id, type: type, customerID: customerID, timestamp: timestamp, properties: properties))
    }

    private static func readTimestamp(_ object: [String: Value], now: Date, errors: inout ErrorCollector) -> Date? {
        guard let value = present("timestamp", in: object) else { return now }
        guard case .string(let text) = value, let timestamp = RFC3339.parse(text) else {
            errors.add("timestamp", RFC3339.expectation + ", found \(value.jsonSample)")
            return nil
        }
        guard timestamp.timeIntervalSince(now) <= futureTolerance else {
            errors.add("timestamp", "is more than 5 minutes in the future (server time \(now.formatted(.iso8601)))")
            return nil
        }
        return timestamp
    }

    /// The member `name` unless it is absent or `null`.
    static func present(_ name: String, in object: [String: Value]) -> Value? {
        guard let value = object[name], !value.isNull else { return nil }
        return value
    }
}
