import Foundation

/// Timestamps of the dispatch log: RFC 3339 in UTC with milliseconds (`2026-11-22T03:00:00.250Z`),
/// which sort as text in time order.
public enum LogTime {
    /// To the nearest millisecond: a time read back from storage as a `Double` (`…15.1729999`) prints as it was
    /// written (`…15.173`).
    public static func format(_ date: Date) -> String {
        let millisecondsTotal = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let milliseconds = Int(((millisecondsTotal % 1000) + 1000) % 1000)
        let seconds = (millisecondsTotal - Int64(milliseconds)) / 1000
        let days = Int(floorDivide(seconds, 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        if (0...9999).contains(year) {
            // Every field has a fixed width: the 24 bytes are written in place (each dispatch formats one or two).
            return String(unsafeUninitializedCapacity: 24) { buffer in
                var end = 0
                func put(_ value: Int, width: Int, then separator: Unicode.Scalar) {
                    var rest = value
                    for position in (end..<end + width).reversed() {
                        buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                        rest /= 10
                    }
                    buffer[end + width] = UInt8(ascii: separator)
                    end += width + 1
                }
                put(year, width: 4, then: "-")
                put(month, width: 2, then: "-")
                put(day, width: 2, then: "T")
                put(secondOfDay / 3600, width: 2, then: ":")
                put(secondOfDay / 60 % 60, width: 2, then: ":")
                put(secondOfDay % 60, width: 2, then: ".")
                put(milliseconds, width: 3, then: "Z")
                return end
            }
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "." + pad(milliseconds, 3) + "Z"
    }

    /// Parses what `format` writes (and any RFC 3339 time with an offset).
    public static func parse(_ text: String) -> Date? {
        RFC3339.parse(text)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civilDate(daysSinceEpoch: Int) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
