/// Recursive-descent parser. Precedence, loosest first:
/// `or` · `and` · `not` · comparisons (`== != < <= > >= in`, `not in`) · `+ -` · `* /` · unary `-` ·
/// member access, indexing and calls.
struct Parser {
    /// How deeply expressions may nest (parentheses, operands, chains of operators). Real conditions stay
    /// far below it; the limit keeps the parser, the type checker and the evaluator, which all recurse,
    /// from running off the end of the stack on pathological input.
    static let maximumDepth = 256

    private let tokens: [Token]
    private var position = 0
    /// How many nested parse calls are running, for `maximumDepth`.
    private var nesting = 0

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    static func parse(_ text: String) -> Result<Expression, ExpressionError> {
        switch Lexer.tokens(of: text) {
        case .failure(let error):
            return .failure(error)
        case .success(let tokens):
            var parser = Parser(tokens: tokens)
            do {
                if tokens.count == 1 {
                    throw ExpressionError(start: 0, end: 0, message: "empty expression")
                }
                let expression = try parser.orExpression()
                guard parser.current.kind == .end else {
                    throw parser.unexpected("expected an operator or the end of the expression")
                }
                return .success(expression)
            } catch let error as ExpressionError {
                return .failure(error)
            } catch {
                return .failure(ExpressionError(start: 0, end: 0, message: "\(error)"))
            }
        }
    }

    private var current: Token { tokens[position] }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func check(_ symbol: Token.Symbol) -> Bool { current.kind == .symbol(symbol) }
    private func check(_ keyword: Token.Keyword) -> Bool { current.kind == .keyword(keyword) }

    private mutating func expect(_ symbol: Token.Symbol, _ context: String) throws -> Token {
        guard check(symbol) else { throw unexpected("expected '\(symbol.rawValue)' \(context)") }
        return advance()
    }

    /// An error at the current token; at the end of the text the span is empty, so it stays inside the text.
    private func unexpected(_ expectation: String) -> ExpressionError {
        let token = current
        let found = token.kind == .end ? "end of expression" : "'\(token.spelled)'"
        return ExpressionError(start: token.start, end: token.end, message: "\(expectation), found \(found)")
    }

    /// Builds a node, failing when the tree gets deeper than `maximumDepth`.
    private func node(_ node: ExpressionNode, start: Int, end: Int) throws -> Expression {
        let expression = Expression(node, start: start, end: end)
        guard expression.depth <= Self.maximumDepth else { throw tooDeep() }
        return expression
    }

    /// Counts one more nested parse call; callers undo it with `nesting -= 1` when they return.
    private mutating func descend() throws {
        nesting += 1
        guard nesting <= Self.maximumDepth else { throw tooDeep() }
    }

    private func tooDeep() -> ExpressionError {
        ExpressionError(
            start: current.start, end: current.end,
            message: "the expression nests too deeply (more than \(Self.maximumDepth) levels)")
    }

