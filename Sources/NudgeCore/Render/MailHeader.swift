import Foundation

/// One header field of an email, folded (RFC 5322 §2.2.3) so that no line exceeds 78 characters, with
/// non-ASCII text as RFC 2047 encoded-words. A single unbreakable token longer than a line (a very long URL)
/// is the only thing that can make a line longer.
struct MailHeader {
    static let lineLimit = 78
    /// RFC 2047 §2: an encoded-word is at most 75 characters.
    static let encodedWordLimit = 75
    private static let encodedWordOverhead = "=?UTF-8?B??=".utf8.count

    /// The field's lines: the first starts with the name, the others (folded) with a space.
    private(set) var lines: [String]

    init(_ name: String) {
        lines = [name + ":"]
    }

    /// Appends `token` after a space, folding before it when it does not fit on the current line.
    mutating func append(_ token: String) {
        let current = lines[lines.count - 1]
        if current.utf8.count + 1 + token.utf8.count <= Self.lineLimit {
            lines[lines.count - 1] += " " + token
        } else {
            lines.append(" " + token)
        }
    }

    /// An unstructured value (`Subject`): as is, folded at its spaces, when it is printable ASCII that folds
    /// within the limit; otherwise as encoded-words. Line breaks and control characters become spaces first.
    mutating func appendUnstructured(_ value: String) {
        let value = Self.singleLine(value)
        if Self.isPlainASCII(value), !Self.containsEncodedWordStart(value) {
            var folded = self
            for word in value.split(separator: " ", omittingEmptySubsequences: false) { folded.append(String(word)) }
            if folded.lines.allSatisfy({ $0.utf8.count <= Self.lineLimit }) {
                self = folded
                return
            }
        }
        appendEncodedWords(value)
    }

    /// A display name and address (`Lan <lan@example.vn>`); the name quoted when it is ASCII and short,
    /// encoded-words otherwise.
    mutating func appendMailbox(name: String?, address: String) {
        let address = "<" + Self.cleanAddress(address) + ">"
        if let name = name.map(Self.singleLine), !name.isEmpty {
            if Self.isPlainASCII(name), case let quoted = Self.quoted(name), quoted.utf8.count <= 60 {
                append(quoted)
            } else {
                appendEncodedWords(name)
            }
        }
        append(address)
    }

    /// An ASCII display name as a quoted string, with its backslashes and double quotes escaped.
    private static func quoted(_ name: String) -> String {
        var escaped = "\""
        for character in name {
            if character == "\\" || character == "\"" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "\""
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
                header.append(MailHeader.encodedWord(chunk))
                chunk.removeAll(keepingCapacity: true)
                limit = header.nextWordLimit()
            }
            chunk.append(contentsOf: unit)
        }

        /// Writes the last word; `always` writes one even when empty (an empty value).
        func finish(to header: inout MailHeader, always: Bool) {
            if !chunk.isEmpty || always { header.append(MailHeader.encodedWord(chunk)) }
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
        let room = Self.lineLimit - lines[lines.count - 1].utf8.count - 1
        return room >= Self.encodedWordOverhead + 8 ? min(Self.encodedWordLimit, room) : Self.encodedWordLimit
    }

    /// The bytes one encoded-word holds. A character's UTF-8 bytes stay together in one word; the rare character
    /// longer than this is split between its scalars.
    private static let unitCapacity = (encodedWordLimit - encodedWordOverhead) / 4 * 3

    private static func encodedLength(_ byteCount: Int) -> Int {
        encodedWordOverhead + (byteCount + 2) / 3 * 4
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + base64(bytes) + "?="
    }

    private static let base64Alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding (RFC 4648 §4).
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
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
        return String(decoding: out, as: UTF8.self)
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

    /// An address with everything that could break out of `<…>` or the header removed.
    static func cleanAddress(_ address: String) -> String {
        let unsafe = Array("<>,;\"()[]\\".utf8)
        if address.utf8.allSatisfy({ (33...126).contains($0) && !unsafe.contains($0) }) { return address }
        return String(
            String.UnicodeScalarView(
                address.unicodeScalars.filter {
                    !$0.properties.isWhitespace && $0.properties.generalCategory != .control
                        && !"<>,;\"()[]\\".unicodeScalars.contains($0)
                }))
    }
}
