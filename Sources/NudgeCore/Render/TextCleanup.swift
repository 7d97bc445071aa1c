import Foundation

/// Tidies rendered text for where it goes.
enum TextCleanup {
    /// A header-like value on one line: every run of whitespace and control characters (CR, LF, tabs …) becomes
    /// one space, and the ends are trimmed. A subject can therefore never carry a line break.
    static func singleLine(_ text: String) -> String {
        if isTidy(text) { return text }
        var result = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                pendingSpace = true
                continue
            }
            if pendingSpace, !result.isEmpty { result.unicodeScalars.append(" ") }
            pendingSpace = false
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// Text with single spaces between words, none at the ends and no other whitespace or control character:
    /// already on one line as it is (the common case). Unicode properties are looked up only for the few scalars
    /// that can have them: every White_Space and Cc scalar is below U+00A1, U+1680, or in U+2000…U+3000.
    private static func isTidy(_ text: String) -> Bool {
        var previousWasSpace = true
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 32 {
                if previousWasSpace { return false }
                previousWasSpace = true
                continue
            }
            if value < 32 || value == 127 { return false }
            if value >= 0x80, value <= 0xA0 || value == 0x1680 || (0x2000...0x3000).contains(value),
                scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
            {
                return false
            }
            previousWasSpace = false
        }
        return !previousWasSpace || text.isEmpty
    }

    /// A body of text: `\n` line endings, no trailing spaces, at most one blank line in a row, no blank lines at
    /// either end.
    static func block(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines: [Substring] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = line
            while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
            if line.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
