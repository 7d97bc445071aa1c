/// JSON text written straight into a byte buffer, for bodies built once per message (the `http` transport's
/// standard body): no intermediate `String`, no per-character appends. The output is the same as
/// `StoredJSON.writeString`'s: non-ASCII text as UTF-8, quotes, backslashes and control characters escaped.
enum JSONBytes {
    /// Appends `text` as a JSON string literal, quotes included. Runs of bytes that need no escape are copied
    /// whole; UTF-8 bytes of non-ASCII characters (0x80 and above) never need one.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(of: byte, to: &out)
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Appends `text` as a JSON string, or `null` when it is nil.
    static func appendString(orNull text: String?, to out: inout [UInt8]) {
        if let text { appendString(text, to: &out) } else { appendLiteral("null", to: &out) }
    }

    /// Appends ASCII text as it is (punctuation, `null`, field names known to need no escape).
    static func appendLiteral(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func appendEscape(of byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
        default:
            appendLiteral("u00", to: &out)
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0xF))
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
