import Foundation

extension Condition {
    /// The moments after `now` at which this condition may change its value through time passing alone, for
    /// the given values: each comparison of `since(x)` with a duration `d` may flip just after `x + d`, and each
    /// comparison of `now` with a time `t` just after `t`. Comparisons nested in `exists`/`all` are not seen (their
    /// variables have no single value). Empty when nothing about the condition depends on the clock.
    public func changeTimes(in roots: [String: Value], now: Date) -> [Date] {
        var times: [Date] = []
        Self.collect(expression, evaluator: Evaluator(roots: roots, now: now), into: &times)
        return times.filter { $0 > now }
    }

    private static let comparisons: Set<BinaryOperator> = [
        .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
    ]

    private static func collect(_ expression: Expression, evaluator: Evaluator, into times: inout [Date]) {
        switch expression.node {
        case .macro:
            return
        case .binary(let op, let left, let right) where comparisons.contains(op):
            for (a, b) in [(left, right), (right, left)] {
                if case .call(.since, let arguments) = a.node, case .time(let start) = evaluator.value(of: arguments[0]),
                    case .duration(let length) = evaluator.value(of: b)
                {
                    times.append(start + length + 1)
                }
                if case .name("now") = a.node, evaluator.roots["now"] == nil, case .time(let moment) = evaluator.value(of: b) {
                    times.append(moment + 1)
                }
            }
        default:
            break
        }
        for child in expression.node.children { collect(child, evaluator: evaluator, into: &times) }
    }
}
