/// Splits an expression into tokens. Stops at the first malformed token and reports where it is.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    static func tokens(of text: String) -> Result<[Token], ExpressionError> {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            switch lexer.next() {
            case .failure(let error): return .failure(error)
            case .success(let token):
                tokens.append(token)
                if token.kind == .end { return .success(tokens) }
            }
        }
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    mutating func next() -> Result<Token, ExpressionError> {
        while let c = peek(), c.properties.isWhitespace { index += 1 }
        let start = index
        guard let c = peek() else { return .success(Token(kind: .end, start: index, end: index)) }

        if c.isDigit || (c == "." && peek(1)?.isDigit == true) { return number(from: start) }
        if c.isIdentifierStart { return .success(identifier(from: start)) }
        if c == "\"" || c == "'" { return string(from: start, quote: c) }
        return symbol(from: start)
    }

    private mutating func number(from start: Int) -> Result<Token, ExpressionError> {
        var text = ""
        var dots = 0
        while let c = peek(), c.isDigit || c == "." || c == "_" {
            // `1.size` is not a thing, but stop before a dot that is not followed by a digit.
            if c == ".", peek(1)?.isDigit != true { break }
            if c == "." { dots += 1 }
            if c != "_" { text.unicodeScalars.append(c) }
            index += 1
        }
        if dots > 1 {
            return .failure(ExpressionError(start: start, end: index, message: "malformed number '\(text)'"))
        }
        if let c = peek(), c.isIdentifierStart {
            var unit = ""
            while let u = peek(), u.isIdentifierPart {
                unit.unicodeScalars.append(u)
                index += 1
            }
            guard let seconds = DurationText.parse(text + unit) else {
                return .failure(
                    ExpressionError(
                        start: start, end: index,
                        message: "unknown duration unit in '\(text + unit)' (use s, m, h, d or w, as in 30m, 48h, 21d, 3w)")
                )
            }
            return .success(Token(kind: .duration(seconds), start: start, end: index))
        }
        guard let value = Double(text) else {
            return .failure(ExpressionError(start: start, end: index, message: "malformed number '\(text)'"))
        }
        return .success(Token(kind: .number(value), start: start, end: index))
    }

    private mutating func identifier(from start: Int) -> Token {
        var name = ""
        while let c = peek(), c.isIdentifierPart {
            name.unicodeScalars.append(c)
            index += 1
        }
        if let keyword = Token.Keyword(rawValue: name) {
            return Token(kind: .keyword(keyword), start: start, end: index)
        }
        return Token(kind: .identifier(name), start: start, end: index)
    }

    private mutating func string(from start: Int, quote: Unicode.Scalar) -> Result<Token, ExpressionError> {
        index += 1
        var text = ""
        while let c = peek() {
            index += 1
            if c == quote { return .success(Token(kind: .string(text), start: start, end: index)) }
            if c == "\\" {
                guard let escaped = peek() else { break }
                index += 1
                switch escaped {
                case "n": text.unicodeScalars.append("\n")
                case "t": text.unicodeScalars.append("\t")
                case "\\", "\"", "'": text.unicodeScalars.append(escaped)
                default:
                    return .failure(
                        ExpressionError(start: index - 2, end: index, message: "unknown escape '\\\(escaped)' in string"))
                }
            } else {
                text.unicodeScalars.append(c)
            }
        }
        return .failure(ExpressionError(start: start, end: index, message: "unterminated string (missing \(quote))"))
    }

    private mutating func symbol(from start: Int) -> Result<Token, ExpressionError> {
        let c = peek()!
        let pair = peek(1).map { String(c) + String($0) }
        if let pair, let symbol = Token.Symbol(rawValue: pair) {
            index += 2
            return .success(Token(kind: .symbol(symbol), start: start, end: index))
        }
        if let symbol = Token.Symbol(rawValue: String(c)) {
            index += 1
            return .success(Token(kind: .symbol(symbol), start: start, end: index))
        }
        index += 1
        let hint: String
        switch c {
        case "=": hint = " (use '==' to compare)"
        case "!": hint = " (use 'not' or '!=')"
        case "&": hint = " (use 'and')"
        case "|": hint = " (use 'or')"
        default: hint = ""
        }
        return .failure(ExpressionError(start: start, end: index, message: "unexpected character '\(c)'\(hint)"))
    }
}

extension Unicode.Scalar {
    var isDigit: Bool { ("0"..."9").contains(self) }
    var isIdentifierStart: Bool { self == "_" || ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isIdentifierPart: Bool { isIdentifierStart || isDigit }
}
