import Foundation

/// Durations as people write them: `30s`, `15m`, `48h`, `21d`, `3w`, and sums such as `1h30m`.
public enum DurationText {
    static let unitSeconds: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]

    /// Seconds in `text`, or nil when it is not a duration.
    public static func parse(_ text: String) -> TimeInterval? {
        let scalars = Array(text.trimmingCharacters(in: .whitespaces))
        guard !scalars.isEmpty else { return nil }
        var total: TimeInterval = 0
        var index = 0
        while index < scalars.count {
            var digits = ""
            while index < scalars.count, scalars[index].isASCII, scalars[index].isNumber || scalars[index] == "." {
                digits.append(scalars[index])
                index += 1
            }
            guard !digits.isEmpty, let amount = Double(digits), index < scalars.count,
                let unit = unitSeconds[scalars[index]]
            else { return nil }
            total += amount * unit
            index += 1
        }
        return total
    }

    /// The shortest exact spelling: `3w`, `36h`, `90s`, `1h30m`; plain seconds when not whole or too large
    /// to split (`1.5s`, `1e+20s`).
    public static func format(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite else { return "\(seconds)s" }
        if seconds < 0 { return "-" + format(-seconds) }
        if seconds == 0 { return "0s" }
        guard seconds == seconds.rounded(), seconds < 1e15 else { return NumberText.format(seconds) + "s" }
        var rest = Int64(seconds)
        var parts = ""
        for (unit, size) in [("w", Int64(604_800)), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            if rest % size == 0 || unit != "w" {
                parts += "\(rest / size)\(unit)"
                rest %= size
            }
        }
        return parts
    }
}
