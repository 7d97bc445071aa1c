/// Checks a parsed condition against the names in scope: unknown names and fields, and operators applied
/// to types that can never work (`"a" > 3`, `since(5)`, `customer.purchase_count > 30d`).
struct TypeChecker {
    let scope: ConditionScope

    func type(of expression: Expression) throws(ExpressionError) -> ValueType {
        switch expression.node {
        case .literal(let value):
            return ValueType.of(value)

        case .list(let items):
            var element: ValueType?
            for item in items {
                let itemType = try type(of: item)
                if element == nil { element = itemType } else if element != itemType { element = .any }
            }
            return .list(element ?? .any)

        case .name(let name):
            guard let type = scope.roots[name] else {
                let hint = Suggestion.hint(for: name, in: scope.roots.keys.sorted())
                let available = scope.roots.keys.sorted().joined(separator: ", ")
                let detail = hint.isEmpty ? " (available here: \(available))" : hint
                throw fail(expression, "unknown name '\(name)'\(detail)")
            }
            return type

        case .member(let base, let field):
            return try member(field, of: try type(of: base), base: base, whole: expression)

        case .index(let base, let index):
            let baseType = try type(of: base)
            let indexType = try type(of: index)
            switch baseType {
            case .any: return .any
            case .list(let element):
                guard indexType.fits(.number) else { throw fail(index, "a list index must be a number, not \(indexType)") }
                return element
            case .object(let schema):
                guard indexType.fits(.string) else { throw fail(index, "a field name must be a string, not \(indexType)") }
                if case .literal(.string(let name)) = index.node {
                    return try member(name, of: baseType, base: base, whole: expression)
                }
                return schema.otherFields ?? .any
            default:
                throw fail(base, "\(baseType) cannot be indexed")
            }

        case .negate(let operand):
            let t = try type(of: operand)
            guard t.fits(.number) || t == .duration else { throw fail(operand, "cannot negate \(t)") }
            return t == .duration ? .duration : (t == .any ? .any : .number)

        case .not(let operand):
            let t = try type(of: operand)
            guard t.fits(.bool) else { throw fail(operand, "'not' needs a condition, found \(t)") }
            return .bool

        case .binary(let op, let left, let right):
            return try binary(op, left, right, whole: expression)

        case .call(let function, let arguments):
            return try call(function, arguments[0], whole: expression)

        case .macro(let macro, let base, let variable, let condition):
            let baseType = try type(of: base)
            let element: ValueType
            switch baseType {
            case .any: element = .any
            case .list(let e): element = e
            default: throw fail(base, "\(macro.rawValue)() needs a list, found \(baseType)")
            }
            let inner = TypeChecker(scope: scope.adding(variable, element))
            let conditionType = try inner.type(of: condition)
            guard conditionType.fits(.bool) else {
                throw fail(condition, "the condition of \(macro.rawValue)() must be true or false, found \(conditionType)")
            }
            return .bool
        }
    }

    private func member(_ field: String, of baseType: ValueType, base: Expression, whole: Expression)
        throws(ExpressionError) -> ValueType
    {
        switch baseType {
        case .any: return .any
        case .object(let schema):
            if let type = schema.fields[field] { return type }
            if let other = schema.otherFields { return other }
            let hint = Suggestion.hint(for: field, in: schema.fields.keys.sorted())
            throw ExpressionError(
                start: base.end + 1, end: whole.end, message: "unknown field '\(field)' of \(schema.name)\(hint)")
        default:
            throw ExpressionError(start: base.end + 1, end: whole.end, message: "\(baseType) has no field '\(field)'")
        }
    }

