import Foundation

/// What an HTTP gateway's answer to a POST means for the message (SPEC §9).
///
/// - 2xx: sent; the provider id is the JSON body's `id`, `message_id` or `messageId` (a string, or an integer
///   number), looked for at the top level, then in a `data` object.
/// - 408, 429, 5xx: retried, honouring `Retry-After`.
/// - 3xx and every other 4xx: failed for good; the error has the status and a one-line excerpt of the body.
/// - Statuses outside 200–599 and every failure to get an answer (refused, timed out, TLS, dropped): retried.
public enum HTTPOutcome {
    /// Fields that name the gateway's id for the message, in order of preference.
    static let idFields = ["id", "message_id", "messageId"]

    /// The outcome of one answer; `now` reads an HTTP-date `Retry-After`.
    public static func decide(_ reply: GatewayReply, now: Date) -> DeliveryResult {
        let status = reply.status
        // Only refusals quote the body: an accepted message never pays for the excerpt.
        var quoted: String {
            let excerpt = reply.excerpt()
            return excerpt.isEmpty ? "" : ": \(excerpt)"
        }
        switch status {
        case 200..<300:
            return .sent(providerID: providerID(in: reply.body))
        case 408, 429, 500..<600:
            return .failed(
                error: "the gateway answered HTTP \(status)\(quoted)", permanent: false,
                retryAfter: RetryAfter.delay(in: reply, now: now))
        case 300..<500:
            return .failed(
                error: "the gateway refused the message with HTTP \(status)\(quoted)", permanent: true, retryAfter: nil)
        default:
            return .failed(
                error: "the gateway answered an unexpected HTTP \(status)\(quoted)", permanent: false, retryAfter: nil)
        }
    }

    /// The outcome when no answer came: always retried.
    public static func decide(_ failure: GatewayFailure) -> DeliveryResult {
        failure.deliveryResult
    }

    /// The outcome of one attempt, answered or not.
    public static func decide(_ attempt: Result<GatewayReply, GatewayFailure>, now: Date) -> DeliveryResult {
        switch attempt {
        case .success(let reply): decide(reply, now: now)
        case .failure(let failure): decide(failure)
        }
    }

    /// The gateway's id for the message in a JSON body, or nil. Integers beyond 2^53 lose precision in the
    /// JSON reader and are not trusted; such gateways send ids as strings.
    public static func providerID(in body: [UInt8]) -> String? {
        guard case .success(.map(let fields)) = JSONText.parse(body) else { return nil }
        if let id = id(in: fields) { return id }
        if case .map(let data)? = fields["data"] { return id(in: data) }
        return nil
    }

    private static func id(in fields: [String: Value]) -> String? {
        for name in idFields {
            switch fields[name] {
            case .string(let text)?:
                let trimmed = text.trimmingWhitespace()
                // At most 200 characters; one of at most 200 bytes has no more, and is not walked through.
                if !trimmed.isEmpty { return trimmed.utf8.count <= 200 ? trimmed : String(trimmed.prefix(200)) }
            case .number(let number)? where number == number.rounded() && abs(number) <= 9_007_199_254_740_992:
                return String(Int64(number))
            default:
                continue
            }
        }
        return nil
    }
}
