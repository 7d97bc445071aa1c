/// Loads `stages.yml`: an ordered list of `{name, when}` rules, first match wins.
public enum StagesLoader {
    public static func load(_ file: SourceFile) -> (StageRules?, Diagnostics) {
        let yaml = YAMLReader(file)
        let rules = read(yaml)
        return (yaml.diagnostics.hasErrors ? nil : rules, yaml.diagnostics)
    }

    private static func read(_ yaml: YAMLReader) -> StageRules? {
        guard let root = yaml.root(), let map = yaml.mapping(root, "stages.yml", keys: ["stages"], required: ["stages"]),
            let list = map["stages"], let items = yaml.sequence(list, "stages")
        else { return nil }
        if items.isEmpty {
            yaml.error(list, "stages must list at least one stage")
            return nil
        }
        var rules: [StageRule] = []
        var seen: [String: SourcePosition] = [:]
        for item in items {
            guard let rule = yaml.mapping(item, "a stage", keys: ["name", "when"], required: ["name", "when"]) else {
                continue
            }
            let name = rule["name"].flatMap { yaml.name($0, "a stage name") }
            if let name, let nameNode = rule["name"] {
                if let first = seen[name] {
                    yaml.error(nameNode, "stage '\(name)' is already defined at line \(first.line)")
                } else {
                    seen[name] = yaml.location(nameNode)
                }
            }
            let condition = rule["when"].flatMap { yaml.conditions($0, "when", scope: .stage) }
            if let name, let condition {
                rules.append(StageRule(name: name, condition: ConditionSet.single(condition)))
            }
        }
        if let last = items.last, let when = last.mapping?["when"], when.scalar?.string != "true",
            !yaml.diagnostics.hasErrors
        {
            yaml.warning(
                at: yaml.location(when),
                "the last stage should be 'when: true' so that every customer has a stage")
        }
        return StageRules(rules: rules)
    }
}

extension ConditionSet {
    /// The conditions of a set joined into one (a stage's `when:` may also be a list, all of which must hold).
    static func single(_ set: ConditionSet) -> Condition {
        if set.conditions.count == 1 { return set.conditions[0] }
        return Condition.all(set.conditions)
    }
}

extension Condition {
    /// One condition that holds when all of `conditions` hold.
    static func all(_ conditions: [Condition]) -> Condition {
        guard var joined = conditions.first?.expression else {
            return Condition(source: "true", expression: Expression(.literal(.bool(true)), start: 0, end: 4))
        }
        for next in conditions.dropFirst() {
            joined = Expression(.binary(.and, joined, next.expression), start: 0, end: 0)
        }
        return Condition(source: conditions.map { "(\($0.source))" }.joined(separator: " and "), expression: joined)
    }
}
