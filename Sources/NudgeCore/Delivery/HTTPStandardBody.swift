/// The JSON body the `http` transport posts when the channel names no body template (SPEC §8):
///
/// ```json
/// {"key":"…","channel":"push","to":["tok1","tok2"],"title":"…","body":"…","url":null,
///  "campaign":"…","step":"…","customer_id":"…"}
/// ```
///
/// `to` is the list of push tokens for push, and the one address (phone number, email address) otherwise, or
/// null when there is none; `title` and `url` are null when absent. Fields come in this order. Non-ASCII text
/// (Vietnamese) is written as UTF-8; quotes, backslashes and control characters are escaped.
public enum HTTPStandardBody {
    /// The body for `message`, as JSON text.
    public static func json(for message: OutboxMessage) -> String {
        func text(_ value: String?) -> Value { value.map(Value.string) ?? .null }
        let addresses = message.recipient.addresses
        let to: Value = message.channel == .push ? .list(addresses.map(Value.string)) : text(addresses.first)
        let fields: [(name: String, value: Value)] = [
            ("key", .string(message.key)),
            ("channel", .string(message.channel.rawValue)),
            ("to", to),
            ("title", text(message.content.title)),
            ("body", .string(message.content.text)),
            ("url", text(message.content.url)),
            ("campaign", .string(message.campaign)),
            ("step", .string(message.step)),
            ("customer_id", .string(message.customerID)),
        ]
        var out = "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { out += "," }
            StoredJSON.writeString(field.name, to: &out)
            out += ":"
            StoredJSON.write(field.value, to: &out)
        }
        return out + "}"
    }

    /// The body for `message`, as the UTF-8 bytes to send.
    public static func bytes(for message: OutboxMessage) -> [UInt8] {
        Array(json(for: message).utf8)
    }
}
