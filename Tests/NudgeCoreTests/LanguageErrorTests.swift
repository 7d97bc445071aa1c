import Foundation
import Testing

@testable import NudgeCore

/// A condition that must not compile, with the exact message and span (Unicode scalar offsets).
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var source: String
    var message: String
    var start: Int
    /// nil where only the start is meaningful.
    var end: Int?
    var scope: EvaluationCase.Scope = .campaign

    var testDescription: String { "\(source)  [\(scope.rawValue)]" }

    static func error(
        _ source: String, _ message: String, at start: Int, _ end: Int? = nil,
        _ scope: EvaluationCase.Scope = .campaign
    ) -> Self {
        Self(source: source, message: message, start: start, end: end, scope: scope)
    }

    func check(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch Condition.compile(source, scope: scope.conditionScope) {
        case .success:
            Issue.record("\(source) compiled, expected: \(message)", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(error.message == message, sourceLocation: sourceLocation)
            #expect(error.start == start, "start", sourceLocation: sourceLocation)
            if let end { #expect(error.end == end, "end", sourceLocation: sourceLocation) }
            #expect(error.start <= error.end && error.end <= source.unicodeScalars.count, sourceLocation: sourceLocation)
        }
    }
}

extension ErrorCase {
    static let durationHint = "(use s, m, h, d or w, as in 30m, 48h, 21d, 3w)"
    static let endFound = "expected a value, a name or '(', found end of expression"

    static let lexical: [Self] = [
        .error("\"Hà Nội", "unterminated string (missing \")", at: 0, 7),
        .error("'abc", "unterminated string (missing ')", at: 0, 4),
        .error("customer.plan == \"pro", "unterminated string (missing \")", at: 17, 21),
        .error("'it\\'s", "unterminated string (missing ')", at: 0, 6),
        .error("\"abc\\", "unterminated string (missing \")", at: 0, 5),
        .error("\"a\\qb\" == \"x\"", "unknown escape '\\q' in string", at: 2, 4),
        .error("customer.purchase_count = 3", "unexpected character '=' (use '==' to compare)", at: 24, 25),
        .error("true && false", "unexpected character '&' (use 'and')", at: 5, 6),
        .error("true || false", "unexpected character '|' (use 'or')", at: 5, 6),
        .error("!true", "unexpected character '!' (use 'not' or '!=')", at: 0, 1),
        .error("1 @ 2", "unexpected character '@'", at: 2, 3),
        .error("customer.attributes.city == Hà", "unexpected character 'à'", at: 29, 30),
        .error("since(customer.last_purchase_at) > 5y", "unknown duration unit in '5y' \(durationHint)", at: 35, 37),
        .error("1h30 > 1h", "unknown duration unit in '1h30' \(durationHint)", at: 0, 4),
        .error("1+2==3and true", "unknown duration unit in '3and' \(durationHint)", at: 5, 9),
        .error("1e5 > 1", "unknown duration unit in '1e5' \(durationHint)", at: 0, 3),
        .error("1.2.3 == 1", "malformed number '1.2.3'", at: 0, 5),
    ]

    static let syntax: [Self] = [
        .error("", "empty expression", at: 0, 0),
        .error("   ", "empty expression", at: 0, 0),
        .error("customer.purchase_count >", endFound, at: 25, 25),
        .error("1 +", endFound, at: 3, 3),
        .error("true and", endFound, at: 8, 8),
        .error("true and   ", endFound, at: 11, 11),
        .error("not", endFound, at: 3, 3),
        .error("(", endFound, at: 1, 1),
        .error("[", endFound, at: 1, 1),
        .error("customer.plan in", endFound, at: 16, 16),
        .error("(customer.purchase_count > 0", "expected ')' to close '(', found end of expression", at: 28, 28),
        .error(
            "customer.plan in [\"pro\", \"team\"", "expected ']' or ',' in the list, found end of expression",
            at: 31, 31),
        .error("[1 2]", "expected ']' or ',' in the list, found '2'", at: 3, 4),
        .error("customer.owned_skus[0", "expected ']' to close the index, found end of expression", at: 21, 21),
        .error("since(customer.signup_at > 1d", "expected ')' to close since(, found end of expression", at: 29, 29),
        .error("[1].exists(x, x > 0", "expected ')' to close exists(, found end of expression", at: 19, 19),
        .error(")", "expected a value, a name or '(', found ')'", at: 0, 1),
        .error("[,]", "expected a value, a name or '(', found ','", at: 1, 2),
        .error("1 2", "expected an operator or the end of the expression, found '2'", at: 2, 3),
        .error("(1 == 1))", "expected an operator or the end of the expression, found ')'", at: 8, 9),
        .error("customer.plan \"pro\"", "expected an operator or the end of the expression, found '\"pro\"'", at: 14, 19),
        .error("customer.plan not \"x\"", "expected an operator or the end of the expression, found 'not'", at: 14, 17),
        .error("customer.5", "expected an operator or the end of the expression, found '0.5'", at: 8, 10),
        .error("1 3w", "expected an operator or the end of the expression, found '3w'", at: 2, 4),
        .error("customer.", "expected a field name after '.', found end of expression", at: 9, 9),
        .error("customer.(plan)", "expected a field name after '.', found '('", at: 9, 10),
        .error("1 < 2 < 3", "comparisons do not chain; combine them with 'and', found '<'", at: 6, 7),
        .error(
            "customer.purchase_count > 0 == true", "comparisons do not chain; combine them with 'and', found '=='",
            at: 28, 30),
        .error("1 in [1] not in [[1]]", "comparisons do not chain; combine them with 'and', found 'not'", at: 9, 12),
        .error("1 == not true", "expected a value, a name or '(', found 'not'", at: 5, 8),
        .error("sice(customer.signup_at) > 1d", "unknown function 'sice' (did you mean 'since'?)", at: 0, 4),
        .error("hass(customer.email)", "unknown function 'hass' (did you mean 'has'?)", at: 0, 4),
        .error("exists(x, true)", "unknown function 'exists' (write list.exists(x, condition))", at: 0, 6),
        .error("count(customer.owned_skus) > 1", "unknown function 'count'", at: 0, 5),
        .error("[1, 2].exist(x, x > 1)", "unknown method 'exist' (did you mean 'exists'?)", at: 7, 12),
        .error("customer.foo()", "unknown method 'foo'", at: 9, 12),
        .error(
            "[1].exists(1, true)", "expected a variable name as the first argument of exists(x, condition), found '1'",
            at: 11, 12),
        .error(
            "[1].all(x true)", "expected ',' after the variable of all(x, condition), found 'true'", at: 10, 14),
        .error("[1].size(2) == 1", "expected ')' (size() takes no arguments), found '2'", at: 9, 10),
        .error("size() == 0", "size() takes 1 argument, got 0", at: 0, 6),
        .error("since(now, now) > 1d", "since() takes 1 argument, got 2", at: 0, 15),
        .error("has(customer)", "has() takes a field path such as has(customer.attributes.vip)", at: 4, 12),
        .error("has(1)", "has() takes a field path such as has(customer.attributes.vip)", at: 4, 5),
        .error(
            "has(customer.owned_skus[0])", "has() takes a field path such as has(customer.attributes.vip)", at: 4, 26),
    ]

    static let types: [Self] = [
        .error("purchase_count > 0", "unknown name 'purchase_count' (available here: customer, now)", at: 0, 14, .stage),
        .error("custmer.plan == \"pro\"", "unknown name 'custmer' (did you mean 'customer'?)", at: 0, 7, .stage),
        .error("event.type == \"purchase\"", "unknown name 'event' (available here: customer, now)", at: 0, 5, .stage),
        .error(
            "customer.purchase_count > 0 and event.total > 0",
            "unknown name 'event' (available here: customer, now)", at: 32, 37, .stage),
        .error(
            "[1].exists(x, true) and x == 1", "unknown name 'x' (available here: customer, event, now)", at: 24, 25),
        .error(
            "customer.purchse_count > 0", "unknown field 'purchse_count' of customer (did you mean 'purchase_count'?)",
            at: 9, 22),
        .error(
            "customer.consent.emial", "unknown field 'emial' of consent (did you mean 'email'?)", at: 17, 22),
        .error(
            "customer.usage.seats.ratoi >= 0.9", "unknown field 'ratoi' of usage metric (did you mean 'ratio'?)",
            at: 21, 26),
        .error("customer[\"x\"] == 1", "unknown field 'x' of customer", at: 9, 13),
        .error("customer.plan.tier == \"x\"", "string has no field 'tier'", at: 14, 18),
        .error("\"a\" > 3", "cannot compare string with number", at: 0, 7),
        .error("customer.purchase_count > 30d", "cannot compare number with duration", at: 0, 29),
        .error("customer.usage.seats > 0.9", "cannot order usage metric values with '>'", at: 0, 26),
        .error("customer.purchase_count == \"3\"", "cannot compare number with string: always unequal", at: 0, 30),
        .error("\"phone\" == event.items[0]", "cannot compare string with item: always unequal", at: 0, 25),
        .error(
            "event.items.exists(i, i.category == 5)", "cannot compare string with number: always unequal", at: 22, 37),
        .error(
            "customer.purchase_count < null", "'<' with null is always false; use has() or == null", at: 0, 30),
        .error("[1] < [2]", "cannot order list of number values with '<'", at: 0, 9),
        .error("true > false", "cannot order bool values with '>'", at: 0, 12),
        .error("since(5) > 1d", "since() needs a time, found number", at: 6, 7),
        .error("since(customer.plan) > 1d", "since() needs a time, found string", at: 6, 19),
        .error("size(1) == 1", "size() needs a list, text or map, found number", at: 5, 6),
        .error("customer.plan.exists(x, true)", "exists() needs a list, found string", at: 0, 13),
        .error("[1].all(x, x)", "the condition of all() must be true or false, found number", at: 11, 12),
        .error("-\"a\" == \"a\"", "cannot negate string", at: 1, 4),
        .error("not 5", "'not' needs a condition, found number", at: 4, 5),
        .error("true and 5", "'and' joins conditions, but this is number", at: 9, 10),
        .error("customer.plan or true", "'or' joins conditions, but this is string", at: 0, 13),
        .error("\"a\" * 2 == \"aa\"", "cannot apply '*' to string and number", at: 0, 7),
        .error("now + now > now", "cannot apply '+' to time and time", at: 0, 9),
        .error("1d - now > 0s", "cannot apply '-' to duration and time", at: 0, 8),
        .error("customer.attributes.x * \"a\" == 1", "cannot apply '*' to any and string", at: 0, 27),
        .error("\"a\" in [1, 2]", "string can never be in a list of number", at: 0, 13),
        .error("\"phone\" in event.items", "string can never be in a list of item", at: 0, 22),
        .error("1 in \"abc\"", "only text can be found in text, found number", at: 0, 1),
        .error("1 in customer.attributes", "field names are text, found number", at: 0, 1),
        .error("1 in 2", "the right side of 'in' must be a list, text or map, found number", at: 5, 6),
        .error("1 not in now", "the right side of 'not in' must be a list, text or map, found time", at: 9, 12),
        .error("[1, 2][\"a\"] == 1", "a list index must be a number, not string", at: 7, 10),
        .error("customer[1] == 1", "a field name must be a string, not number", at: 9, 10),
        .error("customer.purchase_count[0] == 1", "number cannot be indexed", at: 0, 23),
        // Offsets count Unicode scalars, also after Vietnamese text.
        .error("\"Điện thoại\" > 3", "cannot compare string with number", at: 0, 16),
        .error(
            "customer.attributes.city == \"Hà Nội\" and customer.purchse_count > 0",
            "unknown field 'purchse_count' of customer (did you mean 'purchase_count'?)", at: 50, 63),
        .error("'Đà Nẵng' == 1", "cannot compare string with number: always unequal", at: 0, 14),
    ]

    static let notConditions: [Self] = [
        .error("customer.purchase_count", "a condition must be true or false, but this is number", at: 0, 23),
        .error("since(customer.signup_at)", "a condition must be true or false, but this is duration", at: 0, 25),
        .error("\"Hà Nội\"", "a condition must be true or false, but this is string", at: 0, 8),
        .error("null", "a condition must be true or false, but this is null", at: 0, 4),
        .error("[true]", "a condition must be true or false, but this is list of bool", at: 0, 6),
        .error("now", "a condition must be true or false, but this is time", at: 0, 3),
        .error("(1 + 2)", "a condition must be true or false, but this is number", at: 0, 7),
        .error("customer.consent", "a condition must be true or false, but this is consent", at: 0, 16),
        .error("customer.owned_skus", "a condition must be true or false, but this is list of string", at: 0, 19, .stage),
    ]

    static var all: [Self] { lexical + syntax + types + notConditions }
}

@Suite("Condition language: errors")
struct LanguageErrorTests {
    @Test("lexical errors", arguments: ErrorCase.lexical)
    func lexical(_ c: ErrorCase) { c.check() }

    @Test("syntax errors", arguments: ErrorCase.syntax)
    func syntax(_ c: ErrorCase) { c.check() }

    @Test("type errors", arguments: ErrorCase.types)
    func types(_ c: ErrorCase) { c.check() }

    @Test("a condition must be a bool", arguments: ErrorCase.notConditions)
    func notConditions(_ c: ErrorCase) { c.check() }

    @Test("a huge duration in an error message does not trap")
    func hugeDurationInMessage() {
        let error = ErrorCase.compileError("1 99999999999999999999s")
        #expect(error?.message == "expected an operator or the end of the expression, found '1e+20s'")
        #expect(error?.start == 2 && error?.end == 23)
    }

    @Test("deep nesting is an error, not a stack overflow", arguments: [
        String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000) + " == 1",
        String(repeating: "not ", count: 20_000) + "true",
        String(repeating: "-", count: 20_000) + "1 == 1",
        "1" + String(repeating: " + 1", count: 20_000) + " > 0",
        "true" + String(repeating: " and true", count: 20_000),
        "[1]" + String(repeating: "[0]", count: 20_000) + " == 1",
        String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + " == []",
        String(repeating: "[1].exists(x, ", count: 5_000) + "true" + String(repeating: ")", count: 5_000),
    ])
    func deepNesting(_ source: String) {
        let error = ErrorCase.compileError(source)
        #expect(error?.message == "the expression nests too deeply (more than \(Parser.maximumDepth) levels)")
        if let error { #expect(0 <= error.start && error.start <= error.end && error.end <= source.unicodeScalars.count) }
    }

    @Test("nesting up to the limit is fine")
    func nestingWithinLimit() {
        let depth = 200
        let sources = [
            String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + " == 1",
            String(repeating: "not not ", count: depth / 2) + "true",
            "1" + String(repeating: " + 1", count: depth) + " == \(depth + 1)",
            "true" + String(repeating: " and true", count: depth),
            String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + " != []",
        ]
        for source in sources {
            let condition = LanguageFixtures.compiled(source, scope: .stage)
            #expect(condition?.holds(in: [:], now: LanguageFixtures.now) == true, "\(source.prefix(40))")
        }
    }
}

extension ErrorCase {
    /// The error `source` fails to compile with in the stage scope, or nil when it compiles.
    static func compileError(_ source: String) -> ExpressionError? {
        if case .failure(let error) = Condition.compile(source, scope: .stage) { return error }
        return nil
    }
}
