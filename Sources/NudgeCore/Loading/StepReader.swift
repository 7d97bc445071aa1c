import Foundation
import Yams

/// Reads `steps:` of a campaign: timing, channel, template, recommendations, variants and offers.
extension CampaignReader {
    static let stepKeys = [
        "id", "channel", "after", "before", "at", "template", "recommend", "variants", "offer", "quiet_hours", "cap",
    ]

    func steps(_ node: Node, kind: CampaignKind?, trigger: Trigger?) -> [Step]? {
        guard let items = yaml.sequence(node, "steps") else { return nil }
        if items.isEmpty { yaml.error(node, "a campaign needs at least one step") }
        var steps: [Step] = []
        var ids: [String: Int] = [:]
        var previous: (after: TimeInterval, id: String)?
        for item in items {
            guard let map = yaml.mapping(item, "a step", keys: Self.stepKeys, required: ["id", "channel", "template"])
            else { continue }
            let id = map["id"].flatMap { yaml.name($0, "step id") }
            if let id, let idNode = map["id"] {
                if let line = ids[id] {
                    yaml.error(idNode, "step id '\(id)' is already used at line \(line)")
                } else {
                    ids[id] = yaml.location(idNode).line
                }
            }
            guard let step = step(map, id: id ?? "?", kind: kind, trigger: trigger) else { continue }
            if let previous, step.after < previous.after, let afterNode = map["after"] ?? map.keyNode("id") {
                yaml.error(
                    afterNode,
                    "steps must be in time order: '\(step.id)' (after \(DurationText.format(step.after))) comes before '\(previous.id)' (after \(DurationText.format(previous.after)))"
                )
            }
            previous = (step.after, step.id)
            if id != nil { steps.append(step) }
        }
        return steps
    }

    private func step(_ map: YAMLMapping, id: String, kind: CampaignKind?, trigger: Trigger?) -> Step? {
        let channel = map["channel"].flatMap { self.channel($0) }
        let after = map["after"].flatMap { yaml.duration($0, "after") } ?? 0
        let before = map["before"].flatMap { yaml.duration($0, "before") }
        if let before, before < after, let n = map["before"] {
            yaml.error(n, "before (\(DurationText.format(before))) is earlier than after (\(DurationText.format(after)))")
        }
        let at = map["at"].flatMap { node -> TimeOfDay? in
            guard let text = yaml.string(node, "at") else { return nil }
            guard let time = TimeOfDay(parsing: text) else {
                yaml.error(node, "at must be a time of day such as \"10:00\", found \(yaml.describe(node))")
                return nil
            }
            return time
        }
        let template = map["template"].flatMap { self.template($0, channel: channel) }
        let recommend = map["recommend"].flatMap { self.recommendation($0) }
        let variants = map["variants"].flatMap { self.variants($0, channel: channel) } ?? []
        let offer = map["offer"].flatMap { self.offer($0) }
        let ignoresQuietHours = map["quiet_hours"].flatMap { policy($0, "quiet_hours", values: ["respect", "ignore"]) } == "ignore"
        let capExempt = map["cap"].flatMap { policy($0, "cap", values: ["count", "exempt"]) } == "exempt"
        if let kind, kind != .notice {
            if ignoresQuietHours, let n = map["quiet_hours"] {
                yaml.error(n, "quiet_hours: ignore is only for kind: notice campaigns (marketing waits for the morning)")
            }
            if capExempt, let n = map["cap"] {
                yaml.error(n, "cap: exempt is only for kind: notice campaigns")
            }
        }
        guard let channel, let template else { return nil }
        let built = Step(
            id: id, channel: channel, after: after, before: before, at: at, template: template, recommend: recommend,
            variants: variants, offer: offer, ignoresQuietHours: ignoresQuietHours, capExempt: capExempt)
        // A step whose offer or recommendations failed to load would only add noise about their variables.
        if (offer != nil || !map.has("offer")) && (recommend != nil || !map.has("recommend")) {
            checkTemplates(built, map, trigger: trigger)
        }
        return built
    }

    private func channel(_ node: Node) -> Channel? {
        guard let text = yaml.string(node, "channel") else { return nil }
        let configured = context.channels.sorted().map(\.rawValue)
        guard let channel = Channel(rawValue: text), context.channels.contains(channel) else {
            yaml.error(
                node,
                "unknown channel '\(text)'\(Suggestion.hint(for: text, in: configured)); configured channels: \(configured.joined(separator: ", "))"
            )
            return nil
        }
        return channel
    }

