import Foundation

/// The property checks and defaults of the built-in event types (SPEC §3); other types pass through untouched.
enum BuiltInEventRules {
    static let maximumSKULength = 200

    /// Checks `properties` of an event of `type`, reporting into `errors` and filling in defaults.
    static func check(_ type: String, _ properties: inout [String: Value], _ errors: inout ErrorCollector) {
        switch type {
        case "purchase":
            purchase(&properties, &errors)
        case "plan_usage":
            requiredString("metric", properties, &errors)
            requiredNumber("used", .atLeastZero, properties, &errors)
            requiredNumber("limit", .aboveZero, properties, &errors)
        case "trial_started":
            guard let value = errors.required("ends_at", in: properties, at: "properties") else { return }
            guard case .string(let text) = value, let endsAt = RFC3339.parse(text) else {
                errors.add("properties.ends_at", RFC3339.expectation + ", found \(value.jsonSample)")
                return
            }
            properties["ends_at"] = .time(endsAt)
        case "plan_changed":
            requiredString("plan", properties, &errors)
        case "unsubscribe":
            if let value = EventRecord.present("channel", in: properties) { channel(value, &errors) }
        case "complaint":
            if let value = errors.required("channel", in: properties, at: "properties") { channel(value, &errors) }
        case "feedback":
            requiredNumber("score", .any, properties, &errors)
            optionalText("text", properties, &errors)
        default:
            break
        }
    }

    /// `items` (each with `sku`, `price`, `quantity` ≥ 1 defaulting to 1, optional `category`, `name`, `cost`),
    /// `total` (default: the sum of price × quantity) and an optional `currency`.
    private static func purchase(_ properties: inout [String: Value], _ errors: inout ErrorCollector) {
        let problemsBefore = errors.list.count
        var sum = 0.0
        if let value = errors.required("items", in: properties, at: "properties") {
            if case .list(let items) = value, !items.isEmpty {
                var filled: [Value] = []
                filled.reserveCapacity(items.count)
                for (position, item) in items.enumerated() {
                    guard var fields = errors.object(item, at: itemPath(position)) else { continue }
                    sum += purchaseItem(&fields, at: position, &errors)
                    filled.append(.map(fields))
                }
                properties["items"] = .list(filled)
            } else {
                let found = value == .list([]) ? "an empty array" : value.jsonKind
                errors.add("properties.items", "must be a non-empty array of items, found \(found)")
            }
        }
        if let total = EventRecord.present("total", in: properties) {
            _ = errors.number(total, at: "properties.total", .atLeastZero)
        } else if errors.list.count == problemsBefore {
            properties["total"] = .number(sum)
        }
        if let currency = EventRecord.present("currency", in: properties) {
            _ = errors.string(currency, at: "properties.currency", maxLength: 10)
        }
    }

    /// Checks one item, fills in its quantity, and returns price × quantity (0 when either is bad).
    private static func purchaseItem(_ item: inout [String: Value], at position: Int, _ errors: inout ErrorCollector)
        -> Double
    {
        if let sku = errors.required("sku", in: item, at: itemPath(position)) {
            _ = errors.string(sku, at: itemPath(position, "sku"), maxLength: maximumSKULength)
        }
        let price = errors.required("price", in: item, at: itemPath(position)).flatMap {
            errors.number($0, at: itemPath(position, "price"), .atLeastZero)
        }
        var quantity = 1.0
        if let value = EventRecord.present("quantity", in: item) {
            quantity = errors.number(value, at: itemPath(position, "quantity"), .countingNumber) ?? 0
        } else {
            item["quantity"] = .number(1)
        }
        for name in ["category", "name"] {
            if let value = EventRecord.present(name, in: item) {
                _ = errors.string(value, at: itemPath(position, name))
            }
        }
        if let cost = EventRecord.present("cost", in: item) {
            _ = errors.number(cost, at: itemPath(position, "cost"), .atLeastZero)
        }
        return (price ?? 0) * quantity
    }

    /// `properties.items[2]`, or a member of it: `properties.items[2].price`.
    private static func itemPath(_ position: Int, _ member: String? = nil) -> String {
        let item = FieldPath.element("properties.items", position)
        return member.map { FieldPath.member(item, $0) } ?? item
    }

    private static func channel(_ value: Value, _ errors: inout ErrorCollector) {
        if case .string(let name) = value, Channel(rawValue: name) != nil { return }
        let names = Channel.allCases.map(\.rawValue).joined(separator: ", ")
        errors.add("properties.channel", "must be one of \(names), found \(value.jsonSample)")
    }

    private static func requiredString(_ name: String, _ properties: [String: Value], _ errors: inout ErrorCollector) {
        guard let value = errors.required(name, in: properties, at: "properties") else { return }
        _ = errors.string(value, at: FieldPath.member("properties", name))
    }

    /// Any string, empty included, when present.
    private static func optionalText(_ name: String, _ properties: [String: Value], _ errors: inout ErrorCollector) {
        guard let value = EventRecord.present(name, in: properties) else { return }
        if case .string = value { return }
        errors.add(FieldPath.member("properties", name), "must be a string, found \(value.jsonKind)")
    }

    private static func requiredNumber(
        _ name: String, _ rule: NumberRule, _ properties: [String: Value], _ errors: inout ErrorCollector
    ) {
        guard let value = errors.required(name, in: properties, at: "properties") else { return }
        _ = errors.number(value, at: FieldPath.member("properties", name), rule)
    }
}
