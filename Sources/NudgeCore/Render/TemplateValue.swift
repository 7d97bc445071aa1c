import Foundation
import Mustache

/// How the values of one message are written: the customer's locale and zone, and the currency that
/// amounts are in when nothing closer says otherwise.
struct TemplateFormats: Sendable {
    var conventions: LocaleConventions
    var zone: TimeZone
    /// ISO 4217 code; a map with a `currency` field (a product, an event) sets it for its members.
    var currency: String
}

/// A `Value` as Mustache sees it: maps are looked up by key (`{{customer.attributes.name}}`), lists are
/// sequences for sections, numbers and times render in the customer's locale and zone, and the helpers
/// `money`, `date`, `time` and `datetime` are transforms (`{{money(price)}}`).
struct TemplateValue: Sendable {
    var value: Value
    var formats: TemplateFormats

    /// What Mustache is given for `value`: nothing for `null` (so a section over it renders nothing), a Swift
    /// `Bool` for booleans and an array for lists (so sections over them work), a `TemplateValue` otherwise.
    static func bridge(_ value: Value, _ formats: TemplateFormats) -> Any? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .list(let items):
            return items.map { item -> Any in bridge(item, formats) ?? TemplateValue(value: .null, formats: formats) }
        default: return TemplateValue(value: value, formats: formats)
        }
    }
}

extension TemplateValue: MustacheParent {
    func child(named name: String) -> Any? {
        guard case .map(let fields) = value, let field = fields[name] else { return nil }
        var inner = formats
        if case .string(let code)? = fields["currency"], code.count == 3 { inner.currency = code.uppercased() }
        return Self.bridge(field, inner)
    }
}

extension TemplateValue: MustacheCustomRenderable {
    var renderText: String {
        switch value {
        case .null, .map, .list: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return NumberText.format(number)
        case .string(let text): return text
        case .time(let instant):
            return DateFormat.format(instant, style: .datetime, zone: formats.zone, conventions: formats.conventions)
        case .duration(let seconds): return DurationText.format(seconds)
        }
    }

    /// An empty string counts as absent, so `{{^customer.attributes.name}}bạn{{/customer.attributes.name}}`
    /// covers both a missing and a blank name.
    var isNull: Bool {
        switch value {
        case .null: return true
        case .string(let text): return text.isEmpty
        default: return false
        }
    }
}

extension TemplateValue: MustacheTransformable {
    func transform(_ name: String) -> Any? {
        if name == "money" {
            guard let amount = number else { return nil }
            return MoneyFormat.format(amount, currency: formats.currency, conventions: formats.conventions)
        }
        if let style = DateFormat.Style(rawValue: name) {
            guard let instant else { return nil }
            return DateFormat.format(instant, style: style, zone: formats.zone, conventions: formats.conventions)
        }
        switch value {
        case .string(let text):
            return text.transform(name)
        case .number(let number) where number == number.rounded() && abs(number) < 1e15:
            return Int(number).transform(name)
        case .map(let fields):
            switch name {
            case "count": return fields.count
            case "empty": return fields.isEmpty
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The value as an amount: a number, or a string holding one (`"1250000"`).
    private var number: Double? {
        switch value {
        case .number(let number): return number
        case .string(let text): return Double(text.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// The value as an instant: a time, or a string holding an ISO 8601 timestamp.
    private var instant: Date? {
        switch value {
        case .time(let instant): return instant
        case .string(let text): return try? Date(text.trimmingCharacters(in: .whitespaces), strategy: .iso8601)
        default: return nil
        }
    }
}
