import Foundation

/// Formats instants as wall-clock dates and times in a zone and locale: in `vi-VN`, `27/11/2026`,
/// `10:00` and `27/11/2026 10:00`; in `en-US`, `11/27/2026`, `10:00 AM` and `11/27/2026 10:00 AM`.
public enum DateFormat {
    /// Which parts of an instant to show.
    public enum Style: String, Sendable, CaseIterable {
        case date, time, datetime
    }

    public static func format(_ instant: Date, style: Style, zone: TimeZone, locale: String) -> String {
        format(instant, style: style, zone: zone, conventions: LocaleConventions(locale))
    }

    static func format(_ instant: Date, style: Style, zone: TimeZone, conventions: LocaleConventions) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let (year, month, day) = (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        let (hour, minute) = (parts.hour ?? 0, parts.minute ?? 0)

        let date: String
        switch conventions.dateOrder {
        case .dayMonthYear(let separator):
            date = "\(twoDigits(day))\(separator)\(twoDigits(month))\(separator)\(year)"
        case .monthDayYear:
            date = "\(twoDigits(month))/\(twoDigits(day))/\(year)"
        case .yearMonthDay(let separator):
            date = "\(year)\(separator)\(twoDigits(month))\(separator)\(twoDigits(day))"
        }
        let time =
            conventions.twelveHourClock
            ? "\(hour % 12 == 0 ? 12 : hour % 12):\(twoDigits(minute)) \(hour < 12 ? "AM" : "PM")"
            : "\(twoDigits(hour)):\(twoDigits(minute))"

        switch style {
        case .date: return date
        case .time: return time
        case .datetime: return date + " " + time
        }
    }

    private static func twoDigits(_ number: Int) -> String {
        number < 10 ? "0\(number)" : "\(number)"
    }
}
