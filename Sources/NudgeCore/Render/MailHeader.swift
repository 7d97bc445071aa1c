import Foundation

/// The header fields of an email, written straight into the message's bytes and folded (RFC 5322 §2.2.3) so that
/// no line exceeds 78 characters, with non-ASCII text as RFC 2047 encoded-words. A single unbreakable token longer
/// than a line (a very long URL) is the only thing that can make a line longer.
///
/// Each field is `start(_:)`ed, filled with `append…` calls, and ended by the next `start(_:)` or by `end()`.
/// Tokens are copied into `bytes` as they come: an email is built once per delivery, and a string per token and
/// per line cost more than the folding itself.
struct MailHeader {
    static let lineLimit = 78
    /// RFC 2047 §2: an encoded-word is at most 75 characters.
    static let encodedWordLimit = 75
    private static let encodedWordOverhead = "=?UTF-8?B??=".utf8.count

    /// Every field written so far; an open field's last line has no line break yet.
    private(set) var bytes: [UInt8] = []
    /// Where the line being written starts in `bytes`.
    private var lineStart = 0
    /// Where the open field starts in `bytes`; nil when no field is open.
    private var fieldStart: Int?

    /// No field yet, with room for `capacity` bytes (the fields and whatever the caller writes after them).
    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// One field, open.
    init(_ name: String) {
        start(name)
    }

    /// Ends the open field, if any, and starts `name:`.
    mutating func start(_ name: String) {
        end()
        fieldStart = bytes.count
        lineStart = bytes.count
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Ends the open field with its line break.
    mutating func end() {
        guard fieldStart != nil else { return }
        bytes.append(13)
        bytes.append(10)
        fieldStart = nil
    }

    /// Every field, the open one ended: the bytes of the header, to which the caller appends the rest.
    consuming func finished() -> [UInt8] {
        end()
        return bytes
    }

    /// The open field's lines: the first starts with the name, the others (folded) with a space.
    var lines: [String] {
        guard let fieldStart else { return [] }
        return String(decoding: bytes[fieldStart...], as: UTF8.self).components(separatedBy: "\r\n")
    }

    /// Characters on the line being written.
    private var lineWidth: Int { bytes.count - lineStart }

    /// Appends `token` after a space, folding before it when it does not fit on the current line.
    mutating func append(_ token: String) {
        append(token.utf8)
    }

    mutating func append(_ token: some Collection<UInt8>) {
        startToken(length: token.count)
        bytes.append(contentsOf: token)
    }

    /// The space, or the fold, before a token of `length` characters that the caller then writes.
    private mutating func startToken(length: Int) {
        if lineWidth + 1 + length > Self.lineLimit {
            bytes.append(13)
            bytes.append(10)
            lineStart = bytes.count
        }
        bytes.append(UInt8(ascii: " "))
    }

    /// `<text>` as one token (an address or a URL, already cleaned).
    mutating func appendBracketed(_ text: String) {
        startToken(length: text.utf8.count + 2)
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: text.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    /// An unstructured value (`Subject`): as is, folded at its spaces, when it is printable ASCII and each word fits
    /// on a line of its own; otherwise as encoded-words. Line breaks and control characters become spaces first.
    mutating func appendUnstructured(_ value: String) {
        let value = Self.singleLine(value)
        if Self.isPlainASCII(value), !Self.containsEncodedWordStart(value), Self.longestWord(value) < Self.lineLimit {
            var word = value.utf8.startIndex
            for index in value.utf8.indices where value.utf8[index] == UInt8(ascii: " ") {
                append(value.utf8[word..<index])
                word = value.utf8.index(after: index)
            }
            append(value.utf8[word...])
            return
        }
        appendEncodedWords(value)
    }

    /// The length of the longest run of characters between spaces (and the ends).
    private static func longestWord(_ text: String) -> Int {
        var longest = 0
        var current = 0
        for byte in text.utf8 {
            current = byte == UInt8(ascii: " ") ? 0 : current + 1
            longest = max(longest, current)
        }
        return longest
    }

    /// A display name and address (`Lan <lan@example.vn>`); the name quoted when it is ASCII and short,
    /// encoded-words otherwise.
    mutating func appendMailbox(name: String?, address: String) {
        if let name = name.map(Self.singleLine), !name.isEmpty {
            if Self.isPlainASCII(name), case let length = Self.quotedLength(name), length <= 60 {
                appendQuoted(name, length: length)
            } else {
                appendEncodedWords(name)
            }
        }
        appendBracketed(Self.cleanAddress(address))
    }

    /// The length of an ASCII display name as a quoted string: its quotes, and a backslash before each backslash
    /// and double quote.
    private static func quotedLength(_ name: String) -> Int {
        name.utf8.reduce(2) { $0 + ($1 == UInt8(ascii: "\\") || $1 == UInt8(ascii: "\"") ? 2 : 1) }
    }

    /// An ASCII display name as a quoted string (`quotedLength` characters).
    private mutating func appendQuoted(_ name: String, length: Int) {
        startToken(length: length)
        bytes.append(UInt8(ascii: "\""))
        for byte in name.utf8 {
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `text` as UTF-8 B encoded-words, each filling the rest of its line, never splitting a character's bytes
    /// between two words (RFC 2047 §5). Readers join adjacent encoded-words without the space between them.
    mutating func appendEncodedWords(_ text: String) {
        guard Self.eachScalarIsACharacter(text) else { return appendEncodedWordsByCharacter(text) }
        // The words `appendEncodedWordsByCharacter` writes, without Unicode's grapheme rules: each scalar in turn.
        var words = EncodedWords(limit: nextWordLimit())
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                let lead = bytes[start]
                let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                words.add(bytes[start..<start + length], to: &self)
                start += length
            }
        }
        words.finish(to: &self, always: text.isEmpty)
    }

    /// The same, character by character (a character's bytes stay in one word when they fit in one).
    mutating func appendEncodedWordsByCharacter(_ text: String) {
        var words = EncodedWords(limit: nextWordLimit())
        for character in text {
            if character.utf8.count <= Self.unitCapacity {
                words.add(character.utf8, to: &self)
            } else {
                for scalar in character.unicodeScalars { words.add(String(scalar).utf8, to: &self) }
            }
        }
        words.finish(to: &self, always: text.isEmpty)
    }

    /// The encoded-word being filled: bytes are added a unit (a character) at a time, and the word is written when
    /// the next unit would not fit.
    private struct EncodedWords {
        var chunk: [UInt8] = []
        var limit: Int

        init(limit: Int) {
            self.limit = limit
            chunk.reserveCapacity(MailHeader.unitCapacity * 2)
        }

        mutating func add(_ unit: some Collection<UInt8>, to header: inout MailHeader) {
            if !chunk.isEmpty, MailHeader.encodedLength(chunk.count + unit.count) > limit {
                header.appendEncodedWord(chunk)
                chunk.removeAll(keepingCapacity: true)
                limit = header.nextWordLimit()
            }
            chunk.append(contentsOf: unit)
        }

        /// Writes the last word; `always` writes one even when empty (an empty value).
        func finish(to header: inout MailHeader, always: Bool) {
            if !chunk.isEmpty || always { header.appendEncodedWord(chunk) }
        }
    }

    /// Whether every scalar of `text` is a character of its own: printable Latin (U+0020–U+02FF, before the
    /// combining marks) and Latin Extended Additional (U+1E00–U+1EFF, Vietnamese's precomposed letters). No scalar
    /// there joins the one before or after it, so the scalars are the characters; anything else takes the
    /// character loop.
    private static func eachScalarIsACharacter(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { (0x20...0x2FF).contains($0.value) || (0x1E00...0x1EFF).contains($0.value) }
    }

    /// The longest encoded-word that fits on the current line, or a whole new line when little room is left.
    private func nextWordLimit() -> Int {
        let room = Self.lineLimit - lineWidth - 1
        return room >= Self.encodedWordOverhead + 8 ? min(Self.encodedWordLimit, room) : Self.encodedWordLimit
    }

    /// The bytes one encoded-word holds. A character's UTF-8 bytes stay together in one word; the rare character
    /// longer than this is split between its scalars.
    private static let unitCapacity = (encodedWordLimit - encodedWordOverhead) / 4 * 3

    private static func encodedLength(_ byteCount: Int) -> Int {
        encodedWordOverhead + (byteCount + 2) / 3 * 4
    }

    /// `=?UTF-8?B?…?=` holding `chunk`, as one token.
    private mutating func appendEncodedWord(_ chunk: [UInt8]) {
        startToken(length: Self.encodedLength(chunk.count))
        bytes.append(contentsOf: "=?UTF-8?B?".utf8)
        Self.base64(chunk, into: &bytes)
        bytes.append(contentsOf: "?=".utf8)
    }

    private static let base64Alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding (RFC 4648 §4).
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        base64(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same, appended to `out`.
    static func base64(_ bytes: [UInt8], into out: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            let first = UInt32(bytes[index])
            let second = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let third = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let group = first << 16 | second << 8 | third
            out.append(base64Alphabet[Int(group >> 18 & 63)])
            out.append(base64Alphabet[Int(group >> 12 & 63)])
            out.append(index + 1 < bytes.count ? base64Alphabet[Int(group >> 6 & 63)] : 61)
            out.append(index + 2 < bytes.count ? base64Alphabet[Int(group & 63)] : 61)
            index += 3
        }
    }

    /// Whether `=?` occurs (text that a reader could take for an encoded-word).
    private static func containsEncodedWordStart(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "="), byte == UInt8(ascii: "?") { return true }
            previous = byte
        }
        return false
    }

