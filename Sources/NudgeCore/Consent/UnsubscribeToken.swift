import Foundation

/// The token of a one-click unsubscribe link (`/u/{token}`, SPEC §11, RFC 8058): which customer leaves which
/// channel, signed so that nobody can make one for someone else.
///
/// It is `<payload>.<signature>`, both base64url without padding: the payload is `<channel>:<customer id>` in
/// UTF-8, the signature the first 16 bytes of HMAC-SHA-256 over `nudge-unsubscribe`, a newline and the payload,
/// under the unsubscribe secret. Tokens do not expire: an old email's link keeps working.
public enum UnsubscribeToken {
    /// The token for `customerID` on `channel`.
    public static func make(customerID: String, channel: Channel, secret: String) -> String {
        let payload = Array("\(channel.rawValue):\(customerID)".utf8)
        return Base64URL.encode(payload) + "." + Base64URL.encode(signature(payload, secret: secret))
    }

    /// The customer and channel of a genuine token; nil for anything forged, altered or malformed.
    public static func verify(_ token: String, secret: String) -> (customerID: String, channel: Channel)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let given = Base64URL.decode(parts[1]),
            HMACSHA256.constantTimeEqual(given, signature(payload, secret: secret)),
            let text = String(validating: payload, as: UTF8.self), let colon = text.firstIndex(of: ":"),
            let channel = Channel(rawValue: String(text[..<colon]))
        else { return nil }
        let customerID = String(text[text.index(after: colon)...])
        return customerID.isEmpty ? nil : (customerID, channel)
    }

    private static func signature(_ payload: [UInt8], secret: String) -> [UInt8] {
        Array(HMACSHA256.code(key: Array(secret.utf8), message: Array("nudge-unsubscribe\n".utf8) + payload).prefix(16))
    }
}

/// Where unsubscribe links point and the secret that signs them.
public struct UnsubscribeLinks: Sendable, Hashable {
    /// `https://shop.example/u`: the link is this plus `/` and the token.
    public var base: String
    public var secret: String

    public init(base: String, secret: String) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.secret = secret
    }

    /// The links of a configuration: its `unsubscribe.base_url`, else the daemon's own `/u` on the address it
    /// listens on (a wildcard address is reached on loopback).
    public init(settings: UnsubscribeSettings, listen: ListenAddress, secret: String) {
        self.init(base: settings.baseURL ?? "http://\(ReceiptCallback.reachable(listen))/u", secret: secret)
    }

    /// The link that unsubscribes `customerID` from `channel`.
    public func url(customerID: String, channel: Channel) -> String {
        base + "/" + UnsubscribeToken.make(customerID: customerID, channel: channel, secret: secret)
    }
}

/// Base64 with the URL- and filename-safe alphabet (RFC 4648 §5) and no padding.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        // Only the canonical spelling: unused low bits in the last character must be zero.
        guard let bytes = Data(base64Encoded: standard).map(Array.init), encode(bytes) == text else { return nil }
        return bytes
    }
}
