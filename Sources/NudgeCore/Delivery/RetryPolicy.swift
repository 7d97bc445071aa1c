import Foundation

/// What to do after a failed delivery attempt (SPEC §9).
public enum RetryDecision: Sendable, Equatable {
    /// Try again at this time.
    case retry(at: Date)
    /// Give up: the message is `dead` (retryable failures exhausted) or `failed` (permanent).
    case giveUp(OutboxMessage.State)
}

/// Exponential backoff with jitter, up to `retry.max_attempts`.
public enum RetryPolicy {
    /// `attempts` counts the attempt that just failed; `jitter` is a fraction in 0..<1 (random in the shell,
    /// fixed in tests); `retryAfter` is a gateway's own request, honoured when longer than the backoff.
    public static func decide(
        attempts: Int, permanent: Bool, settings: RetrySettings, now: Date, jitter: Double,
        retryAfter: TimeInterval? = nil
    ) -> RetryDecision {
        if permanent { return .giveUp(.failed) }
        guard attempts < settings.maxAttempts else { return .giveUp(.dead) }
        let exponential = settings.first * pow(2, Double(max(0, attempts - 1)))
        let capped = min(settings.max, exponential)
        // "Equal jitter": between half the backoff and the whole of it, so retries of many messages spread out.
        let delay = capped / 2 + capped / 2 * min(max(jitter, 0), 1)
        return .retry(at: now + max(delay, retryAfter ?? 0))
    }
}
