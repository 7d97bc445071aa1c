import Foundation

/// Reads the body of `PUT /v1/customers/{id}` (SPEC §11) into the updated profile: a partial update in which
/// only the given fields change.
///
/// Fields: `email`, `phone` (E.164; spaces, dashes, dots and parentheses are dropped), `push_tokens` (replaces the
/// list; repeats dropped), `timezone` (an IANA id), `locale`, `attributes` (merged key by key; a `null` value
/// removes the key), `consent` (`email`/`sms`/`push` booleans, merged; `null` forgets the explicit choice), and
/// `id`, which must match the path. `null` clears `email`, `phone`, `timezone`, `locale` and `push_tokens`.
/// Facts, stage and `created_at` are not the sender's to set.
public enum CustomerProfileParser {
    public static let fields = ["id", "email", "phone", "push_tokens", "timezone", "locale", "attributes", "consent"]

    /// The profile after applying `body` to `existing` (or to a new customer created `now`), or every problem.
    public static func parse(
        _ body: Data, id: String, existing: Customer?, now: Date
    ) -> Result<Customer, [RecordError]> {
        let object: [String: Value]
        switch SingleRecordBody.object(body, what: "a customer profile") {
        case .failure(let errors): return .failure(errors)
        case .success(let fields): object = fields
        }
        var errors = ErrorCollector(index: 0)
        var customer = existing ?? Customer(id: id, createdAt: now)
        customer.id = id
        if let problem = SingleRecordBody.identifierProblem(id) {
            errors.add("id", "the customer id in the path \(problem)")
        }
        errors.rejectUnknown(object, known: fields, at: "")
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            apply(name, value, to: &customer, &errors)
        }
        guard errors.isEmpty else { return .failure(errors.list) }
        customer.updatedAt = now
        return .success(customer)
    }

    private static func apply(
        _ name: String, _ value: Value, to customer: inout Customer, _ errors: inout ErrorCollector
    ) {
        switch (name, value) {
        case ("id", _):
            if value != .string(customer.id) {
                errors.add(
                    "id", "must match the customer id in the path, \"\(customer.id)\", found \(value.jsonSample)")
            }
        case ("email", .null): customer.email = nil
        case ("email", _):
            guard let email = errors.string(value, at: "email") else { return }
            if let problem = ContactRules.emailProblem(email) { return errors.add("email", problem) }
            customer.email = email
        case ("phone", .null): customer.phone = nil
        case ("phone", _):
            guard let phone = errors.string(value, at: "phone") else { return }
            guard let normalized = ContactRules.normalizedPhone(phone) else {
                return errors.add(
                    "phone",
                    "must be an E.164 number: '+', the country code, then 7–14 more digits, "
                        + "like +84901234567; found \(value.jsonSample)")
            }
            customer.phone = normalized
        case ("push_tokens", .null): customer.pushTokens = []
        case ("push_tokens", .list(let items)):
            var tokens: [String] = []
            for (position, item) in items.enumerated() {
                guard let token = errors.string(item, at: FieldPath.element("push_tokens", position)) else { continue }
                if !tokens.contains(token) { tokens.append(token) }
            }
            customer.pushTokens = tokens
        case ("push_tokens", _):
            errors.add("push_tokens", "must be an array of strings, found \(value.jsonKind)")
        case ("timezone", .null): customer.timezone = nil
        case ("timezone", _):
            guard let zone = errors.string(value, at: "timezone") else { return }
            guard TimeZone(identifier: zone) != nil else {
                return errors.add(
                    "timezone", "must be an IANA time zone such as Asia/Ho_Chi_Minh, found \(value.jsonSample)")
            }
            customer.timezone = zone
        case ("locale", .null): customer.locale = nil
        case ("locale", _):
            customer.locale = errors.string(value, at: "locale", maxLength: 35) ?? customer.locale
        case ("attributes", _):
            guard let changes = errors.object(value, at: "attributes") else { return }
            for (key, change) in changes {
                customer.attributes[key] = change.isNull ? nil : change
            }
        case ("consent", _):
            guard let changes = errors.object(value, at: "consent") else { return }
            mergeConsent(changes, into: &customer, &errors)
        default:
            break
        }
    }

    private static func mergeConsent(
        _ changes: [String: Value], into customer: inout Customer, _ errors: inout ErrorCollector
    ) {
        let names = Channel.allCases.map(\.rawValue)
        for (name, change) in changes.sorted(by: { $0.key < $1.key }) {
            let field = FieldPath.member("consent", name)
            guard let channel = Channel(rawValue: name) else {
                errors.add(field, "unknown channel; expected one of \(names.joined(separator: ", "))")
                continue
            }
            if change.isNull {
                customer.consent[channel] = nil
            } else if let granted = errors.bool(change, at: field) {
                customer.consent[channel] = granted
            }
        }
    }
}
