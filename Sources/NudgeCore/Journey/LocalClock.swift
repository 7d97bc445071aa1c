import Foundation

/// Wall-clock arithmetic in one time zone, without `Calendar`.
///
/// A local time is counted as seconds since 1970-01-01T00:00 *on the local clock* ("wall seconds"), so local days and
/// times of day are plain division; only the zone's UTC offset at an instant is asked of `TimeZone`.
struct LocalClock {
    let zone: TimeZone

    private static let secondsPerDay: Int64 = 86_400

    /// The local day of `date`, counted from 1970-01-01 on the local clock.
    func day(of date: Date) -> Int64 {
        Int64((wallSeconds(of: date) / Double(Self.secondsPerDay)).rounded(.down))
    }

    /// The local time of day of `date`, to the minute (seconds are dropped).
    func timeOfDay(of date: Date) -> TimeOfDay {
        let secondsIntoDay = wallSeconds(of: date) - Double(day(of: date) * Self.secondsPerDay)
        let minutes = min(Int((secondsIntoDay / 60).rounded(.down)), 24 * 60 - 1)
        return TimeOfDay(hour: minutes / 60, minute: minutes % 60)
    }

    /// The instants at which the local clock reads `time` on local `day`, earliest first.
    ///
    /// Normally one; two when the clocks go back over that time (the first pass, then the second); and when the clocks
    /// jump over it (spring forward), the single instant the jump ends — the first instant after the gap.
    func instants(on day: Int64, at time: TimeOfDay) -> [Date] {
        let wall = day * Self.secondsPerDay + Int64(time.minutes) * 60
        var offsets: Set<Int64> = [
            offset(at: wall - Self.secondsPerDay), offset(at: wall), offset(at: wall + Self.secondsPerDay),
        ]
        for candidate in offsets { offsets.insert(offset(at: wall - candidate)) }

        let matches = Set(offsets.map { wall - $0 }.filter { wall - offset(at: $0) == $0 }).sorted()
        if !matches.isEmpty { return matches.map(Self.date) }
        guard let smallest = offsets.min(), let largest = offsets.max() else { return [] }
        return [Self.date(firstInstantAfterGap(from: wall - largest, to: wall - smallest))]
    }

    /// The first second in `(low, high]` whose offset is already the one at `high`: where the jump happens.
    private func firstInstantAfterGap(from low: Int64, to high: Int64) -> Int64 {
        let offsetAfter = offset(at: high)
        var low = low
        var high = high
        guard offset(at: low) != offsetAfter else { return high }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == offsetAfter { high = middle } else { low = middle }
        }
        return high
    }

    private func wallSeconds(of date: Date) -> Double {
        date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))
    }

    private func offset(at utcSeconds: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Self.date(utcSeconds)))
    }

    private static func date(_ utcSeconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(utcSeconds))
    }
}
