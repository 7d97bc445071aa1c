import Foundation

/// A sending rate such as `100/s`, `600/m` or `5000/h`.
public struct Rate: Sendable, Hashable, CustomStringConvertible {
    public var count: Int
    public var per: TimeInterval

    public init(count: Int, per: TimeInterval) {
        self.count = count
        self.per = per
    }

    public var perSecond: Double { Double(count) / per }

    /// Parses `N/s`, `N/m`, `N/h` (also `N/min`, `N/sec`, `N/hour`).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let count = Int(parts[0]), count > 0 else { return nil }
        switch parts[1] {
        case "s", "sec", "second": per = 1
        case "m", "min", "minute": per = 60
        case "h", "hour": per = 3600
        default: return nil
        }
        self.count = count
    }

    public var description: String {
        "\(count)/" + (per == 1 ? "s" : per == 60 ? "m" : "h")
    }
}
