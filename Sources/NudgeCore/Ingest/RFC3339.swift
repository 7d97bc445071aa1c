import Foundation

/// Internet timestamps (RFC 3339): `2025-03-01T10:15:30+07:00`, `2025-03-01T03:15:30.250Z`.
///
/// The offset is required (`Z` or `±hh:mm`) so that no instant depends on the server's zone; `T`/`Z` may be
/// lower case; fractional seconds may have any number of digits. A leap second (`:60`) reads as the next second.
public enum RFC3339 {
    /// The instant `text` names, or nil when it is not an RFC 3339 date-time with an offset.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// What a field holding a timestamp tells the sender when `parse` fails.
    static let expectation = "must be an RFC 3339 time with an offset, like 2025-03-01T10:15:30+07:00"

    static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var number = 0
            for index in start..<start + count {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                number = number * 10 + digit
            }
            return number
        }
        func byte(_ index: Int, in allowed: String.UTF8View) -> Bool {
            index < bytes.count && allowed.contains(bytes[index])
        }
        guard let year = digits(0, 4), byte(4, in: "-".utf8), let month = digits(5, 2), byte(7, in: "-".utf8),
            let day = digits(8, 2), byte(10, in: "Tt".utf8), let hour = digits(11, 2), byte(13, in: ":".utf8),
            let minute = digits(14, 2), byte(16, in: ":".utf8), let second = digits(17, 2)
        else { return nil }

        var position = 19
        var fraction = 0.0
        if byte(position, in: ".".utf8) {
            position += 1
            let first = position
            var numerator = 0
            var denominator = 1
            while position < bytes.count, let digit = digits(position, 1) {
                if denominator < 1_000_000_000 {  // nanoseconds are plenty; further digits are read and dropped
                    numerator = numerator * 10 + digit
                    denominator *= 10
                }
                position += 1
            }
            guard position > first else { return nil }
            fraction = Double(numerator) / Double(denominator)
        }

        var offsetSeconds = 0
        if byte(position, in: "Zz".utf8) {
            position += 1
        } else if byte(position, in: "+-".utf8) {
            guard let offsetHours = digits(position + 1, 2), byte(position + 3, in: ":".utf8),
                let offsetMinutes = digits(position + 4, 2), offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[position] == UInt8(ascii: "-") ? -1 : 1)
            position += 6
        } else {
            return nil
        }
        guard position == bytes.count, (1...12).contains(month), (1...daysIn(month, of: year)).contains(day),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }

        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSinceReferenceDate: Double(seconds - 978_307_200) + fraction)
    }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
