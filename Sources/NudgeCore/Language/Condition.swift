import Foundation

/// A compiled, type-checked condition from a `where:` or `when:` key.
public struct Condition: Sendable, Equatable {
    /// The text as written, for logs and messages.
    public let source: String
    let expression: Expression
    /// The comparisons that time passing alone can flip, found once (see `changeTimes`).
    let clockComparisons: [ClockComparison]

    init(source: String, expression: Expression) {
        self.source = source
        self.expression = expression
        clockComparisons = ClockComparison.all(in: expression)
    }

    /// Parses and checks `source` for use in `scope`; errors carry offsets into `source`.
    public static func compile(_ source: String, scope: ConditionScope) -> Result<Condition, ExpressionError> {
        switch Parser.parse(source) {
        case .failure(let error):
            return .failure(error)
        case .success(let expression):
            do {
                let type = try TypeChecker(scope: scope).type(of: expression)
                guard type.fits(.bool) else {
                    return .failure(
                        ExpressionError(
                            start: expression.start, end: expression.end,
                            message: "a condition must be true or false, but this is \(type)"))
                }
                return .success(Condition(source: source, expression: expression))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Whether the condition holds for these values; `now` is the evaluation time.
    public func holds(in roots: [String: Value], now: Date) -> Bool {
        holds(in: ConditionRoots(roots), now: now)
    }

    func holds(in roots: ConditionRoots, now: Date) -> Bool {
        holds(with: Evaluator(roots: roots, now: now))
    }

    /// Whether the condition holds for the values `evaluator` sees: one evaluator serves several conditions.
    func holds(with evaluator: Evaluator) -> Bool {
        evaluator.value(of: expression).isTrue
    }

    /// The raw result, for tests and previews.
    public func value(in roots: [String: Value], now: Date) -> Value {
        Evaluator(roots: ConditionRoots(roots), now: now).value(of: expression)
    }
}

/// A `where:` given as one string or a list of strings: all must hold. Empty means always.
public struct ConditionSet: Sendable, Equatable {
    public var conditions: [Condition]

    public init(_ conditions: [Condition] = []) {
        self.conditions = conditions
    }

    public func holds(in roots: [String: Value], now: Date) -> Bool {
        holds(in: ConditionRoots(roots), now: now)
    }

    func holds(in roots: ConditionRoots, now: Date) -> Bool {
        conditions.allSatisfy { $0.holds(in: roots, now: now) }
    }
}
