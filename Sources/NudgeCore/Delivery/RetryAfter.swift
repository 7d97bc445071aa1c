import Foundation

/// The delay a `Retry-After` header asks for (RFC 9110 §10.2.3): delta-seconds (`120`) or an HTTP date.
public enum RetryAfter {
    /// The longest delay honoured; a gateway asking for more gets this, so a message is not parked for weeks by
    /// one bad header (the retry count still bounds how long it is tried).
    public static let maximum: TimeInterval = 86_400

    /// Seconds to wait from `now`, or nil when the value is missing, not a valid form (negative, fractional,
    /// garbage) or names a time already past (the usual backoff applies then). Absurd values are capped at
    /// `maximum`.
    public static func delay(_ value: String?, now: Date) -> TimeInterval? {
        guard let value else { return nil }
        let text = value.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            // Saturating: a hundred-digit number is just "a long time".
            var seconds = 0.0
            for byte in text.utf8 {
                seconds = min(seconds * 10 + Double(byte - UInt8(ascii: "0")), maximum * 10)
            }
            return min(seconds, maximum)
        }
        guard let date = HTTPDate.parse(text, now: now) else { return nil }
        let delay = date.timeIntervalSince(now)
        guard delay > 0 else { return nil }
        return min(delay, maximum)
    }

    /// The delay the reply's `Retry-After` header asks for, if any.
    public static func delay(in reply: GatewayReply, now: Date) -> TimeInterval? {
        delay(reply.header("retry-after"), now: now)
    }
}
