import Mustache

/// The variables an `http` transport's body template is rendered with (SPEC §8), one message at a time.
///
/// Text fields render JSON-escaped without the quotes, to sit inside a JSON string the template writes:
/// `"text": "{{body}}"` stays valid JSON whatever the text holds (Vietnamese, quotes, backslashes, line breaks).
/// `json.<field>` renders the whole JSON value instead — quoted text, `null` when absent, a list for
/// `addresses` and for `to` on push — for fields that are not always strings: `"tokens": {{json.to}}`.
///
/// | field | value |
/// |---|---|
/// | `key` | the message key, also sent as `Idempotency-Key` |
/// | `channel`, `campaign`, `step`, `variant`, `customer_id` | where the message comes from (`variant` absent without A/B test) |
/// | `to` | the first address: phone number, email address, first push token |
/// | `addresses` | every address (all push tokens), a list for `{{#addresses}}…{{/addresses}}` |
/// | `name` | the recipient's display name, when known |
/// | `subject`, `html` | email subject and HTML body |
/// | `title`, `body`, `url` | push title, message text (SMS, push, email text part), push deep link |
/// | `unsubscribe_url` | the one-click unsubscribe link of a marketing message |
/// | `marketing` | true for marketing, false for notices (a boolean, for sections) |
///
/// An absent field renders as nothing and skips its section, so `{{#title}}"title": "{{title}}",{{/title}}`
/// writes the title only when there is one.
public enum HTTPBodyFields {
    /// The text fields, in the order `json.*` documents them.
    static let textNames = [
        "key", "channel", "campaign", "step", "variant", "customer_id", "to", "name", "subject", "html", "title",
        "body", "url", "unsubscribe_url",
    ]

    /// What a body template may use, for the load-time check of its tags.
    static let schema: Schema = {
        var fields: [String: ValueType] = Dictionary(uniqueKeysWithValues: textNames.map { ($0, .string) })
        fields["addresses"] = .list(.string)
        fields["marketing"] = .bool
        var literals: [String: ValueType] = Dictionary(uniqueKeysWithValues: textNames.map { ($0, .any) })
        literals["addresses"] = .any
        literals["marketing"] = .any
        fields["json"] = .object(Schema(name: "json", fields: literals))
        return Schema(name: "HTTP body", fields: fields)
    }()

    /// The text fields of `message`; absent ones are missing.
    static func texts(of message: OutboxMessage) -> [String: String] {
        let content = message.content
        let optional: [String: String?] = [
            "variant": message.variant, "to": message.recipient.addresses.first, "name": message.recipient.name,
            "subject": content.subject, "html": content.html, "title": content.title, "url": content.url,
            "unsubscribe_url": content.unsubscribeURL,
        ]
        var texts = [
            "key": message.key, "channel": message.channel.rawValue, "campaign": message.campaign,
            "step": message.step, "customer_id": message.customerID, "body": content.text,
        ]
        for case (let name, let value?) in optional { texts[name] = value }
        return texts
    }

    /// The root object handed to Mustache for `message`.
    static func root(for message: OutboxMessage) -> [String: Any] {
        let texts = texts(of: message)
        var root: [String: Any] = texts.mapValues { JSONEscapedText(text: $0) }
        root["addresses"] = message.recipient.addresses.map { JSONEscapedText(text: $0) }
        root["marketing"] = message.isMarketing

        var literals: [String: Any] = [:]
        for name in textNames {
            var out = ""
            StoredJSON.write(texts[name].map(Value.string) ?? .null, to: &out)
            literals[name] = JSONLiteral(text: out)
        }
        let addresses = Value.list(message.recipient.addresses.map(Value.string))
        var out = ""
        StoredJSON.write(addresses, to: &out)
        literals["addresses"] = JSONLiteral(text: out)
        if message.channel == .push { literals["to"] = JSONLiteral(text: out) }
        literals["marketing"] = JSONLiteral(text: message.isMarketing ? "true" : "false")
        root["json"] = literals
        return root
    }
}

/// Text that renders as the inside of a JSON string: quotes, backslashes and control characters escaped,
/// everything else (Vietnamese) as UTF-8. Helpers (`{{uppercased(title)}}`) work on the text, then escape.
struct JSONEscapedText: MustacheCustomRenderable, MustacheTransformable {
    var text: String

    var renderText: String {
        var out = ""
        StoredJSON.writeString(text, to: &out)
        return String(out.dropFirst().dropLast())
    }

    /// Empty text counts as absent, as in message templates.
    var isNull: Bool { text.isEmpty }

    func transform(_ name: String) -> Any? {
        switch text.transform(name) {
        case let string as String: JSONEscapedText(text: string)
        case let substring as Substring: JSONEscapedText(text: String(substring))
        case let other: other
        }
    }
}

/// A complete JSON value (`"Lan"`, `null`, `["t1","t2"]`), rendered as it is.
struct JSONLiteral: MustacheCustomRenderable {
    var text: String

    var renderText: String { text }
    var isNull: Bool { false }
}
