import Foundation

/// A moment given on the command line or in a query (`--from`, `--since`, `?since=`): a date, meaning midnight on
/// the clocks of the configured zone, or an RFC 3339 time.
public enum DateArgument {
    public static func parse(_ text: String, zone: TimeZone) -> Date? {
        if let instant = RFC3339.parse(text) { return instant }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2], text.count == 10 else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }

    /// What `parse` accepts, for error messages.
    public static let expected = "YYYY-MM-DD or an RFC 3339 time"
}