    private mutating func orExpression() throws -> Expression {
        try descend()
        defer { nesting -= 1 }
        var left = try andExpression()
        while check(.or) {
            _ = advance()
            let right = try andExpression()
            left = try node(.binary(.or, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func andExpression() throws -> Expression {
        var left = try notExpression()
        while check(.and) {
            _ = advance()
            let right = try notExpression()
            left = try node(.binary(.and, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func notExpression() throws -> Expression {
        if check(.not) {
            try descend()
            defer { nesting -= 1 }
            let keyword = advance()
            let operand = try notExpression()
            return try node(.not(operand), start: keyword.start, end: operand.end)
        }
        return try comparison()
    }

    private mutating func comparisonOperator() -> BinaryOperator? {
        switch current.kind {
        case .symbol(.equal): return .equal
        case .symbol(.notEqual): return .notEqual
        case .symbol(.less): return .less
        case .symbol(.lessOrEqual): return .lessOrEqual
        case .symbol(.greater): return .greater
        case .symbol(.greaterOrEqual): return .greaterOrEqual
        case .keyword(.in): return .in
        case .keyword(.not) where tokens[position + 1].kind == .keyword(.in): return .notIn
        default: return nil
        }
    }

    private mutating func comparison() throws -> Expression {
        let left = try additive()
        guard let op = comparisonOperator() else { return left }
        _ = advance()
        if op == .notIn { _ = advance() }
        let right = try additive()
        if comparisonOperator() != nil {
            throw unexpected("comparisons do not chain; combine them with 'and'")
        }
        return try node(.binary(op, left, right), start: left.start, end: right.end)
    }

    private mutating func additive() throws -> Expression {
        var left = try multiplicative()
        while check(.plus) || check(.minus) {
            let op: BinaryOperator = advance().kind == .symbol(.plus) ? .add : .subtract
            let right = try multiplicative()
            left = try node(.binary(op, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func multiplicative() throws -> Expression {
        var left = try unary()
        while check(.star) || check(.slash) {
            let op: BinaryOperator = advance().kind == .symbol(.star) ? .multiply : .divide
            let right = try unary()
            left = try node(.binary(op, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func unary() throws -> Expression {
        if check(.minus) {
            try descend()
            defer { nesting -= 1 }
            let minus = advance()
            let operand = try unary()
            return try node(.negate(operand), start: minus.start, end: operand.end)
        }
        return try postfix()
    }

    private mutating func postfix() throws -> Expression {
        var base = try primary()
        while true {
            if check(.dot) {
                _ = advance()
                guard case .identifier(let name) = current.kind else {
                    if case .keyword(let keyword) = current.kind {
                        // `in`, `not` … are fine as field names after a dot.
                        let token = advance()
                        base = try node(.member(base, keyword.rawValue), start: base.start, end: token.end)
                        continue
                    }
                    throw unexpected("expected a field name after '.'")
                }
                let nameToken = advance()
                if check(.leftParen) {
                    base = try method(name, on: base, nameToken: nameToken)
                } else {
                    base = try node(.member(base, name), start: base.start, end: nameToken.end)
                }
            } else if check(.leftBracket) {
                _ = advance()
                let index = try orExpression()
                let close = try expect(.rightBracket, "to close the index")
                base = try node(.index(base, index), start: base.start, end: close.end)
            } else {
                return base
            }
        }
    }

    private mutating func method(_ name: String, on base: Expression, nameToken: Token) throws -> Expression {
        _ = advance()  // (
        if let macro = Macro(rawValue: name) {
            guard case .identifier(let variable) = current.kind else {
                throw unexpected("expected a variable name as the first argument of \(name)(x, condition)")
            }
            _ = advance()
            _ = try expect(.comma, "after the variable of \(name)(x, condition)")
            let condition = try orExpression()
            let close = try expect(.rightParen, "to close \(name)(")
            return try node(.macro(macro, base, variable: variable, condition), start: base.start, end: close.end)
        }
        if name == Function.size.rawValue {
            let close = try expect(.rightParen, "(size() takes no arguments)")
            return try node(.call(.size, [base]), start: base.start, end: close.end)
        }
        let known = Macro.allCases.map(\.rawValue) + ["size"]
        throw ExpressionError(
            start: nameToken.start, end: nameToken.end,
            message: "unknown method '\(name)'\(Suggestion.hint(for: name, in: known))")
    }

    private mutating func primary() throws -> Expression {
        let token = current
        switch token.kind {
        case .number(let n):
            _ = advance()
            return Expression(.literal(.number(n)), start: token.start, end: token.end)
        case .duration(let d):
            _ = advance()
            return Expression(.literal(.duration(d)), start: token.start, end: token.end)
        case .string(let s):
            _ = advance()
            return Expression(.literal(.string(s)), start: token.start, end: token.end)
        case .keyword(.true), .keyword(.false):
            _ = advance()
            return Expression(.literal(.bool(token.kind == .keyword(.true))), start: token.start, end: token.end)
        case .keyword(.null):
            _ = advance()
            return Expression(.literal(.null), start: token.start, end: token.end)
        case .identifier(let name):
            _ = advance()
            if check(.leftParen) { return try call(name, token) }
            return Expression(.name(name), start: token.start, end: token.end)
        case .symbol(.leftParen):
            _ = advance()
            let inner = try orExpression()
            let close = try expect(.rightParen, "to close '('")
            return Expression(inner.node, start: token.start, end: close.end)
        case .symbol(.leftBracket):
            _ = advance()
            var items: [Expression] = []
            if !check(.rightBracket) {
                repeat {
                    if check(.rightBracket) { break }  // trailing comma
                    items.append(try orExpression())
                } while check(.comma) && advance().kind == .symbol(.comma)
            }
            let close = try expect(.rightBracket, "or ',' in the list")
            return try node(.list(items), start: token.start, end: close.end)
        default:
            throw unexpected("expected a value, a name or '('")
        }
    }

    private mutating func call(_ name: String, _ nameToken: Token) throws -> Expression {
        guard let function = Function(rawValue: name) else {
            let known = Function.allCases.map(\.rawValue)
            let hint = Macro(rawValue: name) != nil
                ? " (write list.\(name)(x, condition))" : Suggestion.hint(for: name, in: known)
            throw ExpressionError(start: nameToken.start, end: nameToken.end, message: "unknown function '\(name)'\(hint)")
        }
        _ = advance()  // (
        var arguments: [Expression] = []
        if !check(.rightParen) {
            repeat { arguments.append(try orExpression()) } while check(.comma) && advance().kind == .symbol(.comma)
        }
        let close = try expect(.rightParen, "to close \(name)(")
        guard arguments.count == 1 else {
            throw ExpressionError(
                start: nameToken.start, end: close.end,
                message: "\(name)() takes 1 argument, got \(arguments.count)")
        }
        if function == .has, arguments[0].path == nil || arguments[0].path!.count < 2 {
            throw ExpressionError(
                start: arguments[0].start, end: arguments[0].end,
                message: "has() takes a field path such as has(customer.attributes.vip)")
        }
        return try node(.call(function, arguments), start: nameToken.start, end: close.end)
    }
}