    /// Printable ASCII only (no control characters).
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { (32...126).contains($0) }
    }

    /// Header text on one line: CR, LF and other control characters become spaces, so nothing a customer
    /// or a template writes can start a header of its own.
    static func singleLine(_ text: String) -> String {
        TextCleanup.singleLine(text)
    }

    /// A URL for `<…>` (`List-Unsubscribe`): whitespace, control characters and angle brackets removed.
    static func cleanURL(_ url: String) -> String {
        // The usual URL is visible ASCII without brackets: kept as it is, without a look at each character's
        // Unicode properties.
        if url.utf8.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }) {
            return url
        }
        return String(
            String.UnicodeScalarView(
                url.unicodeScalars.filter {
                    !$0.properties.isWhitespace && $0.properties.generalCategory != .control && $0 != "<" && $0 != ">"
                }))
    }

    private static let addressUnsafe = Array("<>,;\"()[]\\".utf8)

    /// An address with everything that could break out of `<…>` or the header removed.
    static func cleanAddress(_ address: String) -> String {
        if address.utf8.allSatisfy({ (33...126).contains($0) && !addressUnsafe.contains($0) }) { return address }
        return String(
            String.UnicodeScalarView(
                address.unicodeScalars.filter {
                    !$0.properties.isWhitespace && $0.properties.generalCategory != .control
                        && !"<>,;\"()[]\\".unicodeScalars.contains($0)
                }))
    }
}
