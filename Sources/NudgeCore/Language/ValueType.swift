/// Static types used to check conditions when files load. `any` stands for values whose type is only known
/// at run time (custom attributes, custom event properties) and is compatible with everything.
public indirect enum ValueType: Sendable, Equatable, CustomStringConvertible {
    case any
    case null
    case bool
    case number
    case string
    case time
    case duration
    case list(ValueType)
    case object(Schema)

    public var description: String {
        switch self {
        case .any: "any"
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .time: "time"
        case .duration: "duration"
        case .list(let element): element == .any ? "list" : "list of \(element)"
        case .object(let schema): schema.name
        }
    }

    /// The static type of a literal value.
    static func of(_ value: Value) -> ValueType {
        switch value {
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .time: .time
        case .duration: .duration
        case .list(let items): .list(items.first.map { of($0) } ?? .any)
        case .map: .object(Schema(name: "map", fields: [:], otherFields: .any))
        }
    }
}

/// The fields of an object type. `otherFields` is the type of fields not listed, or nil when
/// the object is closed and an unlisted field is an error (a likely typo).
public struct Schema: Sendable, Equatable {
    public var name: String
    public var fields: [String: ValueType]
    public var otherFields: ValueType?

    public init(name: String, fields: [String: ValueType], otherFields: ValueType? = nil) {
        self.name = name
        self.fields = fields
        self.otherFields = otherFields
    }
}

extension Schema {
    /// `customer.*`: profile fields and the facts derived from events (SPEC §3).
    public static let customer = Schema(
        name: "customer",
        fields: [
            "id": .string, "email": .string, "phone": .string, "timezone": .string, "locale": .string,
            "push_tokens": .list(.string), "created_at": .time, "updated_at": .time,
            "consent": .object(Schema(name: "consent", fields: ["email": .bool, "sms": .bool, "push": .bool])),
            "attributes": .object(Schema(name: "attributes", fields: [:], otherFields: .any)),
            "purchase_count": .number, "total_spent": .number,
            "first_purchase_at": .time, "last_purchase_at": .time, "signup_at": .time, "trial_ends_at": .time,
            "plan": .string,
            "usage": .object(Schema(name: "usage", fields: ["max_ratio": .number], otherFields: .object(usageMetric))),
            "owned_skus": .list(.string), "complaints": .number,
            "stage": .string, "stage_entered_at": .time,
        ])

    /// `customer.usage.<metric>`
    public static let usageMetric = Schema(
        name: "usage metric", fields: ["ratio": .number, "used": .number, "limit": .number])

    /// One line of a purchase: `event.items[]`.
    public static let purchaseItem = Schema(
        name: "item",
        fields: [
            "sku": .string, "category": .string, "name": .string,
            "price": .number, "quantity": .number, "cost": .number,
        ],
        otherFields: .any)

    /// `event.*`: the envelope and the properties of the built-in event types; other properties are `any`.
    public static let event = Schema(
        name: "event",
        fields: [
            "id": .string, "type": .string, "customer_id": .string, "timestamp": .time,
            "order_id": .string, "items": .list(.object(purchaseItem)), "total": .number, "currency": .string,
            "ends_at": .time, "metric": .string, "used": .number, "limit": .number, "plan": .string,
            "url": .string, "category": .string, "sku": .string, "channel": .string,
            "score": .number, "text": .string,
        ],
        otherFields: .any)
}
