/// Which numbers a field accepts.
enum NumberRule {
    case any, atLeastZero, aboveZero, countingNumber

    var text: String {
        switch self {
        case .any: return "a number"
        case .atLeastZero: return "a number ≥ 0"
        case .aboveZero: return "a number > 0"
        case .countingNumber: return "an integer ≥ 1"
        }
    }

    func accepts(_ number: Double) -> Bool {
        switch self {
        case .any: return true
        case .atLeastZero: return number >= 0
        case .aboveZero: return number > 0
        case .countingNumber: return number >= 1 && number == number.rounded(.towardZero)
        }
    }
}

/// Typed reads of JSON members that report what is wrong at the member's path. Paths are autoclosures: they are
/// only spelled out when there is something to report.
extension ErrorCollector {
    /// The member `name`, or nil after reporting it missing; `null` counts as missing.
    mutating func required(_ name: String, in object: [String: Value], at path: @autoclosure () -> String) -> Value? {
        guard let value = object[name], !value.isNull else {
            add(FieldPath.member(path(), name), "is required")
            return nil
        }
        return value
    }

    /// A non-empty string of at most `maxLength` characters, or nil after reporting why not.
    mutating func string(_ value: Value, at field: @autoclosure () -> String, maxLength: Int? = nil) -> String? {
        guard case .string(let text) = value else {
            add(field(), "must be a string, found \(value.jsonKind)")
            return nil
        }
        if text.isEmpty {
            add(field(), "must not be empty")
            return nil
        }
        if let maxLength, text.count > maxLength {
            add(field(), "must be at most \(maxLength) characters, found \(text.count)")
            return nil
        }
        return text
    }

    /// A number that `rule` accepts, or nil after reporting why not.
    mutating func number(_ value: Value, at field: @autoclosure () -> String, _ rule: NumberRule) -> Double? {
        guard case .number(let number) = value else {
            add(field(), "must be \(rule.text), found \(value.jsonKind)")
            return nil
        }
        guard rule.accepts(number) else {
            add(field(), "must be \(rule.text), found \(NumberText.format(number))")
            return nil
        }
        return number
    }

    mutating func bool(_ value: Value, at field: @autoclosure () -> String) -> Bool? {
        guard case .bool(let flag) = value else {
            add(field(), "must be true or false, found \(value.jsonKind)")
            return nil
        }
        return flag
    }

    mutating func object(_ value: Value, at field: @autoclosure () -> String) -> [String: Value]? {
        guard case .map(let fields) = value else {
            add(field(), "must be an object, found \(value.jsonKind)")
            return nil
        }
        return fields
    }

    /// Reports every member of `object` not in `known`, in name order.
    mutating func rejectUnknown(_ object: [String: Value], known: [String], at path: String) {
        guard object.keys.contains(where: { !known.contains($0) }) else { return }
        for name in object.keys.sorted() where !known.contains(name) {
            add(FieldPath.member(path, name), "unknown field; expected one of \(known.joined(separator: ", "))")
        }
    }
}
