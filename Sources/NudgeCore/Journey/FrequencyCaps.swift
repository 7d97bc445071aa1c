import Foundation

/// A message a customer was sent, or is about to be sent: what frequency caps count.
public struct RecentMessage: Sendable, Hashable {
    public var campaign: String
    public var step: String
    public var channel: Channel
    public var createdAt: Date

    public init(campaign: String, step: String, channel: Channel, createdAt: Date) {
        self.campaign = campaign
        self.step = step
        self.channel = channel
        self.createdAt = createdAt
    }
}

/// Frequency caps across campaigns (`limits:` in nudge.yml, SPEC §8): at most `max` messages in any rolling
/// window of `per`, for all of a customer's messages (`per_customer`) and for their messages on one channel
/// (`per_channel`). Messages of `cap: exempt` steps neither count nor wait.
public enum FrequencyCaps {
    /// The longest window of `limits`: how far back the counted messages must reach.
    public static func lookback(_ limits: FrequencyLimits) -> TimeInterval {
        (limits.perCustomer + limits.perChannel.values.flatMap { $0 }).map(\.per).max() ?? 0
    }

    /// When a message on `channel` may go: nil when it may go at `now`, else the earliest time at which every cap
    /// has room again (a cap with `max: 0` never has room: `.distantFuture`). `recent` are the messages already
    /// counted (any order); messages after `now` count as if sent now.
    public static func earliestAllowed(
        channel: Channel, recent: [RecentMessage], limits: FrequencyLimits, now: Date
    ) -> Date? {
        let all = recent.map { min($0.createdAt, now) }.sorted()
        let onChannel = recent.filter { $0.channel == channel }.map { min($0.createdAt, now) }.sorted()
        var earliest: Date?
        for (caps, times) in [(limits.perCustomer, all), (limits.perChannel[channel] ?? [], onChannel)] {
            for cap in caps {
                guard let free = roomAt(cap, sent: times, now: now) else { continue }
                earliest = max(earliest ?? free, free)
            }
        }
        return earliest
    }

    /// When `cap` next has room for one more message, given sorted send times; nil when it has room now.
    static func roomAt(_ cap: FrequencyCap, sent: [Date], now: Date) -> Date? {
        guard cap.max > 0 else { return .distantFuture }
        let inWindow = sent.filter { $0 > now - cap.per }
        guard inWindow.count >= cap.max else { return nil }
        // The window has room once all but max − 1 of these messages have left it.
        return inWindow[inWindow.count - cap.max] + cap.per
    }
}
