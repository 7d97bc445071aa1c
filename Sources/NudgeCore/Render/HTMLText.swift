import Foundation

/// A plain-text rendering of an HTML email body, for its text part when the template has none: tags are dropped
/// (with `<head>`, `<style>` and `<script>` contents), entities decoded, whitespace collapsed as a browser
/// would, blocks put on their own lines, and links kept readable as `text (url)`.
enum HTMLText {
    static func plainText(_ html: String) -> String {
        var converter = Converter(Array(html.unicodeScalars))
        converter.run()
        return TextCleanup.block(converter.output.map(String.init).joined())
    }

    /// Elements that start and end a paragraph (a blank line around them).
    static let paragraphElements: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre", "hr", "section",
        "article", "header", "footer", "main", "nav", "aside", "figure", "dl",
    ]
    /// Elements that start and end a line.
    static let lineElements: Set<String> = ["div", "tr", "li", "dt", "dd", "caption", "address", "center", "body"]
    /// Elements whose content is not text.
    static let hiddenElements: Set<String> = ["head", "style", "script", "title", "template", "noscript"]

    private struct Converter {
        let input: [Unicode.Scalar]
        var position = 0
        var output: [Unicode.Scalar] = []
        var pendingSpace = false
        /// Open links: their target and where their text starts in `output`.
        var links: [(href: String?, start: Int)] = []

        init(_ input: [Unicode.Scalar]) {
            self.input = input
        }

        mutating func run() {
            while position < input.count {
                let scalar = input[position]
                if scalar == "<", let tag = readTag() {
                    handle(tag)
                } else if scalar == "&" {
                    let decoded = HTMLEntities.decode(input, at: &position)
                    for character in decoded.unicodeScalars { emit(character) }
                } else {
                    emit(scalar)
                    position += 1
                }
            }
        }

        mutating func emit(_ scalar: Unicode.Scalar) {
            if scalar.properties.isWhitespace {
                pendingSpace = true
                return
            }
            if pendingSpace, let last = output.last, last != "\n", last != " " { output.append(" ") }
            pendingSpace = false
            output.append(scalar)
        }

        /// `<br>`: always a new line.
        mutating func lineBreak() {
            while output.last == " " { output.removeLast() }
            output.append("\n")
            pendingSpace = false
        }

        /// A block starts or ends: on a line of its own, without adding empty lines.
        mutating func blockBoundary() {
            if let last = output.last, last != "\n" { lineBreak() }
            pendingSpace = false
        }

        /// A paragraph starts or ends: a blank line around it.
        mutating func paragraphBreak() {
            blockBoundary()
            if output.count >= 1, output.suffix(2) != ["\n", "\n"] { lineBreak() }
        }

        mutating func handle(_ tag: HTMLTag) {
            switch tag.name {
            case _ where HTMLText.hiddenElements.contains(tag.name) && !tag.isClosing && !tag.isSelfClosing:
                skipContent(of: tag.name)
            case "br":
                lineBreak()
            case "td", "th":
                pendingSpace = true
            case "li" where !tag.isClosing:
                blockBoundary()
                output.append(contentsOf: "- ".unicodeScalars)
            case "a" where !tag.isClosing:
                links.append((tag.attributes["href"], output.count))
            case "a":
                closeLink()
            case _ where HTMLText.paragraphElements.contains(tag.name):
                paragraphBreak()
            case _ where HTMLText.lineElements.contains(tag.name):
                blockBoundary()
            default:
                break
            }
        }

        /// `text (url)`; a link whose text is its URL stays as is, and one without text (an image link) is
        /// dropped, as its target is usually repeated by a text link beside it.
        mutating func closeLink() {
            guard let link = links.popLast() else { return }
            let text = String(String.UnicodeScalarView(output[min(link.start, output.count)...]))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard let href = link.href?.trimmingCharacters(in: .whitespacesAndNewlines), !href.isEmpty,
                !href.hasPrefix("#"),
                !text.isEmpty, text != href
            else { return }
            let target = href.hasPrefix("mailto:") ? String(href.dropFirst("mailto:".count)) : href
            guard target != text else { return }
            emit(" ")
            for scalar in "(\(target))".unicodeScalars { emit(scalar) }
        }

        /// Moves past the content and closing tag of a hidden element.
        mutating func skipContent(of name: String) {
            while position < input.count {
                if input[position] == "<", let tag = readTag() {
                    if tag.isClosing, tag.name == name { return }
                } else {
                    position += 1
                }
            }
        }

        /// Reads the tag (or comment, doctype) at `position`; nil, with `position` unchanged, when the `<` does
        /// not start one, in which case it is text.
        mutating func readTag() -> HTMLTag? {
            var scanner = HTMLTagScanner(input: input, position: position)
            guard let tag = scanner.scan() else { return nil }
            position = scanner.position
            return tag
        }
    }
}
