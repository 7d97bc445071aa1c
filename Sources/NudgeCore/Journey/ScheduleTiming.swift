import Foundation

/// When a `schedule` trigger fires (a dated promotion): at `at` in the configured zone, or with `local: true` at
/// `at` on each customer's own wall clock.
public enum ScheduleTiming {
    /// The instant the trigger fires for a customer in `zone` (the customer's zone when local, else the
    /// configured one); nil when the date does not exist there.
    public static func instant(_ trigger: ScheduleTrigger, zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var components = trigger.at
        components.timeZone = nil
        return calendar.date(from: components)
    }

    /// The first moment the trigger fires for anyone: the configured zone's instant, or for a local trigger the
    /// instant in the earliest zone on Earth (UTC+14).
    public static func firstInstant(_ trigger: ScheduleTrigger, defaultZone: TimeZone) -> Date? {
        instant(trigger, zone: trigger.local ? TimeZone(secondsFromGMT: 14 * 3600)! : defaultZone)
    }
}

/// How far a schedule trigger has got through the customers: they are enrolled in batches, in id order, each
/// customer once; `done` once every customer known at the time was considered.
public struct ScheduleRun: Sendable, Hashable {
    public var campaign: String
    /// The last customer id considered; empty before the first batch.
    public var cursor: String
    public var done: Bool

    public init(campaign: String, cursor: String = "", done: Bool = false) {
        self.campaign = campaign
        self.cursor = cursor
        self.done = done
    }
}