    private func policy(_ node: Node, _ what: String, values: [String]) -> String? {
        guard let text = yaml.string(node, what) else { return nil }
        guard values.contains(text) else {
            yaml.error(node, "\(what) must be \(values.joined(separator: " or ")), found \(yaml.describe(node))")
            return nil
        }
        return text
    }

    private func variants(_ node: Node, channel: Channel?) -> [Variant]? {
        guard let items = yaml.sequence(node, "variants") else { return nil }
        var variants: [Variant] = []
        var ids = Set<String>()
        for item in items {
            guard let map = yaml.mapping(item, "a variant", keys: ["id", "weight", "template"], required: ["id", "weight"]),
                let idNode = map["id"], let id = yaml.name(idNode, "variant id"),
                let weight = map["weight"].flatMap({ yaml.integer($0, "weight", in: 0...100) })
            else { continue }
            if !ids.insert(id).inserted { yaml.error(idNode, "variant id '\(id)' is used twice") }
            let template = map["template"].flatMap { self.template($0, channel: channel) }
            variants.append(Variant(id: id, weight: weight, template: template))
        }
        let total = variants.reduce(0) { $0 + $1.weight }
        if variants.count == items.count, !variants.isEmpty, total != 100 {
            yaml.error(node, "variant weights must sum to 100, they sum to \(total)")
        }
        if items.count == 1 { yaml.warning(at: yaml.location(node), "a single variant is not an A/B test") }
        return variants
    }

    private func offer(_ node: Node) -> Offer? {
        guard let map = yaml.mapping(node, "offer", keys: ["code", "valid_for"], required: ["code", "valid_for"]),
            let code = map["code"].flatMap({ yaml.name($0, "offer.code") }),
            let validFor = map["valid_for"].flatMap({ yaml.duration($0, "offer.valid_for") })
        else { return nil }
        if validFor <= 0, let n = map["valid_for"] { yaml.error(n, "offer.valid_for must be longer than 0") }
        return Offer(code: code, validFor: validFor)
    }

    private func recommendation(_ node: Node) -> Recommendation? {
        let keys = [
            "strategy", "limit", "categories", "skus", "min_confidence", "min_lift", "min_margin", "max_price",
            "fallback", "require",
        ]
        guard let map = yaml.mapping(node, "recommend", keys: keys, required: ["strategy"]),
            let strategyNode = map["strategy"], let text = yaml.string(strategyNode, "recommend.strategy")
        else { return nil }
        guard let strategy = Recommendation.Strategy(rawValue: text) else {
            let names = Recommendation.Strategy.allCases.map(\.rawValue)
            yaml.error(
                strategyNode,
                "unknown strategy '\(text)'\(Suggestion.hint(for: text, in: names)); use one of \(names.joined(separator: ", "))")
            return nil
        }
        let skus = map["skus"].flatMap { self.skus($0, "recommend.skus") } ?? []
        if strategy == .fixed, skus.isEmpty { yaml.error(node, "the fixed strategy needs skus: [...]") }
        if strategy != .fixed, let n = map.keyNode("skus") { yaml.error(n, "skus is only for strategy: fixed") }
        return Recommendation(
            strategy: strategy,
            limit: map["limit"].flatMap { yaml.integer($0, "recommend.limit", in: 1...20) } ?? 3,
            categories: map["categories"].flatMap { yaml.list($0, "recommend.categories") { self.yaml.name($0, "a category") } } ?? [],
            skus: skus,
            minConfidence: map["min_confidence"].flatMap { yaml.number($0, "min_confidence", in: 0...1) },
            minLift: map["min_lift"].flatMap { yaml.number($0, "min_lift", in: 0...1000) },
            minMargin: map["min_margin"].flatMap { yaml.percentage($0, "min_margin", in: 0...1) },
            maxPrice: map["max_price"].flatMap { yaml.percentage($0, "max_price", in: 0.01...100) },
            fallback: map["fallback"].flatMap { self.skus($0, "recommend.fallback") } ?? [],
            require: map["require"].flatMap { yaml.bool($0, "recommend.require") } ?? false)
    }

    private func skus(_ node: Node, _ what: String) -> [String]? {
        yaml.list(node, what) { item in
            guard let sku = self.yaml.name(item, "a SKU") else { return nil }
            if let catalog = self.context.catalog, !catalog.contains(sku) {
                self.yaml.error(item, "unknown product '\(sku)'\(Suggestion.hint(for: sku, in: catalog.sorted()))")
                return nil
            }
            return sku
        }
    }
}
