import Foundation

/// When a step may be sent: its window from the trigger time, its preferred local time and quiet hours (SPEC §6, §9).
///
/// Every function is pure; local times are read in the zone passed in (the customer's, or the configured default).
public enum StepTiming {
    /// When a step is due, or that it can no longer be sent in its window.
    public enum Due: Equatable, Sendable {
        case at(Date)
        /// The step cannot be sent by `triggeredAt + before` (SPEC §9 `window_missed`).
        case windowMissed
    }

    /// The earliest moment the step may go out.
    ///
    /// That is `triggeredAt + step.after`; when the step has a preferred time of day (`at:`), it is the first instant at
    /// or after that moment at which the local clock in `zone` reads `at`. A time the clocks jump over that day (02:30
    /// when spring-forward skips 02:00–03:00) means the first instant after the gap (03:00); a time the clocks pass
    /// twice (fall back) means its first pass, or its second when the first is already before `triggeredAt + after`.
    public static func earliest(step: Step, triggeredAt: Date, zone: TimeZone) -> Date {
        let start = triggeredAt.addingTimeInterval(step.after)
        guard let preferred = step.at else { return start }
        let clock = LocalClock(zone: zone)
        let startDay = clock.day(of: start)
        for day in (startDay - 1)...(startDay + 2) {
            if let instant = clock.instants(on: day, at: preferred).first(where: { $0 >= start }) { return instant }
        }
        return start
    }

    /// The latest moment the step may go out, `triggeredAt + step.before`; nil when the step has no `before`.
    public static func latest(step: Step, triggeredAt: Date) -> Date? {
        step.before.map { triggeredAt.addingTimeInterval($0) }
    }

    /// `date`, or the end of the quiet period it falls in.
    ///
    /// The quiet period is read on the local clock in `zone`, start inclusive and end exclusive; it may span midnight
    /// (`21:00-08:00`), in which case a time after the start ends on the next local day. The end is the first instant
    /// after `date` at which the local clock reads `quiet.end` (or the first instant after a DST gap that skips it).
    /// No quiet hours, or a time outside them, gives `date` unchanged.
    public static func outOfQuietHours(_ date: Date, quiet: QuietHours?, zone: TimeZone) -> Date {
        guard let quiet else { return date }
        let clock = LocalClock(zone: zone)
        let time = clock.timeOfDay(of: date)
        guard quiet.contains(time) else { return date }
        let spansMidnight = quiet.end < quiet.start
        let endDay = clock.day(of: date) + (spansMidnight && time >= quiet.start ? 1 : 0)
        for day in endDay...(endDay + 1) {
            if let end = clock.instants(on: day, at: quiet.end).first(where: { $0 > date }) { return end }
        }
        return date
    }

    /// When the step is due, seen at `now`.
    ///
    /// 1. Start from `max(earliest, now)`: a step whose earliest time has passed (the scheduler was down, or the
    ///    trigger was a backfilled event) is due now, not at its preferred time on some later day.
    /// 2. Unless the step ignores quiet hours, move that out of quiet hours (to the end of the quiet period).
    /// 3. If the result is after `latest` (when the step has a `before`), the window is missed; otherwise it is due
    ///    at the result. Exactly at `latest` still counts as inside the window.
    public static func due(step: Step, triggeredAt: Date, zone: TimeZone, quiet: QuietHours?, now: Date) -> Due {
        var start = max(earliest(step: step, triggeredAt: triggeredAt, zone: zone), now)
        if !step.ignoresQuietHours {
            start = outOfQuietHours(start, quiet: quiet, zone: zone)
        }
        if let latest = latest(step: step, triggeredAt: triggeredAt), start > latest { return .windowMissed }
        return .at(start)
    }
}
