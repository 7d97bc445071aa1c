/// Decodes HTML character references: the named ones an email is likely to use, and all numeric ones.
enum HTMLEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "copy": "©", "reg": "®",
        "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“",
        "rdquo": "”", "laquo": "«", "raquo": "»", "euro": "€", "pound": "£", "yen": "¥", "middot": "·",
        "bull": "•", "times": "×", "deg": "°", "shy": "",
    ]

    /// The character reference at `position` (an `&`), moving past it; a lone `&` is itself.
    static func decode(_ input: [Unicode.Scalar], at position: inout Int) -> String {
        var end = position + 1
        while end < input.count, end - position <= 32, input[end] != ";", input[end] != "&",
            !input[end].properties.isWhitespace
        {
            end += 1
        }
        guard end < input.count, input[end] == ";", end > position + 1 else {
            position += 1
            return "&"
        }
        let name = String(String.UnicodeScalarView(input[(position + 1)..<end]))
        guard let decoded = decode(name: name) else {
            position += 1
            return "&"
        }
        position = end + 1
        return decoded
    }

    /// Every character reference in `input` decoded.
    static func decodeAll(_ input: [Unicode.Scalar]) -> String {
        var result = ""
        var position = 0
        while position < input.count {
            if input[position] == "&" {
                result += decode(input, at: &position)
            } else {
                result.unicodeScalars.append(input[position])
                position += 1
            }
        }
        return result
    }

    /// `amp` → `&`, `#233` → `é`, `#xE9` → `é`; nil when unknown.
    private static func decode(name: String) -> String? {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let code =
                digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let code, code != 0, let scalar = Unicode.Scalar(code) else { return nil }
            return String(scalar)
        }
        return named[name] ?? named[name.lowercased()]
    }
}
