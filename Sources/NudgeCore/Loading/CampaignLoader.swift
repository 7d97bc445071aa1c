import Foundation
import Yams

/// Loads one campaign file (SPEC §6) and checks it against the rest of the set.
public enum CampaignLoader {
    static let keys = [
        "campaign", "name", "kind", "enabled", "priority", "trigger", "audience", "reentry", "holdout", "exit", "goal",
        "steps",
    ]

    public static func load(_ file: SourceFile, context: CampaignContext) -> (Campaign?, Diagnostics) {
        let reader = CampaignReader(file, context: context)
        let campaign = reader.campaign()
        return (reader.yaml.diagnostics.hasErrors ? nil : campaign, reader.yaml.diagnostics)
    }
}

final class CampaignReader {
    let yaml: YAMLReader
    let context: CampaignContext

    init(_ file: SourceFile, context: CampaignContext) {
        yaml = YAMLReader(file)
        self.context = context
    }

    func campaign() -> Campaign? {
        guard let root = yaml.root(),
            let map = yaml.mapping(root, "a campaign", keys: CampaignLoader.keys, required: ["campaign", "kind", "trigger", "steps"])
        else { return nil }

        let id = map["campaign"].flatMap { idNode -> String? in
            guard let id = yaml.name(idNode, "campaign") else { return nil }
            if id != yaml.file.stem {
                yaml.error(idNode, "campaign '\(id)' must be named like its file ('\(yaml.file.stem)')")
            }
            return id
        }
        let kind = map["kind"].flatMap { node -> CampaignKind? in
            guard let text = yaml.string(node, "kind") else { return nil }
            guard let kind = CampaignKind(rawValue: text) else {
                let names = CampaignKind.allCases.map(\.rawValue)
                yaml.error(
                    node,
                    "unknown kind '\(text)'\(Suggestion.hint(for: text, in: names)); use one of \(names.joined(separator: ", "))")
                return nil
            }
            return kind
        }
        let name = map["name"].flatMap { yaml.string($0, "name") }
        let enabled = map["enabled"].flatMap { yaml.bool($0, "enabled") } ?? true
        let priority = map["priority"].flatMap { yaml.integer($0, "priority", in: 0...1000) } ?? 0
        let trigger = map["trigger"].flatMap { self.trigger($0) }
        let audience = map["audience"].map { self.audience($0) } ?? Audience.everyone
        let reentry = map["reentry"].flatMap { self.reentry($0) } ?? .never
        let holdout = map["holdout"].flatMap { yaml.percentage($0, "holdout", in: 0...0.5) } ?? 0
        let exits = map["exit"].flatMap { self.exits($0) } ?? []
        let goal = map["goal"].flatMap { self.goal($0) }
        let steps = map["steps"].flatMap { self.steps($0, kind: kind, trigger: trigger) } ?? []

        if let kind, kind == .crossSell || kind == .upsell, let keyNode = map.keyNode("campaign") ?? map.keyNode("kind"),
            !exits.contains(where: { if case .event("purchase", _) = $0 { return true } else { return false } }),
            !yaml.diagnostics.hasErrors
        {
            yaml.warning(
                at: yaml.location(map.keyNode("exit") ?? keyNode),
                "\(Article.before(kind.rawValue)) \(kind.rawValue) campaign without an exit on purchase keeps messaging customers who already bought (add exit: - event: purchase)"
            )
        }
        guard let id, let kind, let trigger else { return nil }
        return Campaign(
            id: id, name: name ?? id, kind: kind, enabled: enabled, priority: priority, trigger: trigger,
            audience: audience, reentry: reentry, holdout: holdout, exits: exits, goal: goal, steps: steps,
            file: yaml.file.path)
    }

    // MARK: References to other files

    func stage(_ node: Node, _ what: String) -> String? {
        guard let name = yaml.name(node, what) else { return nil }
        if let stages = context.stages, !stages.contains(name) {
            let hint = Suggestion.hint(for: name, in: stages.sorted())
            yaml.error(node, "unknown stage '\(name)'\(hint)")
            return nil
        }
        return name
    }

    func stages(_ node: Node, _ what: String) -> [String]? {
        yaml.list(node, what) { self.stage($0, what) }
    }

    func eventType(_ node: Node, _ what: String) -> String? {
        yaml.name(node, what)
    }

    // MARK: Sections

