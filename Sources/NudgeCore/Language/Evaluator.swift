import Foundation

/// Evaluates a checked expression. Never throws and never traps: a missing path, a type that does not fit
/// at run time, or a division by zero gives `null`, and ordering comparisons with `null` are false.
struct Evaluator {
    var roots: ConditionRoots
    var now: Date

    func value(of expression: Expression) -> Value {
        switch expression.node {
        case .literal(let value):
            return value
        case .list(let items):
            return .list(items.map(value(of:)))
        case .name(let name):
            return roots.value(named: name) ?? (name == "now" ? .time(now) : .null)
        case .member(let base, let field):
            if let rootField = expression.rootField, let found = roots.value(of: rootField) { return found ?? .null }
            return value(of: base)[field]
        case .index(let base, let index):
            switch (value(of: base), value(of: index)) {
            case (.list(let items), .number(let n)):
                guard n == n.rounded(), let i = Int(exactly: n) else { return .null }
                let position = i < 0 ? items.count + i : i
                return items.indices.contains(position) ? items[position] : .null
            case (.map(let fields), .string(let key)):
                return fields[key] ?? .null
            default:
                return .null
            }
        case .negate(let operand):
            switch value(of: operand) {
            case .number(let n): return .number(-n)
            case .duration(let d): return .duration(-d)
            default: return .null
            }
        case .not(let operand):
            return .bool(!value(of: operand).isTrue)
        case .binary(.and, let left, let right):
            return .bool(value(of: left).isTrue && value(of: right).isTrue)
        case .binary(.or, let left, let right):
            return .bool(value(of: left).isTrue || value(of: right).isTrue)
        case .binary(let op, let left, let right):
            return Self.apply(op, value(of: left), value(of: right))
        case .call(.has, let arguments):
            return .bool(!value(of: arguments[0]).isNull)
        case .call(.since, let arguments):
            guard case .time(let t) = value(of: arguments[0]) else { return .null }
            return Self.arithmetic(.subtract, .time(now), .time(t))
        case .call(.size, let arguments):
            switch value(of: arguments[0]) {
            case .list(let items): return .number(Double(items.count))
            case .string(let s): return .number(Double(s.count))
            case .map(let fields): return .number(Double(fields.count))
            default: return .null
            }
        case .macro(let macro, let base, let variable, let condition):
            guard case .list(let items) = value(of: base) else { return macro == .all ? .null : .bool(false) }
            var inner = self
            for item in items {
                inner.roots.named[variable] = item
                let holds = inner.value(of: condition).isTrue
                if macro == .exists, holds { return .bool(true) }
                if macro == .all, !holds { return .bool(false) }
            }
            return .bool(macro == .all)
        }
    }

    static func apply(_ op: BinaryOperator, _ l: Value, _ r: Value) -> Value {
        switch op {
        case .equal: return .bool(equal(l, r))
        case .notEqual: return .bool(!equal(l, r))
        case .less: return .bool(order(l, r).map { $0 < 0 } ?? false)
        case .lessOrEqual: return .bool(order(l, r).map { $0 <= 0 } ?? false)
        case .greater: return .bool(order(l, r).map { $0 > 0 } ?? false)
        case .greaterOrEqual: return .bool(order(l, r).map { $0 >= 0 } ?? false)
        case .in: return .bool(contains(r, l))
        case .notIn: return .bool(!contains(r, l))
        case .add, .subtract, .multiply, .divide: return arithmetic(op, l, r)
        case .and, .or: return .bool(false)  // handled with short-circuit above
        }
    }

    static func equal(_ l: Value, _ r: Value) -> Bool {
        switch (l, r) {
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        default: return l == r
        }
    }

    /// -1, 0 or 1 for values of the same orderable kind; nil otherwise (so the comparison is false).
    static func order(_ l: Value, _ r: Value) -> Int? {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
        switch (l, r) {
        case (.number(let a), .number(let b)): return a.isNaN || b.isNaN ? nil : sign(a, b)
        case (.string(let a), .string(let b)): return sign(a, b)
        case (.time(let a), .time(let b)): return sign(a, b)
        case (.duration(let a), .duration(let b)): return sign(a, b)
        default: return nil
        }
    }

    static func contains(_ container: Value, _ element: Value) -> Bool {
        switch (container, element) {
        case (.list(let items), _): return items.contains { equal($0, element) }
        case (.string(let text), .string(let part)): return part.isEmpty || text.contains(part)
        case (.map(let fields), .string(let key)): return fields[key] != nil
        default: return false
        }
    }

    /// Results that overflow (or are not numbers at all) are `null`, like a division by zero.
    static func arithmetic(_ op: BinaryOperator, _ l: Value, _ r: Value) -> Value {
        func checked(_ n: Double) -> Value { n.isFinite ? .number(n) : .null }
        func duration(_ d: TimeInterval) -> Value { d.isFinite ? .duration(d) : .null }
        func time(_ t: Date) -> Value { t.timeIntervalSinceReferenceDate.isFinite ? .time(t) : .null }
        switch (op, l, r) {
        case (.add, .number(let a), .number(let b)): return checked(a + b)
        case (.subtract, .number(let a), .number(let b)): return checked(a - b)
        case (.multiply, .number(let a), .number(let b)): return checked(a * b)
        case (.divide, .number(let a), .number(let b)): return b == 0 ? .null : checked(a / b)
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .list(let a), .list(let b)): return .list(a + b)
        case (.add, .time(let t), .duration(let d)), (.add, .duration(let d), .time(let t)):
            return time(t.addingTimeInterval(d))
        case (.subtract, .time(let t), .duration(let d)): return time(t.addingTimeInterval(-d))
        case (.subtract, .time(let a), .time(let b)): return duration(a.timeIntervalSince(b))
        case (.add, .duration(let a), .duration(let b)): return duration(a + b)
        case (.subtract, .duration(let a), .duration(let b)): return duration(a - b)
        case (.multiply, .duration(let d), .number(let n)), (.multiply, .number(let n), .duration(let d)):
            return duration(d * n)
        case (.divide, .duration(let d), .number(let n)): return n == 0 ? .null : duration(d / n)
        case (.divide, .duration(let a), .duration(let b)): return b == 0 ? .null : checked(a / b)
        default: return .null
        }
    }
}
