/// The recursive-descent reader behind `JSONText`, over bytes that stay valid while it runs.
struct JSONScanner {
    struct Failure: Error {
        var message: String
        var offset: Int
        var isTrailingContent = false
    }

    static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// One value and nothing after it but whitespace.
    mutating func document() throws(Failure) -> Value {
        let value = try self.value()
        skipWhitespace()
        guard position == bytes.count else {
            throw Failure(
                message: "unexpected \(found) after the end of the JSON value", offset: position,
                isTrailingContent: true)
        }
        return value
    }

    // MARK: - Values

    private mutating func value() throws(Failure) -> Value {
        skipWhitespace()
        switch peek {
        case Byte.openBrace: return try object()
        case Byte.openBracket: return try array()
        case Byte.quote: return .string(try string())
        case Byte.t: return try literal("true", .bool(true))
        case Byte.f: return try literal("false", .bool(false))
        case Byte.n: return try literal("null", .null)
        case Byte.minus, Byte.zero...Byte.nine: return .number(try number())
        default: throw unexpected("expected a value")
        }
    }

    private mutating func object() throws(Failure) -> Value {
        try enter()
        defer { depth -= 1 }
        position += 1
        var fields: [String: Value] = [:]
        skipWhitespace()
        if peek == Byte.closeBrace {
            position += 1
            return .map(fields)
        }
        while true {
            skipWhitespace()
            guard peek == Byte.quote else { throw unexpected("expected a string key in an object") }
            let key = try string()
            skipWhitespace()
            guard peek == Byte.colon else { throw unexpected("expected ':' after an object key") }
            position += 1
            fields[key] = try value()
            skipWhitespace()
            switch peek {
            case Byte.comma: position += 1
            case Byte.closeBrace:
                position += 1
                return .map(fields)
            default: throw unexpected("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array() throws(Failure) -> Value {
        try enter()
        defer { depth -= 1 }
        position += 1
        var items: [Value] = []
        skipWhitespace()
        if peek == Byte.closeBracket {
            position += 1
            return .list(items)
        }
        while true {
            items.append(try value())
            skipWhitespace()
            switch peek {
            case Byte.comma: position += 1
            case Byte.closeBracket:
                position += 1
                return .list(items)
            default: throw unexpected("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func literal(_ word: StaticString, _ result: Value) throws(Failure) -> Value {
        let start = position
        let matches = word.withUTF8Buffer { expected in
            guard bytes.count - start >= expected.count else { return false }
            for offset in 0..<expected.count where bytes[start + offset] != expected[offset] { return false }
            return true
        }
        guard matches else { throw unexpected("expected a value") }
        position += word.utf8CodeUnitCount
        return result
    }

    // MARK: - Numbers

    private mutating func number() throws(Failure) -> Double {
        let start = position
        let negative = peek == Byte.minus
        if negative { position += 1 }
        var whole: Int64 = 0
        var digits = 0
        if peek == Byte.zero {
            position += 1
            digits = 1
            if isDigit(peek) { throw Failure(message: "numbers must not have leading zeros", offset: start) }
        } else if isDigit(peek) {
            while isDigit(peek) {
                if digits < 18 { whole = whole &* 10 &+ Int64(peek &- Byte.zero) }
                digits += 1
                position += 1
            }
        } else {
            throw unexpected("expected a digit")
        }
        var isWhole = true
        if peek == Byte.dot {
            position += 1
            guard isDigit(peek) else { throw unexpected("expected a digit after '.'") }
            while isDigit(peek) { position += 1 }
            isWhole = false
        }
        if peek == Byte.e || peek == Byte.capitalE {
            position += 1
            if peek == Byte.plus || peek == Byte.minus { position += 1 }
            guard isDigit(peek) else { throw unexpected("expected a digit in the exponent") }
            while isDigit(peek) { position += 1 }
            isWhole = false
        }
        // Up to 15 digits is exact in a Double; anything else goes through the standard library's parser.
        if isWhole && digits <= 15 { return negative ? -Double(whole) : Double(whole) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw Failure(message: "number \(text) is out of range", offset: start)
        }
        return number
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= Byte.zero && byte <= Byte.nine }

    // MARK: - Strings

    private mutating func string() throws(Failure) -> String {
        let opening = position
        position += 1
        let start = position
        var bits: UInt8 = 0
        while position < bytes.count {
            let byte = bytes[position]
            if byte == Byte.quote {
                let text = try text(
                    UnsafeBufferPointer(rebasing: bytes[start..<position]), at: start, ascii: bits < 0x80)
                position += 1
                return text
            }
            if byte == Byte.backslash { return try escapedString(from: start, opening: opening, bits: bits) }
            if byte < 0x20 { throw controlCharacter() }
            bits |= byte
            position += 1
        }
        throw Failure(message: "unterminated string", offset: opening)
    }

    /// The slow path, once a string turns out to contain escapes: copy into a buffer while decoding them, the
    /// runs between escapes at once. `bits` has every byte before `position` or-ed in.
    private mutating func escapedString(from start: Int, opening: Int, bits: UInt8) throws(Failure) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(position - start + 64)
        var bits = bits
        var run = start
        while position < bytes.count {
            let byte = bytes[position]
            if byte != Byte.quote, byte != Byte.backslash, byte >= 0x20 {
                bits |= byte
                position += 1
                continue
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<position]))
            switch byte {
            case Byte.quote:
                position += 1
                // ASCII text with escapes is valid UTF-8: a `\u` escape is encoded as such.
                return try buffer.withUnsafeBufferPointer { bytes throws(Failure) in
                    try text(bytes, at: start, ascii: bits < 0x80)
                }
            case Byte.backslash:
                try escape(into: &buffer)
                run = position
            default:
                throw controlCharacter()
            }
        }
        throw Failure(message: "unterminated string", offset: opening)
    }

    private mutating func escape(into buffer: inout [UInt8]) throws(Failure) {
        let start = position
        position += 1
        guard position < bytes.count else { throw Failure(message: "unterminated string", offset: start) }
        let letter = bytes[position]
        position += 1
        switch letter {
        case Byte.quote, Byte.backslash, Byte.slash: buffer.append(letter)
        case Byte.b: buffer.append(0x08)
        case Byte.f: buffer.append(0x0C)
        case Byte.n: buffer.append(0x0A)
        case Byte.r: buffer.append(0x0D)
        case Byte.t: buffer.append(0x09)
        case Byte.u: UTF8.encode(try unicodeEscape(at: start)) { buffer.append($0) }
        default: throw Failure(message: "invalid escape in a string", offset: start)
        }
    }

    /// The scalar of `\uXXXX` (just past `\u`), joining a UTF-16 surrogate pair written as two escapes.
    private mutating func unicodeEscape(at start: Int) throws(Failure) -> Unicode.Scalar {
        let unit = try hexQuad(at: start)
        var scalarValue = UInt32(unit)
        if (0xD800...0xDBFF).contains(unit) {
            guard bytes.count - position >= 2, bytes[position] == Byte.backslash, bytes[position + 1] == Byte.u
            else { throw Failure(message: "unpaired UTF-16 surrogate in a \\u escape", offset: start) }
            position += 2
            let low = try hexQuad(at: start)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw Failure(message: "unpaired UTF-16 surrogate in a \\u escape", offset: start)
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else {
            throw Failure(message: "unpaired UTF-16 surrogate in a \\u escape", offset: start)
        }
        return scalar
    }

    private mutating func hexQuad(at start: Int) throws(Failure) -> UInt16 {
        guard bytes.count - position >= 4 else { throw Failure(message: "invalid \\u escape", offset: start) }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case Byte.zero...Byte.nine: digit = byte - Byte.zero
            case 0x61...0x66: digit = byte - 0x61 + 10
            case 0x41...0x46: digit = byte - 0x41 + 10
            default: throw Failure(message: "invalid \\u escape", offset: start)
            }
            unit = unit << 4 | UInt16(digit)
            position += 1
        }
        return unit
    }

    /// The string `utf8` spells, refusing invalid UTF-8. Text known to be ASCII needs no validation;
    /// `String(validating:)` checks the rest in the same pass that copies it.
    private func text(_ utf8: UnsafeBufferPointer<UInt8>, at start: Int, ascii: Bool) throws(Failure) -> String {
        if ascii { return String(decoding: utf8, as: UTF8.self) }
        guard let text = String(validating: utf8, as: UTF8.self) else { throw invalidUTF8(at: start) }
        return text
    }

    private func invalidUTF8(at start: Int) -> Failure {
        Failure(message: "a string is not valid UTF-8", offset: start)
    }

    private func controlCharacter() -> Failure {
        Failure(message: "control character in a string; write it as an escape such as \\n", offset: position)
    }

    // MARK: - Reading

    /// The byte at the current position, or 0 at the end (0 is never valid where `peek` is tested).
    private var peek: UInt8 { position < bytes.count ? bytes[position] : 0 }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw Failure(message: "nested more than \(Self.maximumDepth) levels deep", offset: position)
        }
    }

    private var found: String {
        guard position < bytes.count else { return "end of input" }
        let byte = bytes[position]
        switch byte {
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        case 0x80...: return "a non-ASCII character"
        default: return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }
    }

    private func unexpected(_ expectation: String) -> Failure {
        Failure(message: "\(expectation), found \(found)", offset: position)
    }
}

/// The ASCII bytes JSON is made of.
private enum Byte {
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), slash = UInt8(ascii: "/")
    static let colon = UInt8(ascii: ":"), comma = UInt8(ascii: ",")
    static let minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+"), dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
    static let e = UInt8(ascii: "e"), capitalE = UInt8(ascii: "E")
    static let t = UInt8(ascii: "t"), f = UInt8(ascii: "f"), n = UInt8(ascii: "n"), u = UInt8(ascii: "u")
    static let b = UInt8(ascii: "b"), r = UInt8(ascii: "r")
}
