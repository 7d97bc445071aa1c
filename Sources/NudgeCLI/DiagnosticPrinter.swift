import Foundation
import NudgeCore

/// Prints diagnostics compiler style (`file:line:col: error: message`), in colour on a terminal,
/// or as one JSON document.
struct DiagnosticPrinter {
    var colour: Bool

    func text(_ diagnostic: Diagnostic) -> String {
        guard colour else { return diagnostic.description }
        let tint = diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m"
        return "\u{1B}[1m\(diagnostic.locationText):\u{1B}[0m \(tint)\(diagnostic.severity.rawValue):\u{1B}[0m \(diagnostic.message)"
    }

    static func json(_ diagnostics: [Diagnostic], summary: [String: Int]) -> String {
        let items: [[String: Any]] = diagnostics.map {
            [
                "file": $0.location.file, "line": $0.location.line, "column": $0.location.column,
                "severity": $0.severity.rawValue, "message": $0.message,
            ]
        }
        let document: [String: Any] = ["diagnostics": items, "summary": summary]
        let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
        return data.flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// "2 errors, 1 warning", "no problems".
    static func counts(errors: Int, warnings: Int) -> String {
        var parts: [String] = []
        if errors > 0 { parts.append(plural(errors, "error")) }
        if warnings > 0 { parts.append(plural(warnings, "warning")) }
        return parts.isEmpty ? "no problems" : parts.joined(separator: ", ")
    }

    static func plural(_ n: Int, _ word: String) -> String { n == 1 ? "1 \(word)" : "\(n) \(word)s" }
}
