/// The signature a delivery-receipt callback carries (`sig=…`), so that a gateway which cannot send a bearer
/// token (Kannel calls its `dlr-url` with a plain GET) can still report on a message, and nobody else can.
///
/// It is the first 16 bytes of HMAC-SHA-256 over `nudge-receipt`, the channel and the message key, under the
/// daemon's secret, in lowercase hex: one signature per message and channel, useless for any other.
public enum ReceiptSignature {
    /// The signature for the receipt of message `key` on `channel`.
    public static func sign(key: String, channel: Channel, secret: String) -> String {
        SHA256.hexString(Array(code(key: key, channel: channel, secret: secret)))
    }

    /// Whether `signature` is the one for message `key` on `channel`; compared in constant time.
    public static func verify(_ signature: String, key: String, channel: Channel, secret: String) -> Bool {
        HMACSHA256.constantTimeEqual(Array(signature.lowercased().utf8), Array(sign(key: key, channel: channel, secret: secret).utf8))
    }

    private static func code(key: String, channel: Channel, secret: String) -> ArraySlice<UInt8> {
        let message = Array("nudge-receipt\n\(channel.rawValue)\n".utf8) + Array(key.utf8)
        return HMACSHA256.code(key: Array(secret.utf8), message: message).prefix(16)
    }
}
