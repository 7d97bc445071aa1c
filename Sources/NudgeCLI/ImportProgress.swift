import Foundation

/// The progress bar of `nudge import` (on standard error, only when it is a terminal) and the closing summary.
final class ImportProgress {
    let totalBytes: Int
    let started: Date
    let onTerminal: Bool
    private let output: CommandOutput
    private var lastDrawn = Date.distantPast
    private var drawn = false

    init(totalBytes: Int, output: CommandOutput, onTerminal: Bool, started: Date = Date()) {
        self.totalBytes = totalBytes
        self.output = output
        self.onTerminal = onTerminal
        self.started = started
    }

    /// Whether standard error is a terminal that wants a progress bar.
    static var standardErrorIsTerminal: Bool {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Redraws the bar, at most ten times a second.
    func update(_ tally: ImportTally, bytesRead: Int, verb: String = "importing") {
        guard onTerminal else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.1 || bytesRead >= totalBytes else { return }
        lastDrawn = now
        drawn = true
        output.writeError("\r\u{1B}[K" + Self.line(tally, bytesRead: bytesRead, totalBytes: totalBytes,
            elapsed: now.timeIntervalSince(started), verb: verb))
    }

    /// Clears the bar before other text is written below it.
    func clear() {
        guard drawn else { return }
        output.writeError("\r\u{1B}[K")
        drawn = false
    }

    /// `importing [########--------]  52%  51,200 records  12,034/s  ETA 4s`
    static func line(_ tally: ImportTally, bytesRead: Int, totalBytes: Int, elapsed: TimeInterval, verb: String)
        -> String
    {
        let fraction = totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : 1
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = elapsed > 0 ? Double(tally.read) / elapsed : 0
        var text = "\(verb) [\(bar)] \(String(format: "%3d", Int(fraction * 100)))%  \(tally.read) records"
        text += "  \(Int(rate))/s"
        if fraction > 0, fraction < 1, elapsed > 0.5 {
            text += "  ETA " + duration(elapsed / fraction - elapsed)
        }
        return text
    }

    /// `read 100000, stored 99990, duplicates 0, skipped 10 in 8.4s (11904/s)`
    static func summary(_ tally: ImportTally, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? Int((Double(tally.read) / elapsed).rounded()) : tally.read
        return "read \(tally.read), stored \(tally.stored), duplicates \(tally.duplicates), skipped \(tally.skipped)"
            + " in \(String(format: "%.1f", elapsed))s (\(rate)/s)"
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3600)h\(String(format: "%02d", whole / 60 % 60))m"
    }
}
