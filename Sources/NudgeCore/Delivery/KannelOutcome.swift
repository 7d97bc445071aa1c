/// What Kannel's answer to a sendsms request means for the message.
///
/// - 2xx (`202 0: Accepted for delivery`, `202 3: Queued for later delivery`): sent. Kannel returns no message
///   id, so the provider id is its answer text, which tells accepted from queued (SMS centre down) in the log.
/// - 4xx but 408 and 429 (`403 Not routable. Do not try again.`, `403 Authorization failed for sendsms`,
///   `400` for a missing argument): failed for good; the error quotes Kannel's answer.
/// - 408, 429, 5xx (`503 Temporal failure, try again later.`), other statuses and every failure to get an answer
///   (refused, timed out, TLS, dropped): retried.
public enum KannelOutcome {
    /// The outcome of one sendsms answer.
    public static func decide(_ reply: GatewayReply) -> DeliveryResult {
        let answer = reply.excerpt()
        let quoted = answer.isEmpty ? "" : ": \(answer)"
        switch reply.status {
        case 200..<300:
            return .sent(providerID: answer.isEmpty ? nil : answer)
        case 300..<400:
            return .failed(
                error: "kannel answered HTTP \(reply.status) (a redirect); check the channel's url\(quoted)",
                permanent: true, retryAfter: nil)
        case 408, 429:
            return .failed(
                error: "kannel (or a proxy before it) asked to try later (HTTP \(reply.status))\(quoted)",
                permanent: false, retryAfter: nil)
        case 400..<500:
            return .failed(
                error: "kannel refused the SMS (HTTP \(reply.status))\(quoted)", permanent: true, retryAfter: nil)
        default:
            return .failed(
                error: "kannel could not take the SMS now (HTTP \(reply.status))\(quoted)", permanent: false,
                retryAfter: nil)
        }
    }

    /// The outcome when no answer came: always retried.
    public static func decide(_ failure: GatewayFailure) -> DeliveryResult {
        .failed(error: "kannel: \(failure)", permanent: false, retryAfter: nil)
    }

    /// The outcome of one attempt, answered or not.
    public static func decide(_ attempt: Result<GatewayReply, GatewayFailure>) -> DeliveryResult {
        switch attempt {
        case .success(let reply): decide(reply)
        case .failure(let failure): decide(failure)
        }
    }
}
