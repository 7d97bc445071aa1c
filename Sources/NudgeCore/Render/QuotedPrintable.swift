/// Quoted-printable (RFC 2045 §6.7) for MIME bodies: lines end in CRLF and are at most 76 characters, with soft
/// line breaks (`=` at the end) where a long line is split; `=`, non-ASCII bytes, control characters and
/// whitespace at the end of a line are encoded.
enum QuotedPrintable {
    static let maximumLineLength = 76

    static func encode(_ text: String) -> String {
        let normalized = Array(text.utf8)
        var lines: [[UInt8]] = [[]]
        var index = 0
        while index < normalized.count {
            let byte = normalized[index]
            if byte == 13 || byte == 10 {
                lines.append([])
                if byte == 13, index + 1 < normalized.count, normalized[index + 1] == 10 { index += 1 }
            } else {
                lines[lines.count - 1].append(byte)
            }
            index += 1
        }
        return lines.map(encodeLine).joined(separator: "\r\n")
    }

    /// One line of text as one or more encoded lines joined by soft breaks.
    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var physicalLines: [String] = []
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal = (33...126).contains(byte) && byte != 61 || (byte == 32 || byte == 9) && !isLast
            let token = literal ? String(UnicodeScalar(byte)) : encoded(byte)
            // The last token of the line may use the full width; others leave room for the soft break's `=`.
            let room = isLast ? maximumLineLength : maximumLineLength - 1
            if current.utf8.count + token.utf8.count > room {
                physicalLines.append(current + "=")
                current = ""
            }
            current += token
        }
        physicalLines.append(current)
        return physicalLines.joined(separator: "\r\n")
    }

    private static func encoded(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