    func trigger(_ node: Node) -> Trigger? {
        guard let map = yaml.mapping(node, "trigger", keys: ["event", "stage_entered", "schedule", "where"]) else {
            return nil
        }
        let kinds = ["event", "stage_entered", "schedule"].filter(map.has)
        guard kinds.count == 1 else {
            yaml.error(
                node,
                kinds.isEmpty
                    ? "trigger needs one of event, stage_entered or schedule"
                    : "trigger has \(kinds.joined(separator: " and ")); use exactly one")
            return nil
        }
        let conditions = map["where"].flatMap { yaml.conditions($0, "where", scope: .campaign) } ?? ConditionSet()
        switch kinds[0] {
        case "event":
            return map["event"].flatMap { eventType($0, "trigger.event") }.map { .event(type: $0, where: conditions) }
        case "stage_entered":
            return map["stage_entered"].flatMap { stages($0, "stage_entered") }
                .map { .stageEntered(stages: $0, where: conditions) }
        default:
            return map["schedule"].flatMap(schedule).map { .schedule($0, where: conditions) }
        }
    }

    func schedule(_ node: Node) -> ScheduleTrigger? {
        guard let map = yaml.mapping(node, "schedule", keys: ["at", "local"], required: ["at"]),
            let atNode = map["at"], let text = yaml.string(atNode, "schedule.at")
        else { return nil }
        guard let components = LocalDateTime.parse(text) else {
            yaml.error(atNode, "schedule.at must be a date and time such as \"2026-11-27T09:00\", found \(yaml.describe(atNode))")
            return nil
        }
        let local = map["local"].flatMap { yaml.bool($0, "schedule.local") } ?? false
        return ScheduleTrigger(at: components, local: local)
    }

    func audience(_ node: Node) -> Audience {
        guard let map = yaml.mapping(node, "audience", keys: ["stages", "where"]) else { return .everyone }
        return Audience(
            stages: map["stages"].flatMap { stages($0, "audience.stages") } ?? [],
            conditions: map["where"].flatMap { yaml.conditions($0, "where", scope: .campaign) } ?? ConditionSet())
    }

    func reentry(_ node: Node) -> Reentry? {
        guard let text = yaml.string(node, "reentry") else { return nil }
        switch text {
        case "never": return .never
        case "always": return .always
        default:
            if text.hasPrefix("after "), let seconds = DurationText.parse(String(text.dropFirst(6))), seconds > 0 {
                return .after(seconds)
            }
            yaml.error(node, "reentry must be never, always or 'after <duration>' such as 'after 90d', found \(yaml.describe(node))")
            return nil
        }
    }

    func exits(_ node: Node) -> [ExitRule]? {
        guard let items = yaml.sequence(node, "exit") else { return nil }
        var rules: [ExitRule] = []
        for item in items {
            guard let map = yaml.mapping(item, "an exit", keys: ["event", "where", "stage"]) else { continue }
            switch (map["event"], map["stage"]) {
            case (let event?, nil):
                let conditions = map["where"].flatMap { yaml.conditions($0, "where", scope: .campaign) } ?? ConditionSet()
                if let type = eventType(event, "exit.event") { rules.append(.event(type: type, where: conditions)) }
            case (nil, let stage?):
                if let whereKey = map.keyNode("where") {
                    yaml.error(whereKey, "an exit on stage takes no 'where' (use an event exit for conditions)")
                }
                if let names = stages(stage, "exit.stage") { rules.append(.stage(names)) }
            case (nil, nil):
                yaml.error(item, "an exit needs 'event' or 'stage'")
            default:
                yaml.error(item, "an exit has either 'event' or 'stage', not both (write two exits)")
            }
        }
        return rules
    }

    func goal(_ node: Node) -> Goal? {
        guard let map = yaml.mapping(node, "goal", keys: ["event", "where", "within"], required: ["event", "within"]),
            let event = map["event"].flatMap({ eventType($0, "goal.event") }),
            let within = map["within"].flatMap({ yaml.duration($0, "goal.within") })
        else { return nil }
        if within <= 0, let n = map["within"] { yaml.error(n, "goal.within must be longer than 0") }
        let conditions = map["where"].flatMap { yaml.conditions($0, "where", scope: .campaign) } ?? ConditionSet()
        return Goal(event: event, conditions: conditions, within: within)
    }
}

/// Wall-clock date-times in campaign files: `2026-11-27T09:00` (seconds optional, no zone).
enum LocalDateTime {
    static func parse(_ text: String) -> DateComponents? {
        let halves = text.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false).compactMap { Int($0) }
        let time = halves[1].split(separator: ":", omittingEmptySubsequences: false).compactMap { Int($0) }
        guard date.count == 3, halves[0].count == 10, (2...3).contains(time.count),
            halves[1].split(separator: ":").allSatisfy({ $0.count == 2 }),
            (1...12).contains(date[1]), (1...31).contains(date[2]), (0..<24).contains(time[0]), (0..<60).contains(time[1]),
            time.count == 2 || (0..<60).contains(time[2])
        else { return nil }
        var components = DateComponents(year: date[0], month: date[1], day: date[2], hour: time[0], minute: time[1])
        components.second = time.count == 3 ? time[2] : 0
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard components.isValidDate(in: calendar) else { return nil }
        return components
    }
}
