import Foundation

/// What `nudge import` loads.
public enum ImportKind: String, Sendable, CaseIterable {
    case customers, products, events

    /// The field that names each record: `id` of a customer, `sku` of a product (events may omit their `id`).
    public var keyField: String {
        switch self {
        case .customers, .events: "id"
        case .products: "sku"
        }
    }
}

/// Turns a CSV row into the JSON object the API would have received for it (SPEC §11), so that imported records
/// go through exactly the parsers of `POST /v1/events`, `PUT /v1/customers/{id}` and `PUT /v1/products/{sku}`.
///
/// The scheme:
/// - each column is a field of that name (`email`, `price`, `customer_id`, …);
/// - `parent.member` sets one member of an object field: `attributes.country`, `consent.email`,
///   `properties.order_id`;
/// - an empty cell leaves the field out (write `null` to clear it);
/// - text fields (ids, names, addresses, times, codes) take the cell as it is; any other cell is read as JSON when it
///   is a number, `true`, `false`, `null`, an array, an object or a "quoted string", and as text otherwise. So
///   `price` 250000 is a number, `properties.items` may hold a JSON array, `attributes.plan` basic is the text
///   "basic", and `"0123"` (in CSV: `"""0123"""`) keeps the leading zero as text.
public enum ImportMapping {
    /// Fields whose cells are always text.
    public static let textFields: Set<String> = [
        "id", "type", "customer_id", "timestamp", "email", "phone", "timezone", "locale", "sku", "name", "category",
        "currency", "url", "image_url",
    ]

    /// The object for one row, or the problems of the header and row (`field` names the column).
    public static func object(header: [String], row: [String]) -> Result<[String: Value], [RecordError]> {
        var errors: [RecordError] = []
        if row.count != header.count {
            errors.append(
                RecordError(
                    index: 0, field: "",
                    error: "has \(row.count) field\(row.count == 1 ? "" : "s"), the header has \(header.count)"))
            return .failure(errors)
        }
        var object: [String: Value] = [:]
        for (column, cell) in zip(header, row) where !cell.isEmpty {
            let parts = column.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 {
                let (parent, member) = (parts[0], parts[1])
                var members: [String: Value]
                switch object[parent] {
                case nil: members = [:]
                case .map(let existing)?: members = existing
                default:
                    errors.append(
                        RecordError(
                            index: 0, field: column, error: "cannot be combined with a '\(parent)' column"))
                    continue
                }
                members[member] = value(of: cell, textField: false)
                object[parent] = .map(members)
            } else if object[column] != nil {
                errors.append(RecordError(index: 0, field: column, error: "cannot be combined with '\(column).…' columns"))
            } else {
                object[column] = value(of: cell, textField: textFields.contains(column))
            }
        }
        return errors.isEmpty ? .success(object) : .failure(errors)
    }

    /// Problems with a header row itself: empty or repeated column names, a missing key column.
    public static func headerProblems(_ header: [String], kind: ImportKind) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for (position, column) in header.enumerated() {
            if column.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("column \(position + 1) of the header has no name")
            } else if !seen.insert(column).inserted {
                problems.append("the header names '\(column)' twice")
            }
        }
        if kind != .events, !header.contains(kind.keyField) {
            problems.append("the header has no '\(kind.keyField)' column; \(kind.rawValue) need one")
        }
        return problems
    }

    /// A cell as a JSON value (when it is one and the field is not text), else as text.
    static func value(of cell: String, textField: Bool) -> Value {
        guard !textField, let first = cell.utf8.first else { return .string(cell) }
        let couldBeJSON =
            first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
            || first == UInt8(ascii: "[") || first == UInt8(ascii: "{") || first == UInt8(ascii: "\"")
            || cell == "true" || cell == "false" || cell == "null"
        guard couldBeJSON, case .success(let value) = JSONText.parse(Array(cell.utf8)) else { return .string(cell) }
        return value
    }
}