    private func binary(_ op: BinaryOperator, _ left: Expression, _ right: Expression, whole: Expression)
        throws(ExpressionError) -> ValueType
    {
        let l = try type(of: left)
        let r = try type(of: right)
        switch op {
        case .and, .or:
            for (side, t) in [(left, l), (right, r)] where !t.fits(.bool) {
                throw fail(side, "'\(op.rawValue)' joins conditions, but this is \(t)")
            }
            return .bool

        case .equal, .notEqual:
            guard l.comparable(with: r) else { throw fail(whole, "cannot compare \(l) with \(r): always unequal") }
            return .bool

        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            if l == .null || r == .null {
                throw fail(whole, "'\(op.rawValue)' with null is always false; use has() or == null")
            }
            for t in [l, r] where ![.any, .number, .string, .time, .duration].contains(t) {
                throw fail(whole, "cannot order \(t) values with '\(op.rawValue)'")
            }
            guard l.comparable(with: r) else { throw fail(whole, "cannot compare \(l) with \(r)") }
            return .bool

        case .in, .notIn:
            switch r {
            case .any: break
            case .list(let element):
                guard l.comparable(with: element) else {
                    throw fail(whole, "\(l) can never be in a \(r)")
                }
            case .string:
                guard l.fits(.string) else { throw fail(left, "only text can be found in text, found \(l)") }
            case .object:
                guard l.fits(.string) else { throw fail(left, "field names are text, found \(l)") }
            default:
                throw fail(right, "the right side of '\(op.rawValue)' must be a list, text or map, found \(r)")
            }
            return .bool

        case .add, .subtract, .multiply, .divide:
            if let result = ValueType.arithmetic(op, l, r) { return result }
            throw fail(whole, "cannot apply '\(op.rawValue)' to \(l) and \(r)")
        }
    }

    private func call(_ function: Function, _ argument: Expression, whole: Expression) throws(ExpressionError)
        -> ValueType
    {
        let t = try type(of: argument)
        switch function {
        case .has:
            return .bool
        case .since:
            guard t.fits(.time) else { throw fail(argument, "since() needs a time, found \(t)") }
            return .duration
        case .size:
            switch t {
            case .any, .list, .string, .object: return .number
            default: throw fail(argument, "size() needs a list, text or map, found \(t)")
            }
        }
    }

    private func fail(_ expression: Expression, _ message: String) -> ExpressionError {
        ExpressionError(start: expression.start, end: expression.end, message: message)
    }
}

extension ValueType {
    /// Whether a value of this type can be used where `expected` is needed.
    func fits(_ expected: ValueType) -> Bool {
        self == .any || self == expected
    }

    /// Whether `==` between the two types can ever be true (null compares with everything).
    func comparable(with other: ValueType) -> Bool {
        switch (self, other) {
        case (.any, _), (_, .any), (.null, _), (_, .null): return true
        case (.list(let a), .list(let b)): return a.comparable(with: b)
        case (.object, .object): return true
        default: return self == other
        }
    }

    /// The result type of an arithmetic operator, or nil when the operands never combine.
    static func arithmetic(_ op: BinaryOperator, _ l: ValueType, _ r: ValueType) -> ValueType? {
        switch (op, l, r) {
        case (_, .any, .any): return .any
        case (_, .any, let known), (_, let known, .any): return known.takesPart(in: op) ? .any : nil
        case (_, .number, .number): return .number
        case (.add, .string, .string): return .string
        case (.add, .list(let a), .list(let b)): return .list(a == b ? a : .any)
        case (.add, .time, .duration), (.add, .duration, .time), (.subtract, .time, .duration): return .time
        case (.subtract, .time, .time), (.add, .duration, .duration), (.subtract, .duration, .duration): return .duration
        case (.multiply, .duration, .number), (.multiply, .number, .duration), (.divide, .duration, .number):
            return .duration
        case (.divide, .duration, .duration): return .number
        default: return nil
        }
    }

    /// Whether values of this type appear on either side of `op` in some valid combination.
    private func takesPart(in op: BinaryOperator) -> Bool {
        switch (op, self) {
        case (_, .number), (_, .duration): return true
        case (.add, .string), (.add, .list), (.add, .time), (.subtract, .time): return true
        default: return false
        }
    }
}
