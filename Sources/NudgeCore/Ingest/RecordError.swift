/// One problem with one record of an ingest request (SPEC §11: `{index, field, error}`).
public struct RecordError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The record's 0-based position in the request (always 0 for single-object bodies).
    public var index: Int
    /// A JSON path inside the record, such as `timestamp` or `properties.items[1].price`; empty for the whole record.
    public var field: String
    /// What is wrong, for a person to read.
    public var error: String

    public init(index: Int, field: String, error: String) {
        self.index = index
        self.field = field
        self.error = error
    }

    public var description: String {
        field.isEmpty ? "record \(index): \(error)" : "record \(index), \(field): \(error)"
    }
}

/// Lets `Result<Customer, [RecordError]>` carry every problem of a body at once. The conformance is
/// retroactive (the standard library owns both types) but confined to arrays of this module's own type.
extension Array: @retroactive Error where Element == RecordError {}

/// Collects the problems of one record, in the order they are found.
struct ErrorCollector {
    let index: Int
    private(set) var list: [RecordError] = []

    init(index: Int) { self.index = index }

    var isEmpty: Bool { list.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        list.append(RecordError(index: index, field: field, error: message))
    }
}

extension Value {
    /// How a JSON value is named in messages: `found a string`.
    var jsonKind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .time: return "a time"
        case .duration: return "a duration"
        case .list: return "an array"
        case .map: return "an object"
        }
    }

    /// A short quote of a scalar for messages (`"yesterday"`, `42`, `true`), or its kind for anything else.
    var jsonSample: String {
        switch self {
        case .string(let text): return text.count <= 40 ? "\"\(text)\"" : "\"\(text.prefix(40))…\""
        case .number, .bool, .null: return description
        default: return jsonKind
        }
    }
}

/// Joins a JSON path and a member or element: `properties` + `items` → `properties.items`.
enum FieldPath {
    static func member(_ parent: String, _ name: String) -> String { parent.isEmpty ? name : parent + "." + name }
    static func element(_ parent: String, _ position: Int) -> String { "\(parent)[\(position)]" }
}
