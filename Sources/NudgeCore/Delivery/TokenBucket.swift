import Foundation

/// A channel's `rate` as a token bucket: one token per message, refilled at the rate, holding at most `capacity`.
///
/// The bucket starts full, so a channel that has been idle sends a burst of `capacity` messages at once and then
/// keeps to the rate. By default `capacity` is the rate per second rounded, at least 1: `20/s` allows bursts of
/// 20, `600/m` of 10, and `1/m` or `5000/h` of 1 (one message, then one per interval). A pure value: the caller
/// passes the time and keeps the bucket; nothing sleeps.
public struct TokenBucket: Sendable, Hashable {
    /// The most tokens the bucket holds: the largest burst.
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    /// Tokens held at `updatedAt`.
    public private(set) var tokens: Double
    /// When `tokens` was last brought up to date; nil until first used.
    public private(set) var updatedAt: Date?

    /// A token counts as there when it would be complete within this time: dates carry about 0.1 µs of rounding,
    /// so the time `take` names must itself be good enough.
    static let tolerance: TimeInterval = 1e-6

    /// A full bucket for `rate`, with `burst` as its capacity (default: the rate per second rounded, at least 1).
    /// Nil when the rate or the burst is not positive.
    public init?(rate: Rate, burst: Int? = nil) {
        let perSecond = rate.perSecond
        guard rate.count > 0, rate.per > 0, perSecond.isFinite else { return nil }
        let capacity = burst ?? max(1, Int(perSecond.rounded()))
        guard capacity >= 1 else { return nil }
        self.capacity = Double(capacity)
        self.refillPerSecond = perSecond
        self.tokens = Double(capacity)
        self.updatedAt = nil
    }

    /// Takes a token if one is there at `now` and returns nil: send now. Otherwise takes nothing and returns the
    /// earliest time one will be there; calling again at that time succeeds (unless another caller took it).
    public mutating func take(now: Date) -> Date? {
        refill(to: now)
        let wait = (1 - tokens) / refillPerSecond
        if wait <= Self.tolerance {
            tokens = max(0, tokens - 1)
            return nil
        }
        // After a clock step back, tokens flow again only from `updatedAt`.
        return max(now, updatedAt ?? now).addingTimeInterval(wait)
    }

    /// The tokens the bucket would hold at `now`, without changing it.
    public func available(at now: Date) -> Double {
        var copy = self
        copy.refill(to: now)
        return copy.tokens
    }

    /// Adds what has flowed in since `updatedAt`. A clock that steps back adds nothing and keeps `updatedAt`,
    /// so the same interval is never counted twice.
    private mutating func refill(to now: Date) {
        guard let last = updatedAt else {
            updatedAt = now
            return
        }
        guard now > last else { return }
        tokens = min(capacity, tokens + now.timeIntervalSince(last) * refillPerSecond)
        updatedAt = now
    }
}
