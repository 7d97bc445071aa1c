import Foundation

extension Condition {
    /// The moments after `now` at which this condition may change its value through time passing alone, for
    /// the given values: each comparison of `since(x)` with a duration `d` may flip just after `x + d`, and each
    /// comparison of `now` with a time `t` just after `t`. Comparisons nested in `exists`/`all` are not seen (their
    /// variables have no single value). Empty when nothing about the condition depends on the clock.
    public func changeTimes(in roots: [String: Value], now: Date) -> [Date] {
        changeTimes(in: ConditionRoots(roots), now: now)
    }

    func changeTimes(in roots: ConditionRoots, now: Date) -> [Date] {
        guard !clockComparisons.isEmpty else { return [] }
        let evaluator = Evaluator(roots: roots, now: now)
        return clockComparisons.compactMap { $0.flipTime(evaluator) }.filter { $0 > now }
    }

    /// The earliest of `changeTimes` for the values `evaluator` sees, nil when there is none.
    func earliestChange(with evaluator: Evaluator) -> Date? {
        var earliest: Date?
        for comparison in clockComparisons {
            if let time = comparison.flipTime(evaluator), time > evaluator.now, time < earliest ?? .distantFuture {
                earliest = time
            }
        }
        return earliest
    }
}

/// A comparison in a condition that the clock alone can flip: `since(start) <op> length`, or `now <op> moment`
/// (either way round). Found once when the condition is compiled, so that the stage sweep and ingest evaluate only
/// these parts instead of walking the whole expression for every customer.
struct ClockComparison: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// `since(start)` against a duration: flips just after `start + duration`.
        case since(start: Expression, length: Expression)
        /// `now` against a time: flips just after that time.
        case now(moment: Expression)
    }

    let kind: Kind

    /// When the comparison may flip, for the values `evaluator` sees; nil when its operands are not a time and a
    /// duration (a missing fact), or when `now` is a variable bound in the scope rather than the clock.
    func flipTime(_ evaluator: Evaluator) -> Date? {
        switch kind {
        case .since(let start, let length):
            guard case .time(let from) = evaluator.value(of: start),
                case .duration(let span) = evaluator.value(of: length)
            else { return nil }
            return from + span + 1
        case .now(let moment):
            guard evaluator.roots.value(named: "now") == nil, case .time(let at) = evaluator.value(of: moment) else {
                return nil
            }
            return at + 1
        }
    }

    private static let comparisons: Set<BinaryOperator> = [
        .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
    ]

    /// Every clock comparison in `expression`, outside `exists`/`all` macros, in the order written.
    static func all(in expression: Expression) -> [ClockComparison] {
        var found: [ClockComparison] = []
        collect(expression, into: &found)
        return found
    }

    private static func collect(_ expression: Expression, into found: inout [ClockComparison]) {
        switch expression.node {
        case .macro:
            return
        case .binary(let op, let left, let right) where comparisons.contains(op):
            for (a, b) in [(left, right), (right, left)] {
                if case .call(.since, let arguments) = a.node, let start = arguments.first {
                    found.append(ClockComparison(kind: .since(start: start, length: b)))
                }
                if case .name("now") = a.node { found.append(ClockComparison(kind: .now(moment: b))) }
            }
        default:
            break
        }
        for child in expression.node.children { collect(child, into: &found) }
    }
}
