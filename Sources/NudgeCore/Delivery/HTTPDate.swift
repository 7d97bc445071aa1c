import Foundation

/// HTTP dates (RFC 9110 §5.6.7), always in GMT:
///
/// - IMF-fixdate, the one to send: `Sun, 06 Nov 1994 08:49:37 GMT`
/// - obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (a two-digit year more than 50 years ahead of `now`
///   is in the previous century)
/// - obsolete asctime: `Sun Nov  6 08:49:37 1994`
///
/// Day and month names are matched without regard to case; the day name is checked to be a day name but not
/// against the date. A leap second (`:60`) reads as the next second.
public enum HTTPDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let shortDays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let longDays: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The instant `text` names, or nil when it is none of the three forms. `now` resolves RFC 850's two-digit
    /// years.
    public static func parse(_ text: String, now: Date) -> Date? {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        if words.count == 6, words[0].hasSuffix(","), shortDays.contains(words[0].dropLast().lowercased()),
            words[5] == "GMT", words[1].count == 2, words[3].count == 4
        {
            return date(
                day: number(words[1]), month: month(words[2]), year: number(words[3]), time: words[4])
        }
        if words.count == 4, words[0].hasSuffix(","), longDays.contains(words[0].dropLast().lowercased()),
            words[3] == "GMT"
        {
            let parts = words[1].split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 2, parts[2].count == 2, let yy = number(parts[2]) else {
                return nil
            }
            return date(day: number(parts[0]), month: month(parts[1]), year: fullYear(yy, now: now), time: words[2])
        }
        // asctime pads a one-digit day with a space, which the split above has swallowed.
        if words.count == 5, shortDays.contains(words[0].lowercased()), (1...2).contains(words[2].count),
            words[4].count == 4
        {
            return date(day: number(words[2]), month: month(words[1]), year: number(words[4]), time: words[3])
        }
        return nil
    }

    /// `date` as an IMF-fixdate.
    public static func format(_ date: Date) -> String {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = LogTime.civilDate(daysSinceEpoch: days)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        func pad(_ n: Int, _ width: Int = 2) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let monthName = months[month - 1].prefix(1).uppercased() + months[month - 1].dropFirst()
        return "\(weekday), \(pad(day)) \(monthName) \(pad(year, 4)) "
            + "\(pad(secondOfDay / 3600)):\(pad(secondOfDay / 60 % 60)):\(pad(secondOfDay % 60)) GMT"
    }

    private static func date(day: Int?, month: Int?, year: Int?, time: Substring) -> Date? {
        let clock = time.split(separator: ":", omittingEmptySubsequences: false)
        guard let day, let month, let year, clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
            let hour = number(clock[0]), let minute = number(clock[1]), let second = number(clock[2]),
            (1...RFC3339.daysIn(month, of: year)).contains(day), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        let days = RFC3339.daysSinceEpoch(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int(text)
    }

    private static func month(_ text: Substring) -> Int? {
        months.firstIndex(of: text.lowercased()).map { $0 + 1 }
    }

    /// RFC 9110: a two-digit year that would be more than 50 years in the future is in the past century.
    private static func fullYear(_ yy: Int, now: Date) -> Int {
        let (currentYear, _, _) = LogTime.civilDate(
            daysSinceEpoch: Int((now.timeIntervalSince1970 / 86_400).rounded(.down)))
        var year = currentYear - currentYear % 100 + yy
        if year > currentYear + 50 { year -= 100 }
        return year
    }
}
