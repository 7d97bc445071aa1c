/// Quoted-printable (RFC 2045 §6.7) for MIME bodies: lines end in CRLF and are at most 76 characters, with soft
/// line breaks (`=` at the end) where a long line is split; `=`, non-ASCII bytes, control characters and
/// whitespace at the end of a line are encoded. CR, LF and CRLF in the text all end a line.
///
/// Works on bytes straight into the result's storage: every email body goes through here once per delivery.
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// Bytes written as themselves: printable ASCII but `=`. Space and tab too, unless they end a line.
    @inline(__always)
    private static func isPlain(_ byte: UInt8) -> Bool {
        (33...126).contains(byte) && byte != 61 || byte == 32 || byte == 9
    }

    /// The uppercase hex digit of a value below 16.
    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 48 + value : 55 + value
    }

    static func encode(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            // Every byte takes at most 3 characters, each line break 2 and each soft break 3 per 73 characters.
            let capacity = bytes.count * 3 + (bytes.count * 3 / 73 + 1) * 3 + 2
            return String(unsafeUninitializedCapacity: capacity) { output in
                var written = 0
                var lineStart = 0
                var index = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == 13 || byte == 10 {
                        encodeLine(bytes, from: lineStart, to: index, into: output, at: &written)
                        output[written] = 13
                        output[written + 1] = 10
                        written += 2
                        if byte == 13, index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
                        lineStart = index + 1
                    }
                    index += 1
                }
                encodeLine(bytes, from: lineStart, to: bytes.count, into: output, at: &written)
                return written
            }
        }
    }

    /// One line of text (`bytes[start..<end]`) as one or more encoded lines joined by soft breaks.
    private static func encodeLine(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
        into output: UnsafeMutableBufferPointer<UInt8>, at written: inout Int
    ) {
        var width = 0
        var index = start
        while index < end {
            let byte = bytes[index]
            let isLast = index == end - 1
            let literal = isPlain(byte) && !(isLast && (byte == 32 || byte == 9))
            let length = literal ? 1 : 3
            // The last token of the line may use the full width; others leave room for the soft break's `=`.
            let room = isLast ? maximumLineLength : maximumLineLength - 1
            if width + length > room {
                output[written] = 61
                output[written + 1] = 13
                output[written + 2] = 10
                written += 3
                width = 0
            }
            if literal {
                output[written] = byte
                written += 1
            } else {
                output[written] = 61
                output[written + 1] = hexDigit(byte >> 4)
                output[written + 2] = hexDigit(byte & 0x0f)
                written += 3
            }
            width += length
            index += 1
        }
    }
}
