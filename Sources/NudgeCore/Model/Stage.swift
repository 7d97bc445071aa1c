/// One rule of `stages.yml`: the customer is in stage `name` when `when` holds (first match wins).
public struct StageRule: Sendable, Equatable {
    public var name: String
    public var condition: Condition

    public init(name: String, condition: Condition) {
        self.name = name
        self.condition = condition
    }
}

/// The ordered stage rules of `stages.yml`.
public struct StageRules: Sendable, Equatable {
    public var rules: [StageRule]

    public init(rules: [StageRule]) {
        self.rules = rules
    }

    public var names: [String] { rules.map(\.name) }

    /// No rules at all: every customer is in no stage.
    public static let empty = StageRules(rules: [])
}
