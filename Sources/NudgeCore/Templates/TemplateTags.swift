/// The tags of a Mustache template, found by a light scan so that variables, sections and partials can be
/// checked against what a step provides (a missing variable would otherwise render as an empty string).
struct TemplateTag: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case variable, section, invertedSection, sectionEnd, partial
    }

    var kind: Kind
    /// The dotted path, split: `customer.attributes.name` → ["customer", "attributes", "name"]; `.` → [].
    var path: [String]
    /// A helper applied to the value, as in `{{money(price)}}`.
    var helper: String?
    /// Where the name starts, relative to the scanned text (1-based line and column).
    var line: Int
    var column: Int

    var dotted: String { path.isEmpty ? "." : path.joined(separator: ".") }
}

enum TemplateTagScanner {
    /// The innermost section still open at the end of `text`, if any.
    static func unclosedSection(in text: String) -> TemplateTag? {
        var open: [TemplateTag] = []
        for tag in tags(in: text) {
            switch tag.kind {
            case .section, .invertedSection: open.append(tag)
            case .sectionEnd: if !open.isEmpty { open.removeLast() }
            default: break
            }
        }
        return open.last
    }

    /// The tags of `text` in order. Comments, pragmas and delimiter changes are skipped; after a delimiter
    /// change the rest of the text is not scanned (nothing is reported for it).
    static func tags(in text: String) -> [TemplateTag] {
        let scalars = Array(text.unicodeScalars)
        var tags: [TemplateTag] = []
        var line = 1
        var column = 1
        var index = 0

        func advance(to target: Int) {
            while index < target {
                if scalars[index] == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                index += 1
            }
        }

        func starts(_ pattern: String, at position: Int) -> Bool {
            var p = position
            for scalar in pattern.unicodeScalars {
                guard p < scalars.count, scalars[p] == scalar else { return false }
                p += 1
            }
            return true
        }

        while index < scalars.count {
            guard starts("{{", at: index) else {
                advance(to: index + 1)
                continue
            }
            let triple = starts("{{{", at: index)
            let contentStart = index + (triple ? 3 : 2)
            let closer = triple ? "}}}" : "}}"
            var end = contentStart
            while end < scalars.count, !starts(closer, at: end) { end += 1 }
            guard end < scalars.count else { break }  // unterminated: the Mustache parser reports it

            var content = Array(scalars[contentStart..<end])
            var kind = TemplateTag.Kind.variable
            var offset = contentStart
            if !triple, let sigil = content.first {
                switch sigil {
                case "!", "%": advance(to: end + closer.unicodeScalars.count); continue
                case "=": return tags
                case "#", "$": kind = .section
                case "^": kind = .invertedSection
                case "/": kind = .sectionEnd
                case ">", "<": kind = .partial
                case "&": kind = .variable
                default: break
                }
                if "#$^/><&".unicodeScalars.contains(sigil) {
                    content.removeFirst()
                    offset += 1
                }
            }
            while let first = content.first, first.properties.isWhitespace {
                content.removeFirst()
                offset += 1
            }
            while let last = content.last, last.properties.isWhitespace { content.removeLast() }
            advance(to: offset)
            var name = String(String.UnicodeScalarView(content))
            var helper: String?
            if kind != .partial, let open = name.firstIndex(of: "("), name.hasSuffix(")") {
                helper = String(name[..<open])
                name = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
            }
            let path = name == "." ? [] : name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            tags.append(TemplateTag(kind: kind, path: path, helper: helper, line: line, column: column))
            advance(to: end + closer.unicodeScalars.count)
        }
        return tags
    }
}
