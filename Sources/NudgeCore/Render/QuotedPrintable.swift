/// Quoted-printable (RFC 2045 §6.7) for MIME bodies: lines end in CRLF and are at most 76 characters, with soft
/// line breaks (`=` at the end) where a long line is split; `=`, non-ASCII bytes, control characters and
/// whitespace at the end of a line are encoded. CR, LF and CRLF in the text all end a line.
///
/// Works on bytes straight into the result's storage, each byte's encoding read from a table: every email body
/// goes through here once per delivery, and Vietnamese text mixes plain and encoded bytes too closely for a
/// branch on each to guess right.
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// Bytes written as themselves: printable ASCII but `=`. Space and tab too, unless they end a line.
    private static func isPlain(_ byte: UInt8) -> Bool {
        (33...126).contains(byte) && byte != 61 || byte == 32 || byte == 9
    }

    /// How each byte value is written inside a line: its characters in the three low bytes (the byte itself, or
    /// `=` and two uppercase hex digits), their count in the high byte.
    private static let encodings: [UInt32] = (0...255).map { value in
        let byte = UInt8(value)
        return isPlain(byte) ? 1 << 24 | UInt32(byte) : escaped(byte)
    }

    /// The table entry of `=XY`.
    private static func escaped(_ byte: UInt8) -> UInt32 {
        func digit(_ value: UInt8) -> UInt32 { UInt32(value < 10 ? 48 + value : 55 + value) }
        return 3 << 24 | digit(byte & 15) << 16 | digit(byte >> 4) << 8 | 61
    }

    static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        encode(text, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The same, appended to `output` (an email's bytes).
    static func encode(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            // Every byte takes at most 3 characters, each line break 2 and each soft break 3 per 73 characters.
            let capacity = bytes.count * 3 + (bytes.count * 3 / 73 + 1) * 3 + 2
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: capacity))
            let written = output.withUnsafeMutableBufferPointer { whole in
                encodings.withUnsafeBufferPointer { table in
                    encode(bytes, table: table, into: UnsafeMutableBufferPointer(rebasing: whole[start...]))
                }
            }
            output.removeLast(capacity - written)
        }
    }

    /// Encodes `bytes` into `output`, which has room for the worst case; returns how many bytes it wrote.
    private static func encode(
        _ bytes: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt32>,
        into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        var written = 0
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 || byte == 10 {
                encodeLine(bytes, from: lineStart, to: index, table: table, into: output, at: &written)
                output[written] = 13
                output[written + 1] = 10
                written += 2
                if byte == 13, index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
                lineStart = index + 1
            }
            index += 1
        }
        encodeLine(bytes, from: lineStart, to: bytes.count, table: table, into: output, at: &written)
        return written
    }

    /// One line of text (`bytes[start..<end]`) as one or more encoded lines joined by soft breaks. The three
    /// characters of a byte's table entry are stored whatever its count, which then moves `written` on.
    private static func encodeLine(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, table: UnsafeBufferPointer<UInt32>,
        into output: UnsafeMutableBufferPointer<UInt8>, at written: inout Int
    ) {
        guard start < end else { return }
        var width = 0
        func put(_ entry: UInt32, room: Int) {
            let length = Int(entry >> 24)
            if width + length > room {
                output[written] = 61
                output[written + 1] = 13
                output[written + 2] = 10
                written += 3
                width = 0
            }
            output[written] = UInt8(truncatingIfNeeded: entry)
            output[written + 1] = UInt8(truncatingIfNeeded: entry >> 8)
            output[written + 2] = UInt8(truncatingIfNeeded: entry >> 16)
            written += length
            width += length
        }
        // Every token but the line's last leaves room for a soft break's `=`.
        for index in start..<(end - 1) { put(table[Int(bytes[index])], room: maximumLineLength - 1) }
        // The last may use the full width, and is encoded when it is a space or a tab.
        let last = bytes[end - 1]
        put(last == 32 || last == 9 ? escaped(last) : table[Int(last)], room: maximumLineLength)
    }
}
