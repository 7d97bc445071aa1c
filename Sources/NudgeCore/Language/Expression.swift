/// A parsed condition: a tree of nodes, each remembering its span in the source text.
public indirect enum ExpressionNode: Sendable, Equatable {
    case literal(Value)
    case list([Expression])
    /// A bare name: a root such as `customer`, `event`, `now`, or a macro variable.
    case name(String)
    /// `base.field`
    case member(Expression, String)
    /// `base[index]`
    case index(Expression, Expression)
    case negate(Expression)
    case not(Expression)
    case binary(BinaryOperator, Expression, Expression)
    /// `has(path)`, `since(time)`, `size(x)` (also written `x.size()`).
    case call(Function, [Expression])
    /// `list.exists(x, condition)` and `list.all(x, condition)`.
    case macro(Macro, Expression, variable: String, Expression)
}

extension ExpressionNode {
    /// The direct subexpressions.
    var children: [Expression] {
        switch self {
        case .literal, .name: []
        case .list(let items): items
        case .member(let base, _), .negate(let base), .not(let base): [base]
        case .index(let a, let b), .binary(_, let a, let b), .macro(_, let a, _, let b): [a, b]
        case .call(_, let arguments): arguments
        }
    }
}

public enum BinaryOperator: String, Sendable, CaseIterable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in`, notIn = "not in"
    case add = "+", subtract = "-", multiply = "*", divide = "/"
}

public enum Function: String, Sendable, CaseIterable {
    case has, since, size
}

public enum Macro: String, Sendable, CaseIterable {
    case exists, all
}

/// One node of a condition with its span `start..<end` (Unicode scalar offsets in the expression text).
public struct Expression: Sendable, Equatable {
    public let node: ExpressionNode
    public var start: Int
    public var end: Int
    /// Levels of the tree from this node down (1 for a literal or a name); the parser limits it so that
    /// checking and evaluating, which recurse, stay far from the end of the stack.
    public let depth: Int
    /// For `customer.<field>` and `event.<field>`, which field: named once here, so that evaluation finds it
    /// without comparing names.
    let rootField: RootField?

    public init(_ node: ExpressionNode, start: Int, end: Int) {
        self.node = node
        self.start = start
        self.end = end
        self.depth = 1 + (node.children.map(\.depth).max() ?? 0)
        self.rootField = RootField(node)
    }

    /// The dotted path this expression names (`customer.usage.seats`), if it is a plain path.
    public var path: [String]? {
        switch node {
        case .name(let name): return [name]
        case .member(let base, let field): return base.path.map { $0 + [field] }
        default: return nil
        }
    }
}

/// A syntax or type error inside an expression; offsets are mapped to a file position by the caller.
public struct ExpressionError: Error, Equatable, Sendable {
    public var start: Int
    public var end: Int
    public var message: String

    public init(start: Int, end: Int, message: String) {
        self.start = start
        self.end = end
        self.message = message
    }
}
