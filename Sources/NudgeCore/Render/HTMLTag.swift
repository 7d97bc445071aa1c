/// A start or end tag of an HTML document, as far as turning HTML into text needs.
struct HTMLTag: Sendable, Equatable {
    /// Lowercased; `!` for comments, doctypes and processing instructions.
    var name: String
    var isClosing = false
    var isSelfClosing = false
    /// Lowercased names; values with entities decoded.
    var attributes: [String: String] = [:]
}

/// Reads one tag starting at a `<`.
struct HTMLTagScanner {
    let input: [Unicode.Scalar]
    /// At the `<` before scanning; after the tag's `>` once a tag was read.
    var position: Int

    /// The tag at `position`, or nil when the `<` does not start a tag (then it is text).
    mutating func scan() -> HTMLTag? {
        var index = position + 1
        guard index < input.count else { return nil }
        if input[index] == "!" || input[index] == "?" {
            let isComment = matches("!--", at: index)
            let terminator = isComment ? "-->" : ">"
            var end = index + (isComment ? 3 : 1)
            while end < input.count, !matches(terminator, at: end) { end += 1 }
            position = min(input.count, end + terminator.unicodeScalars.count)
            return HTMLTag(name: "!")
        }
        var tag = HTMLTag(name: "")
        if input[index] == "/" {
            tag.isClosing = true
            index += 1
        }
        guard index < input.count, input[index].isASCII, input[index].properties.isAlphabetic else { return nil }
        let nameStart = index
        while index < input.count, isNameCharacter(input[index]) { index += 1 }
        tag.name = String(String.UnicodeScalarView(input[nameStart..<index])).lowercased()

        while index < input.count {
            let scalar = input[index]
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar == ">" {
                position = index + 1
                return tag
            } else if scalar == "/" {
                tag.isSelfClosing = true
                index += 1
            } else {
                tag.isSelfClosing = false
                let (name, value) = attribute(at: &index)
                if !name.isEmpty, tag.attributes[name] == nil { tag.attributes[name] = value }
            }
        }
        return nil
    }

    private func attribute(at index: inout Int) -> (String, String) {
        let start = index
        while index < input.count, !input[index].properties.isWhitespace, !"=>/".unicodeScalars.contains(input[index]) {
            index += 1
        }
        if index == start { index += 1 }
        let name = String(String.UnicodeScalarView(input[start..<index])).lowercased()
        var lookahead = index
        while lookahead < input.count, input[lookahead].properties.isWhitespace { lookahead += 1 }
        guard lookahead < input.count, input[lookahead] == "=" else { return (name, "") }
        index = lookahead + 1
        while index < input.count, input[index].properties.isWhitespace { index += 1 }
        guard index < input.count else { return (name, "") }

        var raw: [Unicode.Scalar] = []
        if input[index] == "\"" || input[index] == "'" {
            let quote = input[index]
            index += 1
            while index < input.count, input[index] != quote {
                raw.append(input[index])
                index += 1
            }
            index += 1
        } else {
            while index < input.count, !input[index].properties.isWhitespace, input[index] != ">" {
                raw.append(input[index])
                index += 1
            }
        }
        return (name, HTMLEntities.decodeAll(raw))
    }

    private func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-")
    }

    private func matches(_ pattern: String, at index: Int) -> Bool {
        var offset = index
        for scalar in pattern.unicodeScalars {
            guard offset < input.count, input[offset] == scalar else { return false }
            offset += 1
        }
        return true
    }
}
