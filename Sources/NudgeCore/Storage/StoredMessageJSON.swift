import Foundation

/// A message's `recipient` column: the JSON of the Codable `Recipient` (`{"addresses": […], "name": …}`), written
/// and read without Foundation's coders. Every queued message is written once and read on each claim, and
/// `JSONEncoder` or `JSONDecoder` cost more than the rest of either. The reader returns nil when the text holds
/// anything it does not know (a key, a type); the caller then decodes it with `JSONDecoder`, the reference.
public enum StoredMessageJSON {
    /// What `JSONEncoder` writes for `recipient`, up to key order and escaping: no `name` when it has none.
    public static func encode(_ recipient: Recipient) -> String {
        var fields: [String: Value] = ["addresses": .list(recipient.addresses.map(Value.string))]
        if let name = recipient.name { fields["name"] = .string(name) }
        return StoredJSON.encode(fields)
    }

    public static func recipient(_ text: String) -> Recipient? {
        guard case .map(let fields) = parse(text), let addresses = fields["addresses"].flatMap(strings) else {
            return nil
        }
        var recipient = Recipient(addresses: addresses)
        for (key, value) in fields where key != "addresses" {
            guard key == "name", let name = optionalString(value) else { return nil }
            recipient.name = name
        }
        return recipient
    }

    private static func parse(_ text: String) -> Value? {
        var text = text
        guard case .success(let value) = text.withUTF8({ JSONText.parse(UnsafeRawBufferPointer($0)) }) else {
            return nil
        }
        return value
    }

    /// A string, or null (`.some(nil)`); nil for any other type.
    private static func optionalString(_ value: Value) -> String?? {
        switch value {
        case .string(let string): return .some(string)
        case .null: return .some(nil)
        default: return nil
        }
    }

    private static func strings(_ value: Value) -> [String]? {
        guard case .list(let items) = value else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items {
            guard case .string(let string) = item else { return nil }
            strings.append(string)
        }
        return strings
    }
}
