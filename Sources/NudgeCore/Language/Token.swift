/// A lexical token of the condition language, with its span in the expression text
/// (offsets count Unicode scalars from the start of the expression).
struct Token: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case number(Double)
        case duration(Double)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case end
    }

    enum Keyword: String, Sendable, CaseIterable {
        case `true`, `false`, null, and, or, not, `in`
    }

    enum Symbol: String, Sendable, CaseIterable {
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
        case comma = ",", dot = "."
        case plus = "+", minus = "-", star = "*", slash = "/"
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    var kind: Kind
    var start: Int
    var end: Int

    /// How the token reads in an error message.
    var spelled: String {
        switch kind {
        case .number(let n): return NumberText.format(n)
        case .duration(let d): return DurationText.format(d)
        case .string(let s): return "\"\(s)\""
        case .identifier(let name): return name
        case .keyword(let k): return k.rawValue
        case .symbol(let s): return s.rawValue
        case .end: return "end of expression"
        }
    }
}
