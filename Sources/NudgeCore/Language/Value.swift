import Foundation

/// A value in the condition language. Evaluation never throws: anything missing or mistyped is `null`.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case time(Date)
    case duration(TimeInterval)
    case list([Value])
    case map([String: Value])

    /// Only `true` is true; `null` and every other value count as false in `and`, `or`, `not` and `where:`.
    public var isTrue: Bool {
        if case .bool(true) = self { return true }
        return false
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member `name` of a map, or `null`.
    public subscript(name: String) -> Value {
        if case .map(let fields) = self { return fields[name] ?? .null }
        return .null
    }
}

extension Value: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return NumberText.format(n)
        case .string(let s): return "\"\(s)\""
        case .time(let t): return t.formatted(.iso8601)
        case .duration(let d): return DurationText.format(d)
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let fields):
            return "{" + fields.keys.sorted().map { "\($0): \(fields[$0]!.description)" }.joined(separator: ", ") + "}"
        }
    }
}

/// Numbers print without a trailing `.0` when they are whole.
public enum NumberText {
    public static func format(_ n: Double) -> String {
        if n.isFinite, n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return String(n)
    }
}
